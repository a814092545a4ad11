"""Attendance, expense claims, evaluations and table plans: what happens to members at each session."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import UTCDateTime, utcnow
from ..extensions import db


class Attendance(db.Model):
    """Whether a member came to a session; checked in by a facilitator or with the session code."""

    __tablename__ = "attendance"
    __table_args__ = (UniqueConstraint("session_id", "user_id", name="uq_attendance_session_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("programme_session.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(12), default="present")  # present, absent, excused
    method: Mapped[str | None] = mapped_column(String(12))  # facilitator, code
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    checked_in_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user = relationship("User", foreign_keys=[user_id])


class ExpenseClaim(db.Model):
    """A member's claim for reimbursement (travel, childcare...) for one session."""

    __tablename__ = "expense_claim"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("programme_session.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # travel, childcare, eldercare, meals, other
    amount: Mapped[float] = mapped_column(Numeric(10, 2))
    note: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), default="claimed")  # claimed, paid, refused
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def _random_id() -> str:
    return uuid.uuid4().hex


class EvaluationResponse(db.Model):
    """One anonymous answer to a session's questionnaire: no user id is stored with the answers,
    and a random key, so answers cannot be paired with receipts by their order."""

    __tablename__ = "evaluation_response"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=_random_id)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panel.id", ondelete="CASCADE"), index=True)
    session_id: Mapped[int | None] = mapped_column(ForeignKey("programme_session.id", ondelete="CASCADE"),
                                                   index=True)  # empty: the end-of-process questionnaire
    scores: Mapped[dict] = mapped_column(JSON, default=dict)  # question key -> 1..5
    comment: Mapped[str | None] = mapped_column(Text)
    submitted_on: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class EvaluationReceipt(db.Model):
    """That a member has answered (to answer once), kept apart from what they answered."""

    __tablename__ = "evaluation_receipt"
    __table_args__ = (UniqueConstraint("panel_id", "session_key", "user_id", name="uq_evaluation_receipt"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panel.id", ondelete="CASCADE"), index=True)
    session_key: Mapped[str] = mapped_column(String(20))  # session id, or "final"
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))


class TablePlan(db.Model):
    """Who sits at which table in a session, with the scores; locked once final."""

    __tablename__ = "table_plan"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("programme_session.id", ondelete="CASCADE"), unique=True)
    tables: Mapped[list] = mapped_column(JSON, default=list)  # [{"number", "facilitator", "members": [user ids]}]
    categories: Mapped[list] = mapped_column(JSON, default=list)
    scores: Mapped[dict] = mapped_column(JSON, default=dict)  # diversity, meeting, and a random baseline's
    seed: Mapped[str] = mapped_column(String(64))
    locked: Mapped[bool] = mapped_column(Boolean, default=False)
    adjusted: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class TableNote(db.Model):
    """A facilitator's note of what a table said during an agenda item (cited when drafting)."""

    __tablename__ = "table_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("programme_session.id", ondelete="CASCADE"), index=True)
    table_number: Mapped[int] = mapped_column(Integer)
    agenda_item: Mapped[str | None] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
