"""The demo's evidence base: five cities in two peer groups, and no personal data in any evidence record."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RECORD_TEXT = ("framework", "capability", "indicator", "unit", "source_kind", "source_url", "attribution", "note",
               "feed_key")
ASSESSMENT_TEXT = ("assessor", "interviewees", "documents")


def _personal_strings(conn) -> set[str]:
    """Every name, e-mail, phone and address of a person in the demo, long enough to be unambiguous."""
    found = set()
    for name, email in conn.execute("SELECT name, email FROM user"):
        found |= {name, email}
    for row in conn.execute("SELECT first_name, last_name, email, phone, address FROM volunteer"):
        first, last, email, phone, address = row
        found |= {f"{first} {last}", email, phone, address}
    for line1, postcode in conn.execute("SELECT line1, postcode FROM address"):
        found |= {line1, postcode}
    return {s.strip() for s in found if s and len(s.strip()) >= 6}


@pytest.mark.slow
def test_demo_evidence_has_peer_groups_and_no_personal_data(tmp_path):
    env = {k: v for k, v in __import__("os").environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "JOB_EXECUTOR")}
    env["PANELS_INSTANCE"] = str(tmp_path)
    run = subprocess.run([sys.executable, "-m", "panels", "demo"], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=900)
    assert run.returncode == 0, run.stderr[-3000:]
    assert "Evidence base:" in run.stdout
    with sqlite3.connect(tmp_path / "panels.sqlite") as conn:
        opted_in = conn.execute("SELECT slug FROM organisation WHERE open_data").fetchall()
        assert len(opted_in) >= 5
        riverton = conn.execute("SELECT id FROM organisation WHERE slug = 'riverton'").fetchone()[0]
        feed = conn.execute("SELECT COUNT(*) FROM evidence_record WHERE source = 'feed' AND organisation_id = ?",
                            (riverton,)).fetchone()[0]
        assert feed > 0  # the automatic feed ran over Riverton's panels
        dates = conn.execute("SELECT assessed_on FROM capability_assessment WHERE organisation_id = ? AND "
                             "status = 'final' ORDER BY assessed_on", (riverton,)).fetchall()
        assert len(dates) >= 2
        personal = _personal_strings(conn)
        assert len(personal) > 1000  # the scan has something to look for: members, volunteers, addresses
        texts = [" | ".join(str(v) for v in row if v is not None)
                 for row in conn.execute(f"SELECT {', '.join(RECORD_TEXT)} FROM evidence_record")]
        for row in conn.execute(f"SELECT {', '.join(ASSESSMENT_TEXT)} FROM capability_assessment"):
            texts.append(" | ".join(str(v) for v in row if v is not None))
        for answers, reason in conn.execute("SELECT answers, reason FROM capability_assessment_answer"):
            texts.append(" | ".join(json.loads(answers or "{}").values()) + " | " + (reason or ""))
    assert len(texts) > 100
    blob = "\n".join(texts).lower()
    leaked = sorted(s for s in personal if s.lower() in blob)
    assert leaked == [], f"personal data in evidence: {leaked[:10]}"
