"""Evidence records and assessments: what panels did, as evidence of a city's capabilities.

An evidence record never holds personal data: only an organisation, optionally a panel, an
indicator of a capability, a number and where it came from.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import UTCDateTime, utcnow
from ..extensions import db

CONFIDENCE = {
    "self_reported": "Self-reported",
    "documented": "Documented",
    "independently_evaluated": "Independently evaluated",
}
SOURCES = {"feed": "Automatic (from the application)", "manual": "Entered by hand", "import": "Imported"}


class EvidenceRecord(db.Model):
    __tablename__ = "evidence_record"
    __table_args__ = (UniqueConstraint("feed_key", name="uq_evidence_record_feed_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    panel_id: Mapped[int | None] = mapped_column(ForeignKey("panel.id", ondelete="SET NULL"), index=True)
    framework: Mapped[str] = mapped_column(String(40))  # e.g. "psci", "oecd_bloomberg"
    capability: Mapped[str] = mapped_column(String(60), index=True)
    indicator: Mapped[str] = mapped_column(String(80))
    value: Mapped[float | None] = mapped_column(Float)
    unit: Mapped[str | None] = mapped_column(String(40))  # "%", "days", "count", "score 0-10"...
    observed_on: Mapped[date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(12), default="manual")  # feed, manual, import
    # What produced it: for the feed, the object ("panel", "recommendation"...) and its id, and a link.
    source_kind: Mapped[str | None] = mapped_column(String(40))
    source_id: Mapped[int | None] = mapped_column(Integer)
    source_url: Mapped[str | None] = mapped_column(String(500))  # a page, a document or a link
    # An uploaded source document (hand entry): the name it was uploaded with and its random stored name.
    document_filename: Mapped[str | None] = mapped_column(String(255))
    document_stored_name: Mapped[str | None] = mapped_column(String(80))
    confidence: Mapped[str] = mapped_column(String(24), default="self_reported")
    attribution: Mapped[str] = mapped_column(String(40), default="contributed to")
    note: Mapped[str | None] = mapped_column(Text)
    # The feed's identity of a record (organisation, panel, indicator, period): re-running updates it.
    feed_key: Mapped[str | None] = mapped_column(String(200))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    organisation = relationship("Organisation")
    panel = relationship("Panel")


class Assessment(db.Model):
    """A periodic assessment in the style of the Public Sector Capabilities Index."""

    __tablename__ = "capability_assessment"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    framework: Mapped[str] = mapped_column(String(40), default="psci")
    assessed_on: Mapped[date] = mapped_column(Date)
    assessor: Mapped[str] = mapped_column(String(200))  # who assessed (an officer or an evaluator)
    interviewees: Mapped[str | None] = mapped_column(Text)  # roles interviewed, not names
    documents: Mapped[list] = mapped_column(JSON, default=list)  # links used to triangulate
    status: Mapped[str] = mapped_column(String(12), default="draft")  # draft, final
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    answers = relationship("AssessmentAnswer", cascade="all, delete-orphan", order_by="AssessmentAnswer.id")


class AssessmentAnswer(db.Model):
    """One capability's answers in an assessment, and its score from 1 to 5 with the reason."""

    __tablename__ = "capability_assessment_answer"
    __table_args__ = (UniqueConstraint("assessment_id", "capability", name="uq_assessment_answer_capability"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("capability_assessment.id", ondelete="CASCADE"),
                                               index=True)
    capability: Mapped[str] = mapped_column(String(60))
    answers: Mapped[dict] = mapped_column(JSON, default=dict)  # question key -> answer text
    score: Mapped[int | None] = mapped_column(Integer)
    reason: Mapped[str | None] = mapped_column(Text)
