"""Background jobs with progress: a thread pool in the web process, or Redis Queue workers.

A job's row is the single source of truth. Progress and heartbeats are written on
their own connection, so a job's half-done work is never committed by them; a job
whose heartbeat stops (process killed) is marked failed by `reap_stale`.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import traceback
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import Flask, current_app, has_app_context
from sqlalchemy import JSON, Float, ForeignKey, String, Text, update
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .db import UTCDateTime, utcnow
from .extensions import db

log = logging.getLogger(__name__)

QUEUED, RUNNING, SUCCEEDED, FAILED = "queued", "running", "succeeded", "failed"
FINISHED = {SUCCEEDED, FAILED}
_REGISTRY: dict[str, Callable] = {}
# One token per process: tells this process's jobs from those of a process that died.
PROCESS_TOKEN = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class Job(db.Model):
    __tablename__ = "job"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(200))
    args: Mapped[dict] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(12), default=QUEUED, index=True)
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    message: Mapped[str | None] = mapped_column(String(300))
    result: Mapped[dict | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)
    executor: Mapped[str] = mapped_column(String(12))
    worker: Mapped[str | None] = mapped_column(String(120))
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    panel_id: Mapped[int | None] = mapped_column(
        ForeignKey("panel.id", ondelete="CASCADE"), index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    panel = relationship("Panel")
    created_by = relationship("User")

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    @property
    def percent(self) -> int:
        return round(100 * (self.progress or 0))


def job_function(name: str):
    """Register `fn(ctx, **kwargs)` under a stable name, so a worker can find it."""

    def register(fn: Callable) -> Callable:
        _REGISTRY[name] = fn
        return fn

    return register


@dataclass
class JobContext:
    job_id: str
    app: Flask

    def progress(self, fraction: float, message: str | None = None) -> None:
        """Record progress on a separate connection (never commits the job's own work)."""
        values = {"progress": max(0.0, min(1.0, float(fraction))), "heartbeat_at": utcnow()}
        if message is not None:
            values["message"] = message[:300]
        _write(self.app, self.job_id, values)


def _write(app: Flask, job_id: str, values: dict) -> None:
    try:
        with app.app_context(), db.engine.begin() as conn:
            conn.execute(update(Job).where(Job.id == job_id).values(**values))
    except Exception:  # progress is advisory; the job goes on
        log.warning("could not record progress of job %s", job_id, exc_info=True)


def executor_name(app: Flask) -> str:
    configured = app.config.get("JOB_EXECUTOR")
    if configured:
        return configured
    return "rq" if app.config.get("REDIS_URL") else "thread"


def _lookup(name: str) -> Callable | None:
    """Registered functions; a "module:function" name is imported on first use (workers)."""
    if name not in _REGISTRY and ":" in name:
        import importlib

        try:
            importlib.import_module(name.partition(":")[0])
        except ImportError:
            return None
    return _REGISTRY.get(name)


def submit(
    name: str,
    title: str,
    *,
    panel=None,
    organisation=None,
    actor=None,
    **kwargs,
) -> Job:
    """Create the job row, commit, and hand it to the executor."""
    if _lookup(name) is None:
        raise KeyError(f"no job function named {name!r}")
    app = current_app._get_current_object()
    kind = executor_name(app)
    job = Job(
        id=uuid.uuid4().hex,
        name=name,
        title=title,
        args=kwargs,
        executor=kind,
        worker=PROCESS_TOKEN if kind == "thread" else None,
        panel_id=getattr(panel, "id", None),
        organisation_id=getattr(organisation, "id", None)
        or getattr(panel, "organisation_id", None),
        created_by_id=getattr(actor, "id", None),
        message="Waiting to start",
    )
    db.session.add(job)
    db.session.commit()
    if kind == "thread":
        _pool(app).submit(run_job, app, job.id)
    elif kind == "rq":
        _rq_queue(app).enqueue("panels.jobs.rq_entry", job.id, job_timeout=6 * 3600)
    elif kind == "sync":
        run_job(app, job.id)
        db.session.refresh(job)
    else:
        raise ValueError(f"unknown JOB_EXECUTOR {kind!r}")
    return job


def _pool(app: Flask) -> ThreadPoolExecutor:
    pool = app.extensions.get("panels_job_pool")
    if pool is None:
        pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="panels-job")
        app.extensions["panels_job_pool"] = pool
    return pool


