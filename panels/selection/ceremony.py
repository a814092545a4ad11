"""The public draw: publish M numbered panels and their hash, then a number drawn in public fixes the panel.

Before the event the organiser publishes the numbered list (a CSV) and its SHA-256, so
nobody can change the list afterwards; at the event, three ten-sided dice (for M = 1000)
give a number, and the panel with that number is the panel. Each volunteer's chance
differs from the fair portfolio's by at most the reported `max_change`.
"""

from __future__ import annotations

import hashlib
import io

import numpy as np
import pandas as pd
from sqlalchemy import delete, update

import lottery
from lottery.portfolio import Portfolio

from .. import audit
from ..access import require
from ..db import utcnow
from ..extensions import db
from ..pool.models import Volunteer
from . import inputs
from .models import SelectionLock, SelectionRun

AWAITING = "awaiting"  # run status between the published list and the public number


def numbered_csv(numbered: list[list[str]]) -> str:
    """The list as published: `number,members` with members sorted and separated by spaces."""
    out = io.StringIO()
    out.write("number,members\n")
    for number, members in enumerate(numbered):
        out.write(f"{number},{' '.join(sorted(members))}\n")
    return out.getvalue()


def prepare(ctx, run: SelectionRun, instance, portfolio: Portfolio, people: pd.DataFrame, m: int = 1000) -> dict:
    """Round the portfolio to M numbered panels and keep everything needed to finish the draw later."""
    ids = instance.pool.ids
    ctx.progress(0.85, f"Rounding the portfolio to {m} numbered panels")
    tl = lottery.transparent_lottery(portfolio, ids, M=m)
    canonical = portfolio.canonical(ids)
    numbered = [[ids[i] for i in canonical.panels[j]] for j in tl.numbered]
    published = numbered_csv(numbered)
    run.snapshot = {**run.snapshot, "people": people.to_dict("records"), "ceremony": {
        "M": m, "hash": hashlib.sha256(published.encode()).hexdigest(), "max_change": tl.max_change,
        "transparent": tl.to_dict(), "numbered": numbered,
        "portfolio": {"panels": [list(map(int, p)) for p in portfolio.panels],
                      "probs": [float(q) for q in portfolio.probs], "n": portfolio.n,
                      "algorithm": portfolio.algorithm, "lp_bound": float(portfolio.lp_bound)}}}
    run.status = AWAITING
    return {"message": f"{m} numbered panels are ready to publish before the public draw "
                       f"(largest change in anyone's chance: {tl.max_change:.4%})."}


def enter_number(actor, run: SelectionRun, number: int, population: dict) -> SelectionRun:
    """Fix the panel from the number drawn in public; statuses change in one transaction."""
    require(actor, "selection.manage", panel=run.panel)
    ceremony = run.snapshot.get("ceremony")
    if run.status != AWAITING or not ceremony:
        raise ValueError("This run is not waiting for a public number.")
    if not 0 <= number < ceremony["M"]:
        raise ValueError(f"The number must be between 0 and {ceremony['M'] - 1}.")
    people = pd.DataFrame(run.snapshot["people"])
    instance = inputs.instance(run.panel, run.seats, people=people, quotas=pd.DataFrame(run.snapshot["targets"]))
    stored = ceremony["portfolio"]
    portfolio = Portfolio([tuple(p) for p in stored["panels"]], np.array(stored["probs"]), stored["n"],
                          stored["algorithm"], stored["lp_bound"])
    report = lottery.build_report(instance, portfolio, f"public number {number}", seed_source="ceremony",
                                  transparent=ceremony["transparent"], number=number, population=population,
                                  extra={"ceremony": {"M": ceremony["M"], "list_sha256": ceremony["hash"]}})
    run.report, run.selected, run.seed = report, report["panel"], f"public number {number}"
    run.input_hash, run.lottery_version = report["inputs"]["sha256"], report["library_version"]
    changed = db.session.execute(update(Volunteer).where(
        Volunteer.panel_id == run.panel_id, Volunteer.public_id.in_(run.selected), Volunteer.status == "pool")
        .values(status="selected")).rowcount
    if changed != len(run.selected):
        db.session.rollback()
        raise ValueError("Some volunteers of the drawn panel have left the pool since the list was published. "
                         "Nothing was changed; prepare a new ceremony.")
    run.status, run.finished_at = "succeeded", utcnow()
    db.session.execute(delete(SelectionLock).where(SelectionLock.panel_id == run.panel_id))
    audit.record("selection.public_number_entered", run, actor=actor, panel=run.panel, number=number,
                 list_sha256=ceremony["hash"])
    db.session.commit()
    return run
