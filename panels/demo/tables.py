"""Table plans in the demo: the sitting panel's past sessions seated, one plan locked, a few notes."""

from __future__ import annotations

from sqlalchemy import select

from ..accounts.models import User
from ..db import utcnow
from ..extensions import db
from ..panel.models import Panel
from ..sessions import tables
from ..sessions.models import ProgrammeSession
from ..sessions.participation import TableNote, TablePlan

NOTES = [
    (1, "Small-group deliberation", "Rents have risen faster than wages; several of us share with strangers."),
    (2, "Small-group deliberation", "Build on council land first, and keep the homes at social rent."),
    (3, "Small-group deliberation", "Young people leave the city: we want a route to buy for key workers."),
]


def build(org) -> list[str]:
    panel = db.session.scalar(select(Panel).filter_by(organisation_id=org.id, slug="housing-panel"))
    if panel is None:
        return []
    facilitator = db.session.scalar(select(User).filter_by(email="facilitator@riverton.example"))
    past = db.session.scalars(select(ProgrammeSession).where(
        ProgrammeSession.panel_id == panel.id, ProgrammeSession.date <= utcnow().date())
        .order_by(ProgrammeSession.number)).all()
    if len(tables.members(panel)) < 6:
        return []
    seated = 0
    for session in past:
        if db.session.scalar(select(TablePlan.id).where(TablePlan.session_id == session.id)) is None:
            tables.allocate(facilitator, session, table_size=6, categories=["age", "gender", "tenure"],
                            seed=f"demo-{session.number}")
            tables.set_locked(facilitator, session, True)
        seated += 1
    if past and not db.session.scalar(select(TableNote.id).where(TableNote.session_id == past[0].id)):
        for table, item, text in NOTES:
            db.session.add(TableNote(session_id=past[0].id, table_number=table, agenda_item=item, text=text,
                                     author_id=facilitator.id))
        db.session.commit()
    return [f"  table plans for {seated} past session(s) of {panel.title}"] if seated else []
