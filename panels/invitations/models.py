"""Address registers (an organisation's households), mailings and the letters in them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import UTCDateTime, utcnow
from ..extensions import db


class AddressRegister(db.Model):
    """A list of residential addresses; it belongs to an organisation and can serve many panels."""

    __tablename__ = "address_register"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    source_filename: Mapped[str | None] = mapped_column(String(255))
    # Column mapping chosen by the organiser: role -> column name in the file.
    mapping: Mapped[dict] = mapped_column(JSON, default=dict)
    # Stratum attributes kept per address (besides the area), e.g. ["deprivation_decile"].
    attributes: Mapped[list] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(12), default="importing")  # importing, ready, failed
    households: Mapped[int] = mapped_column(Integer, default=0)
    duplicates: Mapped[int] = mapped_column(Integer, default=0)
    problems: Mapped[list | None] = mapped_column(JSON)
    job_id: Mapped[str | None] = mapped_column(String(32))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organisation = relationship("Organisation")


class Address(db.Model):
    __tablename__ = "address"
    __table_args__ = (Index("ix_address_register_area", "register_id", "area"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    register_id: Mapped[int] = mapped_column(ForeignKey("address_register.id", ondelete="CASCADE"))
    line1: Mapped[str] = mapped_column(String(200))
    line2: Mapped[str | None] = mapped_column(String(200))
    town: Mapped[str | None] = mapped_column(String(120))
    postcode: Mapped[str | None] = mapped_column(String(20))
    area: Mapped[str] = mapped_column(String(120))
    attributes: Mapped[dict | None] = mapped_column(JSON)
    residents: Mapped[int | None] = mapped_column(Integer)
    # Normalised (case, whitespace, punctuation) address used to find duplicates and households.
    household_key: Mapped[str] = mapped_column(String(300))

    def lines(self) -> list[str]:
        return address_lines(self.line1, self.line2, self.town, self.postcode)


def address_lines(*parts: str | None) -> list[str]:
    """An address's lines, empty ones left out (also for addresses read without the ORM)."""
    return [part for part in parts if part]


class Mailing(db.Model):
    """One batch of letters for a panel: sampled households, each with a registration code."""

    __tablename__ = "mailing"

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panel.id", ondelete="CASCADE"), index=True)
    register_id: Mapped[int] = mapped_column(ForeignKey("address_register.id", ondelete="RESTRICT"))
    kind: Mapped[str] = mapped_column(String(12), default="first")  # first, reminder
    reminder_of_id: Mapped[int | None] = mapped_column(ForeignKey("mailing.id", ondelete="SET NULL"))
    name: Mapped[str] = mapped_column(String(200))
    letter_text: Mapped[str] = mapped_column(Text)
    second_language: Mapped[str | None] = mapped_column(String(8))
    second_letter_text: Mapped[str | None] = mapped_column(Text)
    page_size: Mapped[str] = mapped_column(String(8), default="A4")
    envelope: Mapped[str] = mapped_column(String(4), default="DL")
    requested: Mapped[int] = mapped_column(Integer)
    letters_count: Mapped[int] = mapped_column(Integer, default=0)
    strata: Mapped[list] = mapped_column(JSON, default=list)  # [{"area"}, ...] of the sampling
    weights: Mapped[dict] = mapped_column(JSON, default=dict)
    seed: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(12), default="drafting")  # drafting, generating, ready, failed
    stratum_table: Mapped[list | None] = mapped_column(JSON)
    job_id: Mapped[str | None] = mapped_column(String(32))
    pdf_path: Mapped[str | None] = mapped_column(String(400))
    csv_path: Mapped[str | None] = mapped_column(String(400))
    posted_on: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    panel = relationship("Panel")
    register = relationship("AddressRegister")
    reminder_of = relationship("Mailing", remote_side="Mailing.id")


class Letter(db.Model):
    __tablename__ = "letter"
    __table_args__ = (UniqueConstraint("mailing_id", "address_id", name="uq_letter_mailing_address"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    mailing_id: Mapped[int] = mapped_column(ForeignKey("mailing.id", ondelete="CASCADE"), index=True)
    address_id: Mapped[int] = mapped_column(ForeignKey("address.id", ondelete="CASCADE"), index=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panel.id", ondelete="CASCADE"), index=True)
    # The registration code as printed, without separators; unique across the installation.
    code: Mapped[str] = mapped_column(String(16), unique=True)
    area: Mapped[str] = mapped_column(String(120))
    registrations: Mapped[int] = mapped_column(Integer, default=0)
    first_registered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    mailing = relationship("Mailing")
    address = relationship("Address")
