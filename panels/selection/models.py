"""Targets (quotas) per panel, selection runs with everything needed to verify them, and the lock."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import UTCDateTime, utcnow
from ..extensions import db


class Target(db.Model):
    """Min and max seats for one value of one category, from the census share or set by hand."""

    __tablename__ = "target"
    __table_args__ = (UniqueConstraint("panel_id", "category", "value", name="uq_target_panel_category_value"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panel.id", ondelete="CASCADE"), index=True)
    category: Mapped[str] = mapped_column(String(80))
    value: Mapped[str] = mapped_column(String(120))
    label: Mapped[str | None] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer, default=0)
    census_share: Mapped[float | None] = mapped_column(Float)
    min: Mapped[int] = mapped_column(Integer)
    max: Mapped[int] = mapped_column(Integer)
    min_flex: Mapped[int | None] = mapped_column(Integer)
    max_flex: Mapped[int | None] = mapped_column(Integer)
    # Why an organiser changed the computed bounds by hand (required for a hand edit).
    edit_reason: Mapped[str | None] = mapped_column(Text)


class SelectionRun(db.Model):
    """One run of the lottery: a snapshot of its inputs, the portfolio, the draw and the panel."""

    __tablename__ = "selection_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panel.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(12))  # test, final
    status: Mapped[str] = mapped_column(String(12), default="queued")  # queued, running, succeeded, failed
    algorithm: Mapped[str] = mapped_column(String(20), default="leximin")
    seed: Mapped[str | None] = mapped_column(String(200))
    seed_source: Mapped[str] = mapped_column(String(20), default="generated")
    seats: Mapped[int] = mapped_column(Integer)
    job_id: Mapped[str | None] = mapped_column(String(32))
    input_hash: Mapped[str | None] = mapped_column(String(64))
    lottery_version: Mapped[str | None] = mapped_column(String(20))
    snapshot: Mapped[dict] = mapped_column(JSON, default=dict)  # targets and settings as run
    report: Mapped[dict | None] = mapped_column(JSON)
    selected: Mapped[list | None] = mapped_column(JSON)  # public ids of the drawn panel
    error: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    panel = relationship("Panel")
    created_by = relationship("User")


class SelectionLock(db.Model):
    """At most one selection run per panel at a time: the primary key is the lock."""

    __tablename__ = "selection_lock"

    panel_id: Mapped[int] = mapped_column(ForeignKey("panel.id", ondelete="CASCADE"), primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("selection_run.id", ondelete="CASCADE"))
    acquired_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Confirmation(db.Model):
    """A selected volunteer's answer to the invitation to sit: by the link, or recorded by staff."""

    __tablename__ = "confirmation"

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panel.id", ondelete="CASCADE"), index=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteer.id", ondelete="CASCADE"), index=True)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("selection_run.id", ondelete="SET NULL"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    deadline: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(12), default="pending")  # pending, confirmed, declined, expired
    channel: Mapped[str | None] = mapped_column(String(12))  # link, phone, email, in person
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    note: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    volunteer = relationship("Volunteer")


class Replacement(db.Model):
    """Who dropped out, when and why, who replaced them and by which run: the audit trail of a seat."""

    __tablename__ = "replacement"

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panel.id", ondelete="CASCADE"), index=True)
    dropout_id: Mapped[int] = mapped_column(ForeignKey("volunteer.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(Text)
    dropped_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    replacement_id: Mapped[int | None] = mapped_column(ForeignKey("volunteer.id", ondelete="SET NULL"))
    run_id: Mapped[int | None] = mapped_column(ForeignKey("selection_run.id", ondelete="SET NULL"))
    method: Mapped[str | None] = mapped_column(String(12))  # lottery, reserve
    relaxation: Mapped[list | None] = mapped_column(JSON)  # quota changes the organiser accepted
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    dropout = relationship("Volunteer", foreign_keys=[dropout_id])
    replacement = relationship("Volunteer", foreign_keys=[replacement_id])
