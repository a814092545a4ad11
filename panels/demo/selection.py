"""A panel already drawn in the demo: targets from the census, a final run, a published report."""

from __future__ import annotations

from datetime import date, timedelta

from flask import current_app
from sqlalchemy import select

from ..accounts.models import User
from ..db import utcnow
from ..extensions import db
from ..panel.models import Cohort, Panel
from ..selection import runs, targets
from ..selection.models import SelectionRun
from . import recruiting

HOUSING_PANEL = {
    "title": "Riverton Citizens' Panel on Housing",
    "slug": "housing-panel",
    "kind": "assembly",
    "question": "What should Riverton do so that everyone who works here can afford a good home here?",
    "remit": "Council housing, planning policy for new homes, and support for private renters.",
    "commitment": "The council's cabinet will respond to every recommendation within four months.",
    "seats": 24,
    "term_start": date(2026, 9, 26),
    "term_end": date(2027, 1, 2),
}


def build(org) -> list[str]:
    panel = db.session.scalar(select(Panel).filter_by(organisation_id=org.id, slug=HOUSING_PANEL["slug"]))
    if panel is None:
        panel = Panel(organisation_id=org.id, status="selecting", **HOUSING_PANEL)
        db.session.add(panel)
        db.session.flush()
        db.session.add(Cohort(panel_id=panel.id, number=1, label="Panel members"))
        db.session.commit()
    settings = recruiting.settings_for(panel, "housing", is_open=False)
    settings.session_dates = ["2026-09-26", "2026-10-10", "2026-10-24", "2026-11-07", "2026-11-21",
                              "2026-12-05", "2026-12-19", "2027-01-02"]
    register = recruiting.register_for(org)
    mailing = recruiting.mailing_for(panel, register, name="Invitation letters, September 2026", letters=6400,
                                     seed="riverton-housing-2026", days_ago=110)
    recruiting.registrations_for(panel, settings, mailing, seed=24)
    db.session.commit()
    run = db.session.scalar(select(SelectionRun).filter_by(panel_id=panel.id, kind="final", status="succeeded"))
    if run is None:
        organiser = db.session.scalar(select(User).filter_by(email="organiser@riverton.example"))
        targets.from_census(organiser, panel, min_small=1)
        previous = current_app.config.get("JOB_EXECUTOR")
        current_app.config["JOB_EXECUTOR"] = "sync"
        try:
            run = runs.start(organiser, panel, kind="final", seed="public dice roll 5-0-3 on 5 September 2026")
        finally:
            current_app.config["JOB_EXECUTOR"] = previous
        db.session.refresh(run)
        runs.publish(organiser, run)
        run.finished_at = run.published_at = utcnow() - timedelta(days=78)
        panel.status = "sitting"
        db.session.commit()
    replaced = _confirmations_and_a_replacement(panel, run)
    s = run.report["summary"]
    return [f"  {panel.title} ({panel.status}): {s['k']} drawn from {s['n']} volunteers, smallest chance "
            f"{100 * s['min_probability']:.1f} %; public report at /p/{panel.id}/selection; "
            f"{replaced} replacement(s) on record"]


def _confirmations_and_a_replacement(panel: Panel, run: SelectionRun) -> int:
    """Everyone invited; all confirm but one, who declines and is replaced by lottery."""
    from ..pool.models import Volunteer
    from ..selection import confirmation, replacements
    from ..selection.models import Replacement

    done = db.session.scalar(select(Replacement).filter_by(panel_id=panel.id))
    if done is not None and done.replacement_id is not None:
        return db.session.query(Replacement).filter_by(panel_id=panel.id).count()
    organiser = db.session.scalar(select(User).filter_by(email="organiser@riverton.example"))
    confirmation.send_invitations(organiser, panel, run)
    drawn = db.session.scalars(select(Volunteer).where(Volunteer.panel_id == panel.id,
                                                       Volunteer.public_id.in_(run.selected))
                               .order_by(Volunteer.public_id)).all()
    leaving = drawn[3]
    for volunteer in drawn:
        if volunteer.status == "selected":
            answer = "decline" if volunteer.id == leaving.id else "confirm"
            confirmation.record_for(organiser, volunteer, answer, channel="phone",
                                    note="Demo: answered by phone")
    previous = current_app.config.get("JOB_EXECUTOR")
    current_app.config["JOB_EXECUTOR"] = "sync"
    try:
        job = replacements.propose(organiser, panel, [leaving.id], seed="replacement draw, 15 September 2026")
        replacements.apply(organiser, panel, job.id, accept_relaxation=True)
    finally:
        current_app.config["JOB_EXECUTOR"] = previous
    return db.session.query(Replacement).filter_by(panel_id=panel.id).count()
