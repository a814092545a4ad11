"""Replacements: fill the seats of members who decline or drop out, keeping the quotas.

Two ways, both leaving a trail (Replacement rows: who left, when, why, who replaced them,
by which run, and any relaxation of the targets the organiser accepted):

* **Lottery.** `propose` queues a job that runs `lottery.replace_dropouts` on the pseudonymous
  instance: the members who stay, the drop-outs and the remaining pool (status "pool" or
  "reserve"), with the targets as drawn. The job draws the replacements from the fair
  portfolio with a seed and keeps the proposal (report, inputs, any relaxation) in its result.
  Nothing changes until the organiser confirms it with `apply`, which, in one transaction,
  records a SelectionRun (kind "final", snapshot["replacement_for"] = the drop-outs' public
  ids; its report, targets and people verify with `lottery.verify_report` like the draw),
  fills the Replacement rows, sets the drop-outs to "replaced" and the replacements to
  "selected", and sends them invitations to confirm.
* **Reserve.** `take_reserve` gives the seat to the next volunteer with status "reserve"
  (in the order the draw recorded in snapshot["reserves"], then by public id) who keeps
  the panel within the targets and the household rule.

Statuses: a drop-out is "declined" (never confirmed) or "withdrawn" (left after confirming)
while the seat is open, then "replaced" once it is filled; the Replacement row keeps why.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pandas as pd
from sqlalchemy import select, update

import lottery

from .. import audit
from ..access import require
from ..db import utcnow
from ..extensions import db
from ..jobs import Job, job_function, submit
from ..pool.models import STATUSES, Volunteer
from . import confirmation as confirmations
from . import inputs
from .models import Replacement, SelectionRun

ELIGIBLE = ("pool", "reserve")  # who can replace a member
LEFT = ("declined", "withdrawn")  # a member who left, while the seat is open
JOB = "selection.replacement"


class ReplacementError(ValueError):
    """A replacement that cannot be made now; the message says why and what to do."""

    @property
    def user_message(self) -> str:  # what the job page shows (jobs._describe)
        return str(self)


@dataclass
class OpenSeat:
    volunteer: Volunteer
    row: Replacement | None  # None: left by their private link, no row yet
    reason: str
    dropped_at: datetime | None


def _panel_public_ids(panel) -> set[str]:
    """Everyone who was ever drawn for the panel (the draw and every replacement run)."""
    return {pid for run in confirmations.final_runs(panel) for pid in (run.selected or [])}


def open_seats(panel) -> list[OpenSeat]:
    """Members who left and whose seat has no replacement yet."""
    rows = db.session.scalars(select(Replacement).where(
        Replacement.panel_id == panel.id, Replacement.replacement_id.is_(None)).order_by(Replacement.id)).all()
    seats = [OpenSeat(r.dropout, r, r.reason, r.dropped_at) for r in rows if r.dropout.status in LEFT]
    known = {r.dropout_id for r in db.session.scalars(select(Replacement).where(Replacement.panel_id == panel.id))}
    drawn = _panel_public_ids(panel)
    for volunteer in db.session.scalars(select(Volunteer).where(
            Volunteer.panel_id == panel.id, Volunteer.status.in_(LEFT)).order_by(Volunteer.public_id)):
        if volunteer.id not in known and volunteer.public_id in drawn:
            why = "Withdrew (private link)" if volunteer.status == "withdrawn" else "Declined"
            seats.append(OpenSeat(volunteer, None, why, volunteer.withdrawn_at))
    return seats


def trail(panel) -> list[Replacement]:
    return db.session.scalars(select(Replacement).where(Replacement.panel_id == panel.id)
                              .order_by(Replacement.dropped_at.desc(), Replacement.id.desc())).all()


def _statuses(panel) -> dict[str, str]:
    return dict(db.session.execute(select(Volunteer.public_id, Volunteer.status)
                                   .where(Volunteer.panel_id == panel.id)).all())


def _kept(statuses: dict[str, str]) -> list[str]:
    return sorted(pid for pid, s in statuses.items() if s in confirmations.ON_PANEL)


def _quota_records(quotas: lottery.Quotas) -> list[dict]:
    return [{"feature": q.category, "value": q.value, "min": q.min, "max": q.max,
             "min_flex": "" if q.min_flex is None else q.min_flex,
             "max_flex": "" if q.max_flex is None else q.max_flex} for q in quotas]


# --- the lottery -----------------------------------------------------------------------------------


def propose(actor, panel, dropout_ids: list[int], *, seed: str | None = None,
            algorithm: str = "leximin") -> Job:
    """Queue the job that computes fair replacements for these drop-outs (volunteer ids)."""
    require(actor, "selection.manage", panel=panel)
    if confirmations.draw_run(panel) is None:
        raise ReplacementError("The panel has not been drawn yet: run the final selection first.")
    open_ids = {seat.volunteer.id for seat in open_seats(panel)}
    chosen = sorted(set(dropout_ids))
    if not chosen:
        raise ReplacementError("Choose at least one member to replace.")
    if not set(chosen) <= open_ids:
        raise ReplacementError("Some of the chosen members no longer have an open seat. Reload the page.")
    job = submit(JOB, f"Replacements for {len(chosen)} member(s)", panel=panel, actor=actor,
                 panel_id=panel.id, dropout_ids=chosen, seed=seed or lottery.new_seed(),
                 seed_source="given" if seed else "generated", algorithm=algorithm)
    audit.record("selection.replacement_proposed", job, actor=actor, panel=panel, dropouts=len(chosen))
    db.session.commit()
    return job


@job_function(JOB)
def proposal_job(ctx, panel_id: int, dropout_ids: list[int], seed: str, seed_source: str = "generated",
                 algorithm: str = "leximin") -> dict:
    from ..panel.models import Panel

    panel = db.session.get(Panel, panel_id)
    draw = confirmations.draw_run(panel)
    ctx.progress(0.05, "Reading the panel and the remaining pool")
    statuses = _statuses(panel)
    dropouts = sorted(v.public_id for v in db.session.scalars(select(Volunteer).where(
        Volunteer.id.in_(dropout_ids), Volunteer.panel_id == panel.id)))
    kept = _kept(statuses)
    eligible = {pid for pid, s in statuses.items() if s in ELIGIBLE}
    people = inputs.pool_frame(panel, statuses=STATUSES)
    people = people[people["id"].isin(set(kept) | set(dropouts) | eligible)].reset_index(drop=True)
    quotas = pd.DataFrame(draw.snapshot["targets"])
    try:
        instance = inputs.instance(panel, len(kept) + len(dropouts), people=people, quotas=quotas)
        result = lottery.replace_dropouts(instance, kept + dropouts, dropouts, algorithm,
                                          progress=lambda f, m: ctx.progress(0.1 + 0.8 * f, m))
    except lottery.InputError as exc:
        raise ReplacementError("No replacements can be proposed: " + "; ".join(map(str, exc.problems))) from exc
    except ValueError as exc:
        raise ReplacementError(f"No replacements can be proposed: {exc}.") from exc
    ctx.progress(0.92, "Drawing the replacements")
    sub = result.instance
    report = lottery.build_report(sub, result.portfolio, seed, seed_source=seed_source,
                                  warnings=list(result.warnings),
                                  extra={"replacement": {"dropouts": dropouts, "kept": kept,
                                                         "relaxation": result.relaxation,
                                                         "draw_run_id": draw.id}})
    sub_ids = set(sub.pool.ids)
    snapshot = {"replacement_for": dropouts, "kept": kept, "draw_run_id": draw.id,
                "targets": _quota_records(sub.quotas), "targets_as_drawn": draw.snapshot["targets"],
                "people": people[people["id"].isin(sub_ids)].to_dict("records"), "seats": sub.k,
                "household_rule": True, "relaxation": result.relaxation}
    names = ", ".join(report["panel"])
    return {"message": f"Proposed {len(report['panel'])} replacement(s): {names}. "
                       "Nothing changes until you confirm.",
            "proposal": {"dropout_ids": sorted(dropout_ids), "dropouts": dropouts, "kept": kept,
                         "replacements": report["panel"], "relaxation": result.relaxation,
                         "warnings": list(result.warnings), "seed": seed, "seed_source": seed_source,
                         "algorithm": algorithm, "report": report, "snapshot": snapshot}}


def proposal(panel, job_id: str | None) -> tuple[Job | None, dict | None]:
    """The proposal job for this panel (and its proposal once it has finished)."""
    job = db.session.get(Job, job_id) if job_id else None
    if job is None or job.name != JOB or job.panel_id != panel.id:
        return None, None
    return job, (job.result or {}).get("proposal") if job.status == "succeeded" else None


def apply(actor, panel, job_id: str, *, accept_relaxation: bool = False) -> SelectionRun:
    """Make the proposed replacements, all in one transaction, or change nothing."""
    require(actor, "selection.manage", panel=panel)
    job, plan = proposal(panel, job_id)
    if plan is None:
        raise ReplacementError("This proposal is not ready or does not exist. Propose replacements again.")
    if (job.result or {}).get("applied_run_id"):
        raise ReplacementError("These replacements have already been made.")
    if plan["relaxation"] and not accept_relaxation:
        raise ReplacementError("The replacements need the targets relaxed as shown. Tick the box to accept "
                               "the relaxation, or propose again.")
    statuses = _statuses(panel)
    open_ids = {seat.volunteer.id for seat in open_seats(panel)}
    if _kept(statuses) != plan["kept"] or not set(plan["dropout_ids"]) <= open_ids:
        raise ReplacementError("The panel has changed since this proposal (someone confirmed, declined or "
                               "left). Nothing was changed: propose replacements again.")
    report = plan["report"]
    run = SelectionRun(panel_id=panel.id, kind="final", status="succeeded", algorithm=plan["algorithm"],
                       seed=plan["seed"], seed_source=plan["seed_source"], seats=len(plan["replacements"]),
                       job_id=job.id, input_hash=report["inputs"]["sha256"], lottery_version=report["library_version"],
                       snapshot=plan["snapshot"], report=report, selected=list(plan["replacements"]),
                       created_by_id=actor.id, finished_at=utcnow())
    db.session.add(run)
    db.session.flush()
    changed = db.session.execute(update(Volunteer).where(
        Volunteer.panel_id == panel.id, Volunteer.public_id.in_(plan["replacements"]),
        Volunteer.status.in_(ELIGIBLE)).values(status="selected"), execution_options={"synchronize_session": False}
    ).rowcount
    if changed != len(plan["replacements"]):
        db.session.rollback()
        raise ReplacementError("Some proposed replacements are no longer in the pool (withdrawn or chosen "
                               "meanwhile). Nothing was changed: propose replacements again.")
    dropouts = db.session.scalars(select(Volunteer).where(Volunteer.id.in_(plan["dropout_ids"]))
                                  .order_by(Volunteer.public_id)).all()
    newcomers = db.session.scalars(select(Volunteer).where(
        Volunteer.panel_id == panel.id, Volunteer.public_id.in_(plan["replacements"]))
        .order_by(Volunteer.public_id)).all()
    rows = []
    for dropout, newcomer in zip(dropouts, newcomers, strict=True):
        rows.append(_fill(panel, dropout, newcomer, run, "lottery", plan["relaxation"] or None, actor))
    db.session.expire_all()
    run = db.session.get(SelectionRun, run.id)
    confirmations.invite(panel, run, actor=actor)
    job = db.session.get(Job, job_id)
    job.result = {**job.result, "applied_run_id": run.id}
    audit.record("selection.replaced", run, actor=actor, panel=panel, method="lottery",
                 replacements=[r.id for r in rows], relaxed=len(plan["relaxation"]), input_hash=run.input_hash)
    db.session.commit()
    return run


def _fill(panel, dropout: Volunteer, newcomer: Volunteer, run: SelectionRun, method: str,
          relaxation: list | None, actor) -> Replacement:
    row = db.session.scalar(select(Replacement).where(Replacement.dropout_id == dropout.id,
                                                      Replacement.replacement_id.is_(None)))
    if row is None:
        why = "Withdrew (private link)" if dropout.status == "withdrawn" else "Declined"
        row = Replacement(panel_id=panel.id, dropout_id=dropout.id, reason=why,
                          dropped_at=dropout.withdrawn_at or utcnow())
        db.session.add(row)
    row.replacement_id, row.run_id, row.method = newcomer.id, run.id, method
    row.relaxation, row.created_by_id = relaxation, actor.id
    dropout.status = "replaced"
    db.session.flush()
    return row


# --- reserves ----------------------------------------------------------------------------------


def _categories(panel) -> list[str]:
    settings = confirmations.settings_of(panel)
    return [c["key"] for c in (settings.categories if settings else [])]


def next_reserve(panel, open_count: int | None = None) -> tuple[Volunteer | None, str]:
    """(the next reserve who keeps the panel within the targets, or None; why not)."""
    draw = confirmations.draw_run(panel)
    if draw is None:
        return None, "The panel has not been drawn yet."
    reserves = db.session.scalars(select(Volunteer).where(Volunteer.panel_id == panel.id,
                                                          Volunteer.status == "reserve")).all()
    if not reserves:
        return None, "This panel keeps no reserves."
    order = {pid: i for i, pid in enumerate((draw.snapshot or {}).get("reserves") or [])}
    reserves.sort(key=lambda v: (order.get(v.public_id, len(order)), v.public_id))
    keys = _categories(panel)
    kept = db.session.scalars(select(Volunteer).where(Volunteer.panel_id == panel.id,
                                                      Volunteer.status.in_(confirmations.ON_PANEL))).all()
    households = {v.household_key for v in kept if v.household_key}
    seats_left = len(open_seats(panel)) if open_count is None else open_count
    targets = {(t["feature"], str(t["value"])): (int(t["min"]), int(t["max"])) for t in draw.snapshot["targets"]}

    def fits(candidate: Volunteer) -> bool:
        if candidate.household_key and candidate.household_key in households:
            return False
        count: dict[tuple[str, str], int] = {}
        for v in [*kept, candidate]:
            for key in keys:
                cell = (key, str((v.answers or {}).get(key, "")))
                count[cell] = count.get(cell, 0) + 1
        for cell, (low, high) in targets.items():
            have = count.get(cell, 0)
            if have > high or (seats_left <= 1 and have < low):
                return False
        return True

    for candidate in reserves:
        if fits(candidate):
            return candidate, ""
    return None, "No reserve keeps the panel within the targets: use the lottery instead."


def take_reserve(actor, panel, dropout: Volunteer) -> Replacement:
    """Give the drop-out's seat to the next suitable reserve (one transaction), and invite them."""
    require(actor, "selection.manage", panel=panel)
    if dropout.panel_id != panel.id or dropout.id not in {s.volunteer.id for s in open_seats(panel)}:
        raise ReplacementError("This member has no open seat. Reload the page.")
    reserve, why = next_reserve(panel)
    if reserve is None:
        raise ReplacementError(why)
    draw = confirmations.draw_run(panel)
    changed = db.session.execute(update(Volunteer).where(Volunteer.id == reserve.id, Volunteer.status == "reserve")
                                 .values(status="selected"), execution_options={"synchronize_session": False}
                                 ).rowcount
    if changed != 1:
        db.session.rollback()
        raise ReplacementError("That reserve was taken meanwhile. Reload the page and try again.")
    db.session.refresh(reserve)
    row = _fill(panel, dropout, reserve, draw, "reserve", None, actor)
    confirmations.invite_volunteers(panel, [reserve], draw, actor=actor)
    audit.record("selection.replaced", draw, actor=actor, panel=panel, method="reserve", replacements=[row.id])
    db.session.commit()
    return row
