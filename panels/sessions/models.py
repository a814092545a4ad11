"""The programme in the app: sessions with nested agenda items, speakers, materials, questions.

A session's agenda is stored as the curriculum library's plain data (``AgendaItem.to_dict``)
so that validation, time budgets and balance reports run on exactly what is saved.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Column, Date, ForeignKey, Integer, Numeric, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import UTCDateTime, utcnow
from ..extensions import db

session_topic = Table(
    "session_topic", db.metadata,
    Column("session_id", ForeignKey("programme_session.id", ondelete="CASCADE"), primary_key=True),
    Column("topic_id", ForeignKey("topic.id", ondelete="CASCADE"), primary_key=True),
)

material_session = Table(
    "material_session", db.metadata,
    Column("material_id", ForeignKey("material.id", ondelete="CASCADE"), primary_key=True),
    Column("session_id", ForeignKey("programme_session.id", ondelete="CASCADE"), primary_key=True),
)


class ProgrammeSession(db.Model):
    """One meeting of the panel: when, where (venue or online), phase, topics and agenda."""

    __tablename__ = "programme_session"
    __table_args__ = (UniqueConstraint("panel_id", "number", name="uq_programme_session_panel_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panel.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    phase: Mapped[str] = mapped_column(String(40))
    date: Mapped[date | None] = mapped_column(Date)
    start: Mapped[str] = mapped_column(String(5))  # 'HH:MM', local time of the panel
    end: Mapped[str] = mapped_column(String(5))
    venue_name: Mapped[str | None] = mapped_column(String(200))
    venue_address: Mapped[str | None] = mapped_column(Text)
    accessibility: Mapped[str | None] = mapped_column(Text)
    online_url: Mapped[str | None] = mapped_column(String(500))
    agenda: Mapped[list] = mapped_column(JSON, default=list)  # [AgendaItem.to_dict(), ...]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    panel = relationship("Panel")
    topics = relationship("Topic", secondary=session_topic, order_by="Topic.position")
    materials = relationship("Material", secondary=material_session, back_populates="sessions")

    @property
    def location(self) -> str:
        parts = [p for p in (self.venue_name, (self.venue_address or "").replace("\n", ", ")) if p]
        if self.online_url:
            parts.append(self.online_url)
        return ", ".join(parts)


class Speaker(db.Model):
    __tablename__ = "speaker"

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panel.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    affiliation: Mapped[str | None] = mapped_column(String(200))
    biography: Mapped[str | None] = mapped_column(Text)
    perspective: Mapped[str | None] = mapped_column(String(80))  # for / against / neutral ...
    tags: Mapped[list] = mapped_column(JSON, default=list)  # stakeholder groups, further perspective tags
    evidence_type: Mapped[str | None] = mapped_column(String(40))
    interests: Mapped[str | None] = mapped_column(Text)  # declaration of interests, one per line
    expenses: Mapped[float | None] = mapped_column(Numeric(10, 2))
    expenses_note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def interest_list(self) -> list[str]:
        lines = [line.strip() for line in (self.interests or "").splitlines() if line.strip()]
        return [line for line in lines if line.strip(" .").lower() not in {"none", "no interests", "n/a"}]


class Material(db.Model):
    __tablename__ = "material"

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panel.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str | None] = mapped_column(Text)  # plain-language summary
    language: Mapped[str] = mapped_column(String(10), default="en")
    perspective: Mapped[str | None] = mapped_column(String(80))
    evidence_type: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    sessions = relationship("ProgrammeSession", secondary=material_session, back_populates="materials",
                            order_by="ProgrammeSession.number")
    versions = relationship("MaterialVersion", back_populates="material", cascade="all, delete-orphan",
                            order_by="MaterialVersion.number.desc()")

    @property
    def current(self):
        return self.versions[0] if self.versions else None


class MaterialVersion(db.Model):
    """One version of a material: an uploaded file (stored under instance/) or a link."""

    __tablename__ = "material_version"
    __table_args__ = (UniqueConstraint("material_id", "number", name="uq_material_version_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    material_id: Mapped[int] = mapped_column(ForeignKey("material.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    url: Mapped[str | None] = mapped_column(String(500))
    filename: Mapped[str | None] = mapped_column(String(255))  # the name it was uploaded with
    stored_name: Mapped[str | None] = mapped_column(String(80))  # random name under uploads/materials
    content_type: Mapped[str | None] = mapped_column(String(100))
    size: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    material = relationship("Material", back_populates="versions")


class MemberQuestion(db.Model):
    """A member's question to a speaker, or request for a witness; staff answer or schedule it."""

    __tablename__ = "member_question"

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panel.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20), default="question")  # question | witness
    asked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    show_name: Mapped[bool] = mapped_column(default=False)
    speaker_id: Mapped[int | None] = mapped_column(ForeignKey("speaker.id", ondelete="SET NULL"))
    session_id: Mapped[int | None] = mapped_column(ForeignKey("programme_session.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    perspective: Mapped[str | None] = mapped_column(String(80))
    answer: Mapped[str | None] = mapped_column(Text)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    asked_by = relationship("User", foreign_keys=[asked_by_id])
    speaker = relationship("Speaker")
    session = relationship("ProgrammeSession")

    @property
    def answered(self) -> bool:
        return bool(self.answer and self.answer.strip())
