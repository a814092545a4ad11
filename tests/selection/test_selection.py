"""Selection in the app: targets, feasibility, runs with a lock, statuses, the public verification."""

from __future__ import annotations

import io
import json
import threading

import pytest
from pypdf import PdfReader

import lottery
from panels.accounts.models import User
from panels.extensions import db
from panels.jobs import wait
from panels.panel.models import Panel
from panels.pool.models import Volunteer
from panels.selection import runs, targets
from panels.selection.models import SelectionLock, SelectionRun, Target
from tests.selection.fixtures import make_pool


@pytest.fixture
def ready(app, world):
    """World panel with 8 seats, a pool of 40 and targets from the census."""
    with app.app_context():
        panel = db.session.get(Panel, world.panel.id)
        panel.seats = 8
        db.session.commit()
        make_pool(panel.id)
        targets.from_census(db.session.get(User, world.organiser.id), panel, min_small=1)
    return world


def _statuses(panel_id):
    return {v.public_id: v.status for v in db.session.query(Volunteer).filter_by(panel_id=panel_id)}


def test_targets_from_census_shares(app_ctx, ready):
    rows = {(t.category, t.value): (t.min, t.max) for t in db.session.query(Target)}
    assert rows[("age", "young")] == (3, 4)  # 0.4 × 8 = 3.2
    assert rows[("age", "old")] == (4, 5)  # 0.6 × 8 = 4.8
    assert rows[("tenure", "owner")] == (4, 4)


def test_a_hand_edit_needs_a_reason_and_is_audited(app, ready, as_user):
    client = as_user("organiser")
    with app.app_context():
        target = db.session.query(Target).filter_by(value="young").one()
        target_id = target.id
    page = client.post(f"/panels/{ready.panel.id}/selection/targets/{target_id}", data={"min": 2, "max": 5,
                                                                                        "reason": ""},
                       follow_redirects=True)
    assert b"Say why" in page.data
    client.post(f"/panels/{ready.panel.id}/selection/targets/{target_id}",
                data={"min": 2, "max": 5, "reason": "Few young volunteers registered"})
    with app.app_context():
        target = db.session.get(Target, target_id)
        assert (target.min, target.max, target.edit_reason) == (2, 5, "Few young volunteers registered")
    assert b"Few young volunteers" in client.get(f"/panels/{ready.panel.id}/selection").data


def test_targets_round_trip_through_the_sortition_foundation_csv(app, ready, as_user):
    client = as_user("organiser")
    exported = client.get(f"/panels/{ready.panel.id}/selection/targets.csv").data.decode()
    assert exported.splitlines()[0] == "feature,value,min,max,min_flex,max_flex"
    changed = exported.replace("tenure,owner,4,4", "tenure,owner,3,5")
    client.post(f"/panels/{ready.panel.id}/selection/targets/import",
                data={"file": (io.BytesIO(changed.encode()), "targets.csv")}, content_type="multipart/form-data")
    with app.app_context():
        owner = db.session.query(Target).filter_by(category="tenure", value="owner").one()
        assert (owner.min, owner.max) == (3, 5)
    bad = exported.replace("tenure,owner", "tenure,houseboat")
    page = client.post(f"/panels/{ready.panel.id}/selection/targets/import",
                       data={"file": (io.BytesIO(bad.encode()), "targets.csv")}, content_type="multipart/form-data",
                       follow_redirects=True)
    assert b"Nothing was imported" in page.data and b"houseboat" in page.data
    with app.app_context():
        assert db.session.query(Target).filter_by(category="tenure", value="owner").one().max == 5


def test_infeasible_targets_are_explained_with_a_relaxation(app, ready, as_user):
    with app.app_context():
        young = db.session.query(Target).filter_by(value="young").one()
        young.min = young.max = 8  # more young members than the pool can give with the other targets
        db.session.commit()
    page = as_user("organiser").get(f"/panels/{ready.panel.id}/selection")
    assert b"No panel can meet all the targets" in page.data
    assert b"Proposed" in page.data


