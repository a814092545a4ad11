"""Selection runs: one at a time per panel, as a job, changing statuses only when complete."""

from __future__ import annotations

import numpy as np
import pandas as pd
from flask import current_app
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

import lottery

from .. import audit
from ..access import require
from ..db import utcnow
from ..extensions import db
from ..jobs import Job, job_function, reap_stale, submit
from ..pool.models import Volunteer
from . import ceremony as ceremony_module
from . import inputs
from .models import SelectionLock, SelectionRun
from .targets import census_shares


class RunRefused(RuntimeError):
    """A run cannot start now; the message says why (and which run is in the way)."""


def _release_if_dead(panel_id: int) -> None:
    """A lock whose run's job has finished or died no longer holds (the run is marked failed)."""
    lock = db.session.get(SelectionLock, panel_id)
    if lock is None:
        return
    reap_stale()
    run = db.session.get(SelectionRun, lock.run_id)
    job = db.session.get(Job, run.job_id) if run and run.job_id else None
    if job is not None and job.finished:
        if run.status in ("queued", "running"):
            run.status, run.error, run.finished_at = "failed", job.error or "The run stopped.", utcnow()
        db.session.delete(lock)
        db.session.commit()


def start(actor, panel, *, kind: str = "test", algorithm: str = "leximin", seed: str | None = None,
          ceremony: bool = False) -> SelectionRun:
    """Take the panel's lock, record the run and its inputs, and queue the job."""
    require(actor, "selection.manage", panel=panel)
    if kind not in ("test", "final"):
        raise ValueError(kind)
    if algorithm not in lottery.ALGORITHMS:
        raise RunRefused(f"Unknown algorithm “{algorithm}”.")
    if kind == "final" and db.session.scalar(select(SelectionRun.id).where(
            SelectionRun.panel_id == panel.id, SelectionRun.kind == "final", SelectionRun.status == "succeeded")):
        raise RunRefused("This panel has already been drawn. Use replacements for members who drop out.")
    waiting = db.session.scalar(select(SelectionRun.id).where(
        SelectionRun.panel_id == panel.id, SelectionRun.status == ceremony_module.AWAITING))
    if kind == "final" and waiting:
        raise RunRefused(f"Run #{waiting} is waiting for the number drawn in public. Enter it, or cancel that run.")
    _release_if_dead(panel.id)
    run = SelectionRun(panel_id=panel.id, kind=kind, algorithm=algorithm, seats=panel.seats,
                       seed=None if ceremony else seed or lottery.new_seed(),
                       seed_source="ceremony" if ceremony else "given" if seed else "generated",
                       created_by_id=actor.id, snapshot={"targets": inputs.quotas_frame(inputs.targets_of(panel))
                                                         .to_dict("records"), "seats": panel.seats,
                                                         "household_rule": True})
    db.session.add(run)
    db.session.flush()
    db.session.add(SelectionLock(panel_id=panel.id, run_id=run.id))
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        holder = db.session.get(SelectionLock, panel.id)
        other = db.session.get(SelectionRun, holder.run_id) if holder else None
        who = f" by {other.created_by.name}" if other and other.created_by else ""
        raise RunRefused(f"Selection run #{other.id if other else '?'} ({other.kind if other else ''}), started"
                         f"{who}, is still running for this panel. Wait for it to finish.") from None
    audit.record("selection.run_started", run, actor=actor, panel=panel, kind=kind, algorithm=algorithm,
                 seed_source=run.seed_source)
    job = submit("selection.run", f"{'Test' if kind == 'test' else 'Final'} selection run #{run.id}",
                 panel=panel, actor=actor, run_id=run.id)
    run.job_id = job.id
    db.session.commit()
    return run


def _legacy_comparison(instance) -> dict | None:
    """What the old greedy algorithm would give the least-favoured volunteers (for the report)."""
    try:
        portfolio = lottery.find_portfolio(instance, "legacy", legacy_runs=300)
    except ValueError:
        return None
    probs = portfolio.probabilities()
    k_over_n = instance.k / instance.pool.n
    return {"runs": 300, "min_probability": float(probs.min()), "max_probability": float(probs.max()),
            "below_half_k_over_n": int((probs < 0.5 * k_over_n).sum()),
            "lowest_ten": sorted(float(p) for p in np.sort(probs)[:10])}


