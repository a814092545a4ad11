"""Background jobs behave the same on both executors: progress, results, failures, dead workers."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest

import tests.app.jobfuncs  # noqa: F401  (registers the test job functions)
from panels import jobs
from panels.accounts.models import Organisation
from panels.db import utcnow
from panels.extensions import db

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("REDIS_URL")


@pytest.fixture(params=["thread", "rq"])
def executor(request, app, monkeypatch):
    """Run jobs on the thread pool, or on Redis Queue (needs REDIS_URL, as in CI)."""
    if request.param == "rq":
        if not REDIS_URL:
            pytest.skip("REDIS_URL is not set: the Redis Queue executor runs in CI's Redis pass")
        monkeypatch.setitem(app.config, "REDIS_URL", REDIS_URL)
        monkeypatch.setitem(app.config, "JOB_QUEUE", f"test-{uuid.uuid4().hex[:8]}")
    monkeypatch.setitem(app.config, "JOB_EXECUTOR", request.param)
    return request.param


def finish(app, executor: str, job_id: str) -> jobs.Job:
    if executor == "rq":
        from redis import Redis
        from rq import Queue, SimpleWorker

        connection = Redis.from_url(REDIS_URL)
        queue = Queue(app.config["JOB_QUEUE"], connection=connection)
        SimpleWorker([queue], connection=connection).work(burst=True)
    return jobs.wait(job_id, timeout=30)


def test_a_job_reports_progress_and_its_result(app_ctx, executor):
    job = jobs.submit("tests.app.jobfuncs:count", "Count", upto=4)
    assert job.status in ("queued", "running", "succeeded")
    done = finish(app_ctx, executor, job.id)
    assert done.status == "succeeded"
    assert done.progress == 1.0
    assert done.result == {"counted": 4, "message": "counted to 4"}
    assert done.message == "counted to 4"
    assert done.started_at is not None and done.finished_at >= done.started_at


def test_a_failing_job_is_failed_and_saves_nothing(app_ctx, executor):
    job = jobs.submit("tests.app.jobfuncs:write_then_fail", "Fail", slug="half-made")
    done = finish(app_ctx, executor, job.id)
    assert done.status == "failed"
    assert "the computation went wrong" in done.error
    assert "nothing" in done.message.lower()
    db.session.expire_all()
    assert db.session.query(Organisation).filter_by(slug="half-made").count() == 0


def test_an_unknown_job_name_is_refused_at_submission(app_ctx):
    with pytest.raises(KeyError):
        jobs.submit("no.such:job", "Nothing")


def _start_worker_process(kind: str, queue: str | None = None) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "JOB_HEARTBEAT": "0.2"}
    if kind == "thread":
        code = (
            "import tests.app.jobfuncs, time\n"
            "from panels import create_app, jobs\n"
            "app = create_app({'JOB_EXECUTOR': 'thread', 'SECRET_KEY': 'x'})\n"
            "with app.app_context():\n"
            "    job = jobs.submit('tests.app.jobfuncs:slow', 'Slow', seconds=60)\n"
            "    print(job.id, flush=True)\n"
            "time.sleep(120)\n"
        )
        return subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, env=env,
                                stdout=subprocess.PIPE, text=True)
    env["JOB_QUEUE"] = queue
    return subprocess.Popen(
        [sys.executable, "-m", "rq.cli", "worker", "--burst", "--url", REDIS_URL, "--path", str(ROOT),
         "--worker-class", "rq.SimpleWorker", queue],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _wait_for_status(job_id: str, status: str, timeout: float = 30) -> jobs.Job:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        db.session.expire_all()
        job = db.session.get(jobs.Job, job_id)
        if job is not None and job.status == status:
            return job
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} never became {status}")


def test_a_job_whose_process_is_killed_is_marked_failed(app_ctx, executor):
    if executor == "thread":
        worker = _start_worker_process("thread")
        job_id = worker.stdout.readline().strip()
    else:
        job = jobs.submit("tests.app.jobfuncs:slow", "Slow", seconds=60)
        job_id = job.id
        worker = _start_worker_process("rq", app_ctx.config["JOB_QUEUE"])
    try:
        running = _wait_for_status(job_id, "running")
        assert running.message == "started the slow part" or running.progress >= 0
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
    # Still "running" in the database: nothing has noticed yet...
    db.session.expire_all()
    assert db.session.get(jobs.Job, job_id).status == "running"
    # ...until the heartbeat is older than the limit.
    assert jobs.reap_stale(now=utcnow() + timedelta(seconds=61)) >= 1
    db.session.expire_all()
    dead = db.session.get(jobs.Job, job_id)
    assert dead.status == "failed"
    assert "stopped" in dead.error


def test_a_live_job_is_not_reaped(app_ctx):
    job = jobs.Job(id=uuid.uuid4().hex, name="x", title="x", executor="thread",
                   status="running", heartbeat_at=utcnow())
    db.session.add(job)
    db.session.commit()
    assert jobs.reap_stale() == 0
    assert db.session.get(jobs.Job, job.id).status == "running"


def test_job_page_shows_progress_and_refreshes_without_javascript(app, world, as_user):
    client = as_user("organiser")
    page = client.get(f"/jobs/{world.job.id}")
    assert page.status_code == 200
    assert b"<progress" in page.data and b'value="100"' in page.data
    with app.app_context():
        job = db.session.get(jobs.Job, world.job.id)
        job.status, job.progress, job.heartbeat_at = "running", 0.4, utcnow()
        db.session.commit()
    running = client.get(f"/jobs/{world.job.id}")
    assert b'value="40"' in running.data
    assert b'http-equiv="refresh"' in running.data  # inside <noscript>
    fragment = client.get(f"/jobs/{world.job.id}/fragment")
    assert b'value="40"' in fragment.data and b"<html" not in fragment.data