def test_a_test_run_changes_nobody_and_a_final_run_selects_exactly_the_panel(app, ready):
    with app.app_context():
        organiser = db.session.get(User, ready.organiser.id)
        panel = db.session.get(Panel, ready.panel.id)
        test = runs.start(organiser, panel, kind="test")
        assert wait(test.job_id, 120).status == "succeeded"
        db.session.refresh(test)
        assert test.status == "succeeded" and len(test.selected) == 8
        assert set(_statuses(panel.id).values()) == {"pool"}
        final = runs.start(organiser, panel, kind="final", seed="3-1-4-1-5")
        assert wait(final.job_id, 120).status == "succeeded"
        db.session.refresh(final)
        statuses = _statuses(panel.id)
        assert {pid for pid, s in statuses.items() if s == "selected"} == set(final.selected)
        assert final.report["summary"]["min_probability"] > 0
        assert db.session.get(SelectionLock, panel.id) is None
        with pytest.raises(runs.RunRefused, match="already been drawn"):
            runs.start(organiser, panel, kind="final")


def test_two_runs_at_once_give_exactly_one_run(app, ready):
    results, barrier = [], threading.Barrier(2)

    def attempt():
        with app.app_context():
            organiser = db.session.get(User, ready.organiser.id)
            panel = db.session.get(Panel, ready.panel.id)
            barrier.wait()
            try:
                results.append(runs.start(organiser, panel, kind="test").id)
            except runs.RunRefused as exc:
                results.append(str(exc))

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    started = [r for r in results if isinstance(r, int)]
    refused = [r for r in results if isinstance(r, str)]
    assert len(started) == 1 and len(refused) == 1, results
    assert f"#{started[0]}" in refused[0] and "still running" in refused[0]
    with app.app_context():
        wait(db.session.get(SelectionRun, started[0]).job_id, 120)


def test_a_dead_run_releases_the_lock_and_leaves_statuses_untouched(app, ready):
    from datetime import timedelta

    from panels.db import utcnow
    from panels.jobs import Job

    with app.app_context():
        panel = db.session.get(Panel, ready.panel.id)
        run = SelectionRun(panel_id=panel.id, kind="final", status="running", seats=8, seed="s", snapshot={})
        db.session.add(run)
        db.session.flush()
        job = Job(id="d" * 32, name="selection.run", title="x", executor="thread", status="running",
                  heartbeat_at=utcnow() - timedelta(minutes=10))
        run.job_id = job.id
        db.session.add_all([job, SelectionLock(panel_id=panel.id, run_id=run.id)])
        db.session.commit()
        fresh = runs.start(db.session.get(User, ready.organiser.id), panel, kind="test")
        db.session.refresh(run)
        assert run.status == "failed" and "stopped" in run.error
        assert set(_statuses(panel.id).values()) == {"pool"}
        wait(fresh.job_id, 120)