def _rq_queue(app: Flask):
    from redis import Redis
    from rq import Queue

    return Queue(app.config.get("JOB_QUEUE", "panels"),
                 connection=Redis.from_url(app.config["REDIS_URL"]))


_worker_app: Flask | None = None


def rq_entry(job_id: str) -> None:
    """What an `rq worker` runs: the app is built once per worker process."""
    global _worker_app
    if has_app_context():
        app = current_app._get_current_object()
    else:
        if _worker_app is None:
            from . import create_app

            _worker_app = create_app()
        app = _worker_app
    run_job(app, job_id)


def run_job(app: Flask, job_id: str) -> None:
    with app.app_context():
        claimed = db.session.execute(
            update(Job)
            .where(Job.id == job_id, Job.status == QUEUED)
            .values(status=RUNNING, started_at=utcnow(), heartbeat_at=utcnow(),
                    worker=PROCESS_TOKEN, message="Started")
        ).rowcount
        db.session.commit()
        if not claimed:
            return
        job = db.session.get(Job, job_id)
        fn = _lookup(job.name)
        stop = threading.Event()
        beat = threading.Thread(target=_heartbeat, args=(app, job_id, stop), daemon=True)
        beat.start()
        try:
            if fn is None:
                raise LookupError(f"no job function named {job.name!r} in this worker")
            result = fn(JobContext(job_id, app), **(job.args or {}))
            db.session.commit()
            final = {"status": SUCCEEDED, "progress": 1.0, "result": result,
                     "message": (result or {}).get("message", "Done") if isinstance(result, dict)
                     else "Done"}
        except Exception as exc:
            db.session.rollback()
            log.error("job %s (%s) failed", job_id, job.name, exc_info=True)
            final = {"status": FAILED, "error": _describe(exc),
                     "message": "Failed: nothing it was doing has been saved"}
        finally:
            stop.set()
            beat.join(timeout=5)
        final["finished_at"] = utcnow()
        db.session.execute(update(Job).where(Job.id == job_id).values(**final))
        db.session.commit()
        db.session.remove()


def _describe(exc: Exception) -> str:
    user_message = getattr(exc, "user_message", None)
    if user_message:
        return str(user_message)
    last = traceback.format_exception_only(type(exc), exc)[-1].strip()
    return last[:2000]


def _heartbeat(app: Flask, job_id: str, stop: threading.Event) -> None:
    interval = float(app.config.get("JOB_HEARTBEAT", 5))
    while not stop.wait(interval):
        _write(app, job_id, {"heartbeat_at": utcnow()})


def reap_stale(now: datetime | None = None) -> int:
    """Mark failed the running jobs whose heartbeat stopped: their process is gone."""
    now = now or utcnow()
    stale_after = timedelta(seconds=float(current_app.config.get("JOB_STALE_AFTER", 60)))
    cutoff = now - stale_after
    count = db.session.execute(
        update(Job)
        .where(Job.status == RUNNING, Job.heartbeat_at < cutoff)
        .values(status=FAILED, finished_at=now,
                message="Failed: the worker stopped responding",
                error="The process running this job stopped (killed or restarted) "
                      "before it finished. Nothing it was doing has been saved; "
                      "start it again.")
    ).rowcount
    # A queued job whose thread-pool process is gone will never start.
    count += db.session.execute(
        update(Job)
        .where(Job.status == QUEUED, Job.executor == "thread",
               Job.worker != PROCESS_TOKEN, Job.created_at < cutoff)
        .values(status=FAILED, finished_at=now, message="Failed: never started",
                error="The server restarted before this job could start; start it again.")
    ).rowcount
    if count:
        db.session.commit()
    return count


def wait(job_id: str, timeout: float = 30.0) -> Job:
    """Block until a job finishes (for the command line and tests)."""
    import time

    deadline = time.monotonic() + timeout
    while True:
        db.session.expire_all()
        job = db.session.get(Job, job_id)
        if job.finished or time.monotonic() > deadline:
            return job
        time.sleep(0.05)


def shutdown(app: Flask) -> None:
    pool = app.extensions.pop("panels_job_pool", None)
    if pool is not None:
        pool.shutdown(wait=True)
