"""Open data: evidence records and indicators as CSV and JSON (schema: ``schema.json``), and the import
of evidence from other sources, checked row by row, all or nothing.

Exports hold no personal data: the feed never writes any, and who entered a record is not exported.
Across organisations, only those that opted in (``Organisation.open_data``) are published, with the
structural features peer groups are built from.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd
from sqlalchemy import select

from .. import audit
from ..access import require
from ..accounts.models import Organisation
from ..extensions import db
from ..panel.models import Panel
from . import frameworks
from . import mapping as mapping_module
from .models import CONFIDENCE, EvidenceRecord
from .records import check_url

SCHEMA_FILE = Path(__file__).with_name("schema.json")
SCHEMA_VERSION = 1
ORGANISATION_COLUMNS = ["organisation", "organisation_name", "country", "population", "government_level",
                        "income_group", "area_type", "annual_budget", "budget_currency"]
RECORD_COLUMNS = [*ORGANISATION_COLUMNS, "record_id", "panel", "panel_title", "framework", "capability",
                  "capability_name", "indicator", "indicator_name", "period", "value", "unit", "observed_on", "source",
                  "source_kind", "source_url", "document", "confidence", "attribution", "note"]
IMPORT_REQUIRED = ["capability", "indicator", "value", "observed_on", "confidence"]
IMPORT_OPTIONAL = ["framework", "unit", "panel", "source_url", "note"]
UPLOAD_NAME = re.compile(r"^[0-9a-f]{32}\.(csv|xlsx)$")
MAX_PROBLEMS = 100


def schema() -> dict:
    return json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))


def organisation_features(org: Organisation) -> dict:
    return {"organisation": org.slug, "organisation_name": org.name, "country": org.country,
            "population": org.population, "government_level": org.government_level,
            "income_group": org.income_group, "area_type": org.area_type,
            "annual_budget": float(org.annual_budget) if org.annual_budget is not None else None,
            "budget_currency": org.budget_currency}


def _absolute(url: str | None, base: str) -> str | None:
    return f"{base.rstrip('/')}{url}" if url and url.startswith("/") else url


def row(record: EvidenceRecord, base: str = "", names: dict | None = None) -> dict:
    """One record as plain values, in RECORD_COLUMNS order."""
    names = names if names is not None else mapping_module.indicator_names()
    cap = frameworks.capability(record.capability)
    period = record.feed_key.rsplit(":", 1)[1] if record.feed_key else None
    return {**organisation_features(record.organisation), "record_id": record.id,
            "panel": record.panel.slug if record.panel else None,
            "panel_title": record.panel.title if record.panel else None, "framework": record.framework,
            "capability": record.capability, "capability_name": cap.name if cap else record.capability,
            "indicator": record.indicator, "indicator_name": names.get(record.indicator, record.indicator),
            "period": period, "value": record.value, "unit": record.unit, "observed_on": record.observed_on.isoformat(),
            "source": record.source, "source_kind": record.source_kind,
            "source_url": _absolute(record.source_url, base),
            "document": "attached" if record.document_stored_name else None,
            "confidence": record.confidence, "attribution": record.attribution, "note": record.note}


def records_for(organisations: list[Organisation]) -> list[EvidenceRecord]:
    if not organisations:
        return []
    return list(db.session.scalars(select(EvidenceRecord).where(
        EvidenceRecord.organisation_id.in_([o.id for o in organisations]))
        .order_by(EvidenceRecord.organisation_id, EvidenceRecord.observed_on, EvidenceRecord.id)))


def open_organisations() -> list[Organisation]:
    return list(db.session.scalars(select(Organisation).where(Organisation.open_data.is_(True))
                                   .order_by(Organisation.name)))


def to_json(organisations: list[Organisation], base: str = "", scope: str = "organisation") -> dict:
    names = mapping_module.indicator_names()
    try:
        indicators = [{"key": i.key, "name": i.name, "description": i.description, "unit": i.unit,
                       "confidence": i.confidence, "capabilities": list(i.capabilities)}
                      for i in mapping_module.load()]
    except frameworks.FrameworkError:
        indicators = []
    return {
        "schema": f"{base.rstrip('/')}/open-data/evidence/schema.json", "schema_version": SCHEMA_VERSION,
        "generated_at": datetime.now(UTC).replace(microsecond=0).isoformat(), "scope": scope,
        "attribution": "Evidence records say what contributed to a capability, never what caused it.",
        "organisations": [organisation_features(o) for o in organisations],
        "frameworks": [{"key": f.key, "name": f.name, "source": f.source, "capabilities": [
            {"key": c.key, "name": c.name, "description": c.description} for c in f.capabilities]}
            for f in frameworks.frameworks()],
        "indicators": indicators,
        "records": [row(r, base, names) for r in records_for(organisations)],
    }


def to_csv(organisations: list[Organisation], base: str = "") -> str:
    names = mapping_module.indicator_names()
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=RECORD_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for record in records_for(organisations):
        writer.writerow({k: ("" if v is None else f"{v:g}" if isinstance(v, float) else v)
                         for k, v in row(record, base, names).items()})
    return out.getvalue()


# -- import -------------------------------------------------------------------------------------

def _lookup(pairs) -> dict[str, str]:
    return {" ".join(str(text).split()).casefold(): key for key, label in pairs for text in (key, label)}


def check(frame: pd.DataFrame, organisation: Organisation) -> tuple[list[dict], list[dict]]:
    """(rows ready to save, problems); each problem names the row (header = row 1), the column and the fix."""
    problems: list[dict] = []
    missing = [c for c in IMPORT_REQUIRED if c not in frame.columns]
    columns = IMPORT_REQUIRED + IMPORT_OPTIONAL
    if missing:
        return [], [{"row": None, "column": c, "problem": "This column is missing.",
                     "fix": f"Add a column named “{c}” (the columns are: {', '.join(columns)})."} for c in missing]
    caps = {c.key: c for c in frameworks.capabilities()}
    cap_lookup = _lookup((c.key, c.name) for c in caps.values())
    conf_lookup = _lookup(CONFIDENCE.items())
    panels = {p.slug: p.id for p in db.session.scalars(select(Panel).where(Panel.organisation_id == organisation.id))}
    rows = []
    for i in range(len(frame)):
        number = i + 2
        cell = {c: str(frame[c].iloc[i]).strip() if c in frame.columns else "" for c in columns}

        def problem(column: str, text: str, fix: str, number=number) -> None:
            problems.append({"row": number, "column": column, "problem": text, "fix": fix})

        cap = caps.get(cap_lookup.get(" ".join(cell["capability"].split()).casefold(), ""))
        if cap is None:
            problem("capability", f"“{cell['capability']}” is not a capability." if cell["capability"]
                    else "This cell is empty.", f"Use one of: {', '.join(caps)}.")
        elif cell["framework"] and cell["framework"] != cap.framework:
            problem("framework", f"“{cap.key}” belongs to the framework “{cap.framework}”, not “{cell['framework']}”.",
                    f"Write {cap.framework}, or leave the cell empty.")
        if not cell["indicator"] or len(cell["indicator"]) > 80:
            problem("indicator", "This cell is empty." if not cell["indicator"] else "Longer than 80 characters.",
                    "Say in a few words what was measured.")
        value = None
        try:
            value = float(cell["value"])
            if not math.isfinite(value):
                raise ValueError
        except ValueError:
            problem("value", f"“{cell['value']}” is not a number." if cell["value"] else "This cell is empty.",
                    "Write a number with a point for decimals, without units (e.g. 42 or 3.5).")
        observed = None
        try:
            observed = date.fromisoformat(cell["observed_on"])
        except ValueError:
            problem("observed_on", f"“{cell['observed_on']}” is not a date." if cell["observed_on"]
                    else "This cell is empty.", "Write the date as YYYY-MM-DD, e.g. 2025-03-31.")
        confidence = conf_lookup.get(" ".join(cell["confidence"].split()).casefold())
        if confidence is None:
            problem("confidence", f"“{cell['confidence']}” is not a confidence level." if cell["confidence"]
                    else "This cell is empty.", f"Use one of: {', '.join(CONFIDENCE)}.")
        if cell["panel"] and cell["panel"] not in panels:
            problem("panel", f"“{cell['panel']}” is not one of this organisation's panels.",
                    "Use a panel's short name (slug) as in the export, or leave the cell empty.")
        if cell["source_url"] and (fix := check_url(cell["source_url"])):
            problem("source_url", f"“{cell['source_url']}” is not a web address.", fix)
        elif len(cell["source_url"]) > 500:
            problem("source_url", "Longer than 500 characters.", "Give a shorter link to the source document.")
        if len(cell["unit"]) > 40:
            problem("unit", "Longer than 40 characters.", "Use a short unit, e.g. %, count, days.")
        rows.append({"framework": cap.framework if cap else None, "capability": cap.key if cap else None,
                     "indicator": cell["indicator"], "value": value, "unit": cell["unit"] or None,
                     "observed_on": observed, "confidence": confidence,
                     "panel_id": panels.get(cell["panel"]) if cell["panel"] else None,
                     "source_url": cell["source_url"] or None, "note": cell["note"] or None})
        if len(problems) >= MAX_PROBLEMS:
            break
    return rows, problems


class ImportProblems(ValueError):
    def __init__(self, problems: list[dict]):
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


def import_records(actor, organisation: Organisation, frame: pd.DataFrame) -> int:
    """Add every row as an imported record in one transaction, or none when any row has a problem."""
    require(actor, "evidence.manage", organisation=organisation)
    rows, problems = check(frame, organisation)
    if problems:
        raise ImportProblems(problems)
    if not rows:
        raise ImportProblems([{"row": None, "column": "", "problem": "The file has no rows.",
                               "fix": "Add one row per evidence record under the header row."}])
    for item in rows:
        db.session.add(EvidenceRecord(organisation_id=organisation.id, source="import", source_kind="import",
                                      attribution="contributed to", created_by_id=actor.id, **item))
    audit.record("evidence.imported", organisation, actor=actor, organisation=organisation, records=len(rows))
    db.session.commit()
    return len(rows)