@job_function("selection.run")
def run_job(ctx, run_id: int) -> dict:
    run = db.session.get(SelectionRun, run_id)
    panel = run.panel
    try:
        db.session.execute(update(SelectionRun).where(SelectionRun.id == run_id).values(status="running"))
        db.session.commit()
        ctx.progress(0.02, "Reading the targets and the pool")
        people = inputs.pool_frame(panel)
        quotas = pd.DataFrame(run.snapshot["targets"])
        instance = inputs.instance(panel, run.seats, people=people, quotas=quotas)
        # A run that reaches the limit keeps a valid, verified portfolio and says so in its report.
        portfolio = lottery.find_portfolio(instance, run.algorithm,
                                           progress=lambda f, m: ctx.progress(0.05 + 0.75 * f, m),
                                           time_limit=current_app.config.get("SELECTION_TIME_LIMIT", 900))
        if run.seed_source == "ceremony":
            run = db.session.get(SelectionRun, run_id)
            result = ceremony_module.prepare(ctx, run, instance, portfolio, people)
            db.session.execute(delete(SelectionLock).where(SelectionLock.panel_id == panel.id))
            audit.record("selection.ceremony_prepared", run, panel=panel, list_sha256=run.snapshot["ceremony"]["hash"])
            return result
        ctx.progress(0.82, "Comparing with the old greedy algorithm")
        legacy = _legacy_comparison(instance)
        population = population_shares(panel)
        report = lottery.build_report(instance, portfolio, run.seed, seed_source=run.seed_source,
                                      population=population, extra={"legacy_comparison": legacy})
        ctx.progress(0.95, "Saving the result")
        run = db.session.get(SelectionRun, run_id)
        run.report, run.selected = report, report["panel"]
        run.snapshot = {**run.snapshot, "people": people.to_dict("records")}  # pseudonymous, for verification
        run.input_hash, run.lottery_version = report["inputs"]["sha256"], report["library_version"]
        if run.kind == "final":
            changed = db.session.execute(
                update(Volunteer).where(Volunteer.panel_id == panel.id, Volunteer.public_id.in_(run.selected),
                                        Volunteer.status == "pool").values(status="selected")).rowcount
            if changed != len(run.selected):
                raise RuntimeError("The pool changed during the run; nothing was changed. Run it again.")
        run.status, run.finished_at = "succeeded", utcnow()
        db.session.execute(delete(SelectionLock).where(SelectionLock.panel_id == panel.id))
        audit.record("selection.run_finished", run, panel=panel, kind=run.kind, input_hash=run.input_hash,
                     min_probability=report["summary"]["min_probability"])
        return {"message": f"Drew a panel of {len(run.selected)} from {report['summary']['n']} volunteers; "
                           f"smallest selection probability {report['summary']['min_probability']:.2%}."}
    except Exception as exc:
        db.session.rollback()
        failed = db.session.get(SelectionRun, run_id)
        failed.status, failed.finished_at = "failed", utcnow()
        failed.error = str(exc)[:2000]
        db.session.execute(delete(SelectionLock).where(SelectionLock.panel_id == failed.panel_id))
        db.session.commit()
        raise


def population_shares(panel) -> dict[tuple[str, str], float]:
    """Census shares per (category, value), normalised within each category, for the quota table."""
    shares = census_shares(panel)
    return {(c, v): s / sum(values.values()) for c, values in shares.items() for v, s in values.items()}


def publish(actor, run: SelectionRun) -> None:
    require(actor, "selection.manage", panel=run.panel)
    if "replacement_for" in (run.snapshot or {}):
        raise RunRefused("A replacement run is shown on the replacements page, not published as the draw.")
    if run.kind != "final" or run.status not in ("succeeded", ceremony_module.AWAITING):
        raise RunRefused("Only a completed final run, or a ceremony's numbered list, can be published.")
    run.published_at = utcnow()
    audit.record("selection.published", run, actor=actor, panel=run.panel, input_hash=run.input_hash)
    db.session.commit()
