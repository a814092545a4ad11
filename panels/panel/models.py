"""Panels, and for standing panels the topics and cohorts that later stages hang on."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import UTCDateTime, utcnow
from ..extensions import db
from .lifecycle import LABELS, Status

KINDS = {"assembly": "One-off assembly (one question)", "standing": "Standing panel (a term, several topics)"}


class Panel(db.Model):
    __tablename__ = "panel"
    __table_args__ = (UniqueConstraint("organisation_id", "slug", name="uq_panel_org_slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(20), default="assembly")
    question: Mapped[str] = mapped_column(Text)
    remit: Mapped[str | None] = mapped_column(Text)
    commitment: Mapped[str | None] = mapped_column(Text)
    seats: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), default=Status.DRAFT.value, index=True)
    term_start: Mapped[date | None] = mapped_column(Date)
    term_end: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    status_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The perspectives the programme should give a voice to (organiser-defined, e.g. for/against/neutral).
    perspectives: Mapped[list] = mapped_column(JSON, default=list)

    organisation = relationship("Organisation", back_populates="panels")
    topics = relationship(
        "Topic", back_populates="panel", cascade="all, delete-orphan", order_by="Topic.position"
    )
    cohorts = relationship(
        "Cohort", back_populates="panel", cascade="all, delete-orphan", order_by="Cohort.number"
    )

    @property
    def status_label(self) -> str:
        return LABELS[Status(self.status)]

    @property
    def is_standing(self) -> bool:
        return self.kind == "standing"


class Topic(db.Model):
    """One question a standing panel takes up; a one-off assembly has none (its question is the panel's)."""

    __tablename__ = "topic"

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panel.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    question: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer, default=0)
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)

    panel = relationship("Panel", back_populates="topics")


class Cohort(db.Model):
    """A successive intake of members on a standing panel (a one-off assembly has one)."""

    __tablename__ = "cohort"
    __table_args__ = (UniqueConstraint("panel_id", "number", name="uq_cohort_panel_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panel.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(120))
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)

    panel = relationship("Panel", back_populates="cohorts")