def test_the_published_report_verifies_with_the_published_files(app, ready, as_user, tmp_path):
    client = as_user("organiser")
    client.post(f"/panels/{ready.panel.id}/selection/runs", data={"kind": "final", "algorithm": "leximin",
                                                                   "seed": "dice 4 2 6"})
    with app.app_context():
        run = db.session.query(SelectionRun).filter_by(kind="final").one()
        assert wait(run.job_id, 120).status == "succeeded"
        run_id = run.id
    assert client.get(f"/p/{ready.panel.id}/selection").status_code == 404  # not yet published
    client.post(f"/panels/{ready.panel.id}/selection/runs/{run_id}/publish")
    public = app.test_client()
    page = public.get(f"/p/{ready.panel.id}/selection")
    assert page.status_code == 200 and b"<svg" in page.data and b"dice 4 2 6" in page.data
    assert b"Person" not in page.data and b"@test.example" not in page.data  # no personal data
    for name in ("report.json", "quotas.csv", "people.csv"):
        data = public.get(f"/p/{ready.panel.id}/selection/{name}").data
        assert b"@test.example" not in data and b"Person" not in data and b"house " not in data
        (tmp_path / name).write_bytes(data)
    report = json.loads((tmp_path / "report.json").read_text())
    assert lottery.verify_report(report, tmp_path / "quotas.csv", tmp_path / "people.csv") == []
    pdf = public.get(f"/p/{ready.panel.id}/selection/report.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "dice 4 2 6" in text and report["inputs"]["sha256"] in text and "Selection probabilities" in text
    report["panel"][0] = "V-9999"
    assert lottery.verify_report(report, tmp_path / "quotas.csv", tmp_path / "people.csv") != []


def test_a_public_ceremony_fixes_the_panel_from_the_published_list(app, ready, as_user, tmp_path):
    import hashlib

    client = as_user("organiser")
    client.post(f"/panels/{ready.panel.id}/selection/runs", data={"kind": "ceremony", "algorithm": "leximin"})
    with app.app_context():
        run = db.session.query(SelectionRun).filter_by(kind="final").one()
        assert wait(run.job_id, 120).status == "succeeded"
        db.session.refresh(run)
        assert run.status == "awaiting" and set(_statuses(run.panel_id).values()) == {"pool"}
        run_id = run.id
    public = app.test_client()
    assert public.get(f"/p/{ready.panel.id}/ceremony").status_code == 404  # not published yet
    client.post(f"/panels/{ready.panel.id}/selection/runs/{run_id}/publish")
    page = public.get(f"/p/{ready.panel.id}/ceremony")
    listing = public.get(f"/p/{ready.panel.id}/ceremony/panels.csv").data
    assert hashlib.sha256(listing).hexdigest().encode() in page.data
    rows = listing.decode().splitlines()
    assert rows[0] == "number,members" and len(rows) == 1001
    refused = client.post(f"/panels/{ready.panel.id}/selection/runs/{run_id}/number", data={"number": 1000},
                          follow_redirects=True)
    assert b"between 0 and 999" in refused.data
    client.post(f"/panels/{ready.panel.id}/selection/runs/{run_id}/number", data={"number": 427})
    with app.app_context():
        run = db.session.get(SelectionRun, run_id)
        assert run.status == "succeeded"
        listed = rows[1 + 427].split(",", 1)[1].split()
        assert sorted(run.selected) == sorted(listed)
        assert {p for p, s in _statuses(run.panel_id).items() if s == "selected"} == set(listed)
    for name in ("report.json", "quotas.csv", "people.csv"):
        (tmp_path / name).write_bytes(public.get(f"/p/{ready.panel.id}/selection/{name}").data)
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["draw"]["number"] == 427
    assert lottery.verify_report(report, tmp_path / "quotas.csv", tmp_path / "people.csv") == []
    assert b"427" in public.get(f"/p/{ready.panel.id}/ceremony").data


def test_a_final_run_whose_process_is_killed_changes_nobody(app, ready):
    """A real worker process is killed mid-run: the run is detected as failed, statuses are untouched,
    and the lock no longer blocks the next run."""
    import os
    import signal
    import subprocess
    import sys
    import time
    from datetime import timedelta
    from pathlib import Path

    from panels.db import utcnow
    from panels.jobs import Job, reap_stale

    root = Path(__file__).resolve().parents[2]
    code = (
        "import time, lottery\n"
        "from panels import create_app\n"
        "from panels.extensions import db\n"
        "from panels.accounts.models import User\n"
        "from panels.panel.models import Panel\n"
        "from panels.selection import runs\n"
        "lottery.find_portfolio = lambda *a, **k: time.sleep(120)  # a long computation\n"
        "app = create_app({'JOB_EXECUTOR': 'thread', 'SECRET_KEY': 'x', 'JOB_HEARTBEAT': 0.2})\n"
        "with app.app_context():\n"
        f"    run = runs.start(db.session.get(User, {ready.organiser.id}), db.session.get(Panel, {ready.panel.id}),"
        " kind='final')\n"
        "    print(run.id, run.job_id, flush=True)\n"
        "time.sleep(120)\n"
    )
    worker = subprocess.Popen([sys.executable, "-c", code], cwd=root, stdout=subprocess.PIPE, text=True,
                              env={**os.environ, "PYTHONPATH": str(root)})
    try:
        run_id, job_id = worker.stdout.readline().split()
        deadline = time.monotonic() + 60
        with app.app_context():
            while db.session.get(Job, job_id).status != "running":
                assert time.monotonic() < deadline
                time.sleep(0.1)
                db.session.expire_all()
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
    with app.app_context():
        reap_stale(now=utcnow() + timedelta(minutes=5))
        assert set(_statuses(ready.panel.id).values()) == {"pool"}
        organiser = db.session.get(User, ready.organiser.id)
        fresh = runs.start(organiser, db.session.get(Panel, ready.panel.id), kind="test")
        dead = db.session.get(SelectionRun, int(run_id))
        assert dead.status == "failed" and "stopped" in dead.error
        assert wait(fresh.job_id, 120).status == "succeeded"
