"""The audit log: who changed what, when. Never holds volunteers' personal data."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from . import events
from .db import UTCDateTime, utcnow
from .driver import Insert
from .extensions import db


class AuditEvent(db.Model):
    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(80), index=True)
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[str | None] = mapped_column(String(64))
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL"), index=True
    )
    panel_id: Mapped[int | None] = mapped_column(
        ForeignKey("panel.id", ondelete="SET NULL"), index=True
    )
    details: Mapped[dict] = mapped_column(JSON, default=dict)

    actor = relationship("User", lazy="joined")


def record(
    action: str,
    obj=None,
    *,
    actor=None,
    panel=None,
    organisation=None,
    **details,
) -> AuditEvent:
    """Add an audit event to the current transaction; it commits with the change it describes."""
    if obj is not None and getattr(obj, "id", 0) is None:
        db.session.flush()
    if panel is None and obj is not None and obj.__class__.__name__ == "Panel":
        panel = obj
    if organisation is None and panel is not None:
        organisation = panel.organisation
    event = AuditEvent(
        actor_id=getattr(actor, "id", None),
        action=action,
        object_type=obj.__class__.__name__ if obj is not None else "system",
        object_id=str(obj.id) if obj is not None and getattr(obj, "id", None) else None,
        organisation_id=getattr(organisation, "id", None),
        panel_id=getattr(panel, "id", None),
        details=details,
    )
    db.session.add(event)
    if actor is not None:  # a person's change (not a resident registering): the panel's followers hear of it
        events.note(event.panel_id)
    return event


_INSERT_EVENT = Insert(AuditEvent.__table__, (
    "actor_id", "action", "object_type", "object_id", "organisation_id", "panel_id", "details"))


def insert_event(action: str, *, object_type: str, object_id, panel_id: int | None,
                 organisation_id: int | None, actor_id: int | None = None, **details) -> None:
    """The event record() would add, written at once on the driver (panels/driver.py) in the
    current transaction: for hot paths (a registration) that write without the ORM."""
    _INSERT_EVENT.run(db.session.connection(), {
        "actor_id": actor_id, "action": action, "object_type": object_type,
        "object_id": str(object_id) if object_id is not None else None,
        "organisation_id": organisation_id, "panel_id": panel_id, "details": details})
    if actor_id is not None:
        events.note(panel_id)
