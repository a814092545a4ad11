"""Helpers for the seats tests: a drawn panel (real or stored), the private link from an email."""

from __future__ import annotations

import re

from sqlalchemy import select

from panels.accounts.models import User
from panels.extensions import db
from panels.outbox import OutboxMessage
from panels.panel.models import Panel
from panels.pool.models import RegistrationSettings, Volunteer
from panels.selection import inputs, targets
from panels.selection.models import Confirmation, SelectionRun
from tests.selection.fixtures import make_pool

DATES = ["2026-03-07", "2026-03-21"]
PHONE = "0161 496 0000"
LINK = re.compile(r"https?://[^/\s]+(/c/[A-Za-z0-9_-]+)")


def prepare(world, *, n: int = 40, seats: int = 8) -> Panel:
    """The world's panel with `seats` seats, a pool of `n`, dates, two languages and targets."""
    panel = db.session.get(Panel, world.panel.id)
    panel.seats = seats
    db.session.commit()
    make_pool(panel.id, n=n)
    settings = db.session.scalar(select(RegistrationSettings).filter_by(panel_id=panel.id))
    settings.session_dates, settings.languages, settings.phone = DATES, ["en", "es"], PHONE
    db.session.commit()
    targets.from_census(db.session.get(User, world.organiser.id), panel, min_small=1)
    return panel


def stored_draw(panel: Panel, public_ids: list[str]) -> SelectionRun:
    """A completed final run that selected `public_ids` (no lottery: fast, for confirmation tests)."""
    run = SelectionRun(panel_id=panel.id, kind="final", status="succeeded", seats=len(public_ids), seed="s",
                       snapshot={"targets": inputs.quotas_frame(inputs.targets_of(panel)).to_dict("records"),
                                 "people": inputs.pool_frame(panel).to_dict("records")},
                       selected=sorted(public_ids))
    db.session.add(run)
    for volunteer in db.session.scalars(select(Volunteer).where(Volunteer.panel_id == panel.id,
                                                                Volunteer.public_id.in_(public_ids))):
        volunteer.status = "selected"
    db.session.commit()
    return run


def real_draw(panel: Panel, organiser_id: int, seed: str = "seats test seed") -> SelectionRun:
    from panels.jobs import wait
    from panels.selection import runs

    run = runs.start(db.session.get(User, organiser_id), panel, kind="final", seed=seed)
    assert wait(run.job_id, 120).status == "succeeded"
    db.session.expire_all()
    return db.session.get(SelectionRun, run.id)


def emails(related_type: str = "Confirmation") -> list[OutboxMessage]:
    return db.session.scalars(select(OutboxMessage).where(OutboxMessage.related_type == related_type)
                              .order_by(OutboxMessage.id)).all()


def path_for(volunteer_id: int) -> str:
    """The private link's path from the latest confirmation email to this volunteer."""
    confirmation_ids = [str(c) for c in db.session.scalars(select(Confirmation.id).where(
        Confirmation.volunteer_id == volunteer_id))]
    message = [m for m in emails() if m.related_id in confirmation_ids][-1]
    return LINK.search(message.body_text).group(1)


def token_for(volunteer_id: int) -> str:
    return path_for(volunteer_id).rsplit("/", 1)[1]


def volunteer(public_id: str) -> Volunteer:
    return db.session.scalar(select(Volunteer).filter_by(public_id=public_id))
