"""A panel's registration settings (the form's questions) and its volunteers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import UTCDateTime, utcnow
from ..extensions import db

SUPPORT_NEEDS = {
    "childcare": "Childcare",
    "eldercare": "Care for an older or disabled person",
    "travel": "Help with travel",
    "dietary": "Dietary needs",
    "accessibility": "Step-free access or other accessibility needs",
    "language": "Help with English",
    "interpreting": "A sign-language or spoken-language interpreter",
}

STATUSES = ("pool", "selected", "confirmed", "declined", "withdrawn", "reserve", "replaced")


class RegistrationSettings(db.Model):
    """What the registration form asks: the quota categories in plain words, dates, eligibility."""

    __tablename__ = "registration_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panel.id", ondelete="CASCADE"), unique=True)
    short_code: Mapped[str] = mapped_column(String(40), unique=True)  # /r/<short_code>
    is_open: Mapped[bool] = mapped_column(Boolean, default=False)
    closes_on: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # [{"key": "age", "question": "...", "options": [{"value": "16-29", "label": "16 to 29"}]}]
    categories: Mapped[list] = mapped_column(JSON, default=list)
    session_dates: Mapped[list] = mapped_column(JSON, default=list)  # ISO dates
    min_age: Mapped[int] = mapped_column(Integer, default=16)
    residence_rule: Mapped[str] = mapped_column(String(300), default="I live in the city")
    exclusions: Mapped[list] = mapped_column(JSON, default=list)  # e.g. "I am a city councillor"
    privacy_notice: Mapped[str] = mapped_column(Text, default="")
    retention_months: Mapped[int] = mapped_column(Integer, default=12)
    allow_household_multiple: Mapped[bool] = mapped_column(Boolean, default=False)
    languages: Mapped[list] = mapped_column(JSON, default=lambda: ["en"])
    # Per-language overrides of the panel's own words: {"fr": {"age": "Quel âge avez-vous ?"}}
    translations: Mapped[dict] = mapped_column(JSON, default=dict)
    phone: Mapped[str | None] = mapped_column(String(40))
    contact_email: Mapped[str | None] = mapped_column(String(254))

    panel = relationship("Panel", backref=db.backref("registration", uselist=False))


class Volunteer(db.Model):
    """A respondent: personal data (erasable) plus the pseudonymous record the draw uses."""

    __tablename__ = "volunteer"
    __table_args__ = (UniqueConstraint("panel_id", "public_id", name="uq_volunteer_panel_public"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panel.id", ondelete="CASCADE"), index=True)
    public_id: Mapped[str] = mapped_column(String(16))  # pseudonym shown in published reports
    letter_id: Mapped[int | None] = mapped_column(ForeignKey("letter.id", ondelete="SET NULL"), index=True)
    channel: Mapped[str] = mapped_column(String(12), default="web")  # web, phone, import, standing
    language: Mapped[str] = mapped_column(String(8), default="en")
    status: Mapped[str] = mapped_column(String(12), default="pool", index=True)
    area: Mapped[str | None] = mapped_column(String(120))
    household_key: Mapped[str | None] = mapped_column(String(300))
    answers: Mapped[dict] = mapped_column(JSON, default=dict)  # category key -> value
    availability: Mapped[list] = mapped_column(JSON, default=list)
    support_needs: Mapped[list] = mapped_column(JSON, default=list)
    # Personal data: erased after the retention period (erased_at set, fields emptied).
    first_name: Mapped[str | None] = mapped_column(String(100))
    last_name: Mapped[str | None] = mapped_column(String(100))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(40))
    address: Mapped[str | None] = mapped_column(String(400))
    support_details: Mapped[str | None] = mapped_column(Text)
    consent_privacy_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    consent_standing_pool: Mapped[bool] = mapped_column(Boolean, default=False)
    manage_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    registered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    panel = relationship("Panel")
    letter = relationship("Letter")

    @property
    def name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p) or self.public_id
