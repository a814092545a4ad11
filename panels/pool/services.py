"""Volunteer registration: settings, codes, registering (web and phone), updating, withdrawing, the pool.

Every change is one transaction: a registration writes the volunteer, bumps its letter's
counter, queues the confirmation email and records the audit event, or writes nothing
(registering.py writes it). The audit log never holds personal data: ids, channels and counts only.
"""

from __future__ import annotations

import csv
import io
import logging
import secrets
import time

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, TimestampSigner
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from lottery import codes

from .. import audit
from ..access import require
from ..db import utcnow
from ..extensions import db
from ..i18n import LANGUAGES
from . import registering, schema
from .models import STATUSES, SUPPORT_NEEDS, RegistrationSettings, Volunteer
from .registering import (  # noqa: F401 - the registration's names, also used as services.X
    Answers,
    CodeAlreadyUsed,
    CodeProblem,
    LetterInfo,
    code_messages,
    hash_token,
)

log = logging.getLogger(__name__)

TIMING_SALT = "pool.registration-timing"
DEFAULT_MIN_SECONDS = 3.0
DEFAULT_MAX_AGE = 2 * 3600


# --- settings ---------------------------------------------------------------------------------


def settings_by_short_code(short_code: str) -> RegistrationSettings | None:
    """The settings with their panel and its organisation (one query: every public page needs them)."""
    from ..panel.models import Panel

    return db.session.scalar(
        select(RegistrationSettings)
        .options(joinedload(RegistrationSettings.panel).joinedload(Panel.organisation))
        .where(RegistrationSettings.short_code == short_code.strip().lower()))


def settings_for(panel) -> RegistrationSettings | None:
    return db.session.scalar(select(RegistrationSettings).where(RegistrationSettings.panel_id == panel.id))


def is_open(settings: RegistrationSettings) -> bool:
    if not settings.is_open:
        return False
    return settings.closes_on is None or utcnow() < settings.closes_on


def languages(settings: RegistrationSettings | None) -> list[str]:
    offered = [code for code in (settings.languages if settings else None) or [] if code in LANGUAGES]
    return offered or ["en"]


def default_settings(panel) -> RegistrationSettings:
    """Sensible defaults for a panel that has no registration settings yet (not added to the session)."""
    short_code = (panel.slug or f"panel-{panel.id}").lower()[:40]
    if not schema.SHORT_CODE_RE.match(short_code) or db.session.scalar(
            select(RegistrationSettings.id).where(RegistrationSettings.short_code == short_code)):
        short_code = f"{short_code[:30]}-{panel.id}".strip("-")
    return RegistrationSettings(
        panel_id=panel.id, short_code=short_code, is_open=False,
        categories=[dict(c, options=[dict(o) for o in c["options"]]) for c in schema.DEFAULT_CATEGORIES],
        session_dates=[], min_age=16, residence_rule=f"I live in {panel.organisation.name}",
        exclusions=["I am an elected member of the council",
                    "I work for the council on this panel's subject"],
        privacy_notice=schema.DEFAULT_PRIVACY_NOTICE.format(organisation=panel.organisation.name),
        retention_months=12, allow_household_multiple=False, languages=["en"], translations={},
        phone=None, contact_email=None,
    )


SETTINGS_FIELDS = ("short_code", "is_open", "closes_on", "categories", "session_dates", "min_age",
                   "residence_rule", "exclusions", "privacy_notice", "retention_months",
                   "allow_household_multiple", "languages", "translations", "phone", "contact_email")


def save_settings(actor, panel, values: dict) -> RegistrationSettings:
    require(actor, "panel.edit", panel=panel)
    settings = settings_for(panel)
    created = settings is None
    if created:
        settings = default_settings(panel)
        db.session.add(settings)
    changed = [name for name in SETTINGS_FIELDS if created or getattr(settings, name) != values[name]]
    was_open = bool(settings.is_open) and not created
    for name in SETTINGS_FIELDS:
        setattr(settings, name, values[name])
    if changed:
        audit.record("registration.settings_saved", settings, actor=actor, panel=panel,
                     created=created, fields=changed)
        if settings.is_open != was_open and not (created and not settings.is_open):
            audit.record("registration.opened" if settings.is_open else "registration.closed",
                         settings, actor=actor, panel=panel)
    db.session.commit()
    return settings


def short_code_taken(short_code: str, panel) -> bool:
    return db.session.scalar(select(RegistrationSettings.id).where(
        RegistrationSettings.short_code == short_code, RegistrationSettings.panel_id != panel.id)) is not None


def words(settings: RegistrationSettings, locale: str) -> dict:
    """The organiser's own words in a language other than English (empty for English)."""
    if locale == "en":
        return {}
    return (settings.translations or {}).get(locale) or {}


# --- the timing token -------------------------------------------------------------------------


class _Signer(TimestampSigner):
    def __init__(self, secret, at: float | None = None):
        super().__init__(secret, salt=TIMING_SALT)
        self._at = at

    def get_timestamp(self) -> int:
        return int(self._at) if self._at is not None else super().get_timestamp()


def timing_token(at: float | None = None) -> str:
    """A signed stamp of when the form was shown; `at` (epoch seconds) only for tests."""
    return _Signer(current_app.config["SECRET_KEY"], at).sign(secrets.token_hex(4)).decode()


def timing_problem(token: str | None) -> str | None:
    """None when the form took a human amount of time; "fast", "expired" or "bad" otherwise."""
    min_seconds = float(current_app.config.get("REGISTRATION_MIN_SECONDS", DEFAULT_MIN_SECONDS))
    max_age = int(current_app.config.get("REGISTRATION_MAX_AGE", DEFAULT_MAX_AGE))
    if not token:
        return "bad"
    try:
        _, stamp = _Signer(current_app.config["SECRET_KEY"]).unsign(
            token, max_age=max_age, return_timestamp=True)
    except SignatureExpired:
        return "expired"
    except BadSignature:
        return "bad"
    if time.time() - stamp.timestamp() < min_seconds:
        return "fast"
    return None


# --- codes ------------------------------------------------------------------------------------


def normalised_code(typed: str | None) -> str | None:
    if not typed:
        return None
    try:
        return codes.normalise(typed)
    except (TypeError, ValueError):
        return None


def display_code(typed: str | None) -> str:
    raw = normalised_code(typed)
    if raw and codes.is_valid(raw):
        return codes.format_code(raw)
    return (typed or "").strip()[:20]


def find_letter(settings, typed: str | None, *, required: bool = True) -> LetterInfo | None:
    """The letter for a typed code on this panel; raises CodeProblem with the message to show."""
    if not (typed or "").strip():
        if required:
            raise CodeProblem(code_messages(settings.phone)["missing"])
        return None
    raw = normalised_code(typed)
    if raw is None or not codes.is_valid(raw):
        raise CodeProblem(code_messages(settings.phone)["mistyped"])
    letter = registering.letter_by_code(raw)
    if letter is None or letter.panel_id != settings.panel_id:
        # another panel's code is "unknown" here too
        raise CodeProblem(code_messages(settings.phone)["unknown"])
    if letter.registrations and not settings.allow_household_multiple:
        raise CodeAlreadyUsed(code_messages(settings.phone)["used"])
    return letter


# --- registering ------------------------------------------------------------------------------


def register(settings, data: Answers, *, letter: LetterInfo | None = None, channel: str = "web",
             actor=None, previous: Volunteer | None = None) -> tuple[Volunteer, str]:
    """Write one registration (all or nothing); returns the volunteer and their private link token.

    The public form uses registering.write() itself and skips loading the volunteer back.
    """
    done = registering.write(settings, data, letter=letter, channel=channel, actor=actor, previous=previous)
    return db.session.get(Volunteer, done.id), done.token


# --- the private link -------------------------------------------------------------------------


def volunteer_by_token(settings: RegistrationSettings, token: str) -> Volunteer | None:
    if not token or len(token) > 200:
        return None
    return db.session.scalar(select(Volunteer).where(
        Volunteer.manage_token_hash == hash_token(token), Volunteer.panel_id == settings.panel_id,
        Volunteer.erased_at.is_(None)))


def answers_editable(settings: RegistrationSettings, volunteer: Volunteer) -> bool:
    """The quota answers can change only while registration is open and before the draw."""
    return is_open(settings) and volunteer.status == "pool"


UPDATABLE = ("first_name", "last_name", "email", "phone", "answers", "availability", "support_needs",
             "support_details", "consent_standing_pool")


def update_volunteer(settings: RegistrationSettings, volunteer: Volunteer, data: Answers, *,
                     answers: bool) -> list[str]:
    values = {
        "first_name": data.first_name, "last_name": data.last_name, "email": data.email or None,
        "phone": data.phone or None, "availability": list(data.availability),
        "support_needs": list(data.support_needs), "support_details": data.support_details or None,
        "consent_standing_pool": bool(data.consent_standing_pool),
    }
    if answers:
        values["answers"] = dict(data.answers)
    changed = [name for name, value in values.items() if getattr(volunteer, name) != value]
    for name in changed:
        setattr(volunteer, name, values[name])
    if changed:
        # Field names only: the values are personal data.
        audit.record("pool.volunteer_updated", volunteer, panel=settings.panel, fields=changed,
                     via="private_link")
    db.session.commit()
    return changed


def withdraw(settings: RegistrationSettings, volunteer: Volunteer, *, actor=None) -> None:
    if volunteer.status == "withdrawn":
        return
    previous = volunteer.status
    volunteer.status = "withdrawn"
    volunteer.withdrawn_at = utcnow()
    audit.record("pool.volunteer_withdrew", volunteer, actor=actor, panel=settings.panel,
                 previous_status=previous, via="private_link" if actor is None else "staff")
    db.session.commit()


# --- the pool, for organisers ----------------------------------------------------------------


def pool_query(panel, *, status: str | None = None, search: str | None = None):
    query = select(Volunteer).where(Volunteer.panel_id == panel.id)
    if status in STATUSES:
        query = query.where(Volunteer.status == status)
    if search:
        term = f"%{search.strip().lower()}%"
        full_name = func.lower(func.coalesce(Volunteer.first_name, "") + " " +
                               func.coalesce(Volunteer.last_name, ""))
        query = query.where(or_(full_name.like(term), func.lower(Volunteer.public_id).like(term)))
    return query


def list_volunteers(actor, panel, *, status=None, search=None, page: int = 1, per_page: int = 100):
    require(actor, "pool.view", panel=panel)
    query = pool_query(panel, status=status, search=search)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    rows = db.session.scalars(query.order_by(Volunteer.created_at.desc(), Volunteer.id.desc())
                              .offset((page - 1) * per_page).limit(per_page)).all()
    audit.record("pool.viewed", panel, actor=actor, panel=panel, shown=len(rows), total=total,
                 status_filter=status or None, searched=bool(search), page=page)
    db.session.commit()
    return rows, total


def status_counts(panel) -> dict[str, int]:
    rows = db.session.execute(select(Volunteer.status, func.count()).where(Volunteer.panel_id == panel.id)
                              .group_by(Volunteer.status)).all()
    counts = dict.fromkeys(STATUSES, 0)
    counts.update({status: n for status, n in rows})
    return counts


def category_counts(settings: RegistrationSettings | None, panel) -> list[dict]:
    """Per category, per answer: volunteers still in play (not withdrawn), their share, the census share."""
    if settings is None:
        return []
    answers = db.session.scalars(select(Volunteer.answers).where(
        Volunteer.panel_id == panel.id, Volunteer.status != "withdrawn")).all()
    result = []
    for category in settings.categories or []:
        counts: dict[str, int] = {}
        for given in answers:
            value = (given or {}).get(category["key"])
            counts[value] = counts.get(value, 0) + 1
        total = sum(counts.get(o["value"], 0) for o in category["options"])
        rows = [{"value": o["value"], "label": o["label"], "count": counts.get(o["value"], 0),
                 "share": (counts.get(o["value"], 0) / total) if total else None,
                 "census": o.get("share")} for o in category["options"]]
        result.append({"key": category["key"], "question": category["question"], "rows": rows,
                       "total": total})
    return result


def _cell(value) -> str:
    """CSV cells that a spreadsheet would run as a formula are quoted with a leading apostrophe."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def export_csv(actor, panel, settings: RegistrationSettings | None) -> str:
    require(actor, "pool.view", panel=panel)
    categories = settings.categories if settings else []
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["public_id", "status", "channel", "language", "area", "registered_at",
                     "withdrawn_at", *[c["key"] for c in categories], "availability", "support_needs",
                     "support_details", "consent_standing_pool", "first_name", "last_name", "email",
                     "phone", "address", "household_key", "letter_id"])
    volunteers = db.session.scalars(select(Volunteer).where(Volunteer.panel_id == panel.id)
                                    .order_by(Volunteer.id)).all()
    for v in volunteers:
        writer.writerow([_cell(x) for x in [
            v.public_id, v.status, v.channel, v.language, v.area,
            v.created_at.isoformat(timespec="seconds") if v.created_at else "",
            v.withdrawn_at.isoformat(timespec="seconds") if v.withdrawn_at else "",
            *[(v.answers or {}).get(c["key"], "") for c in categories],
            " ".join(v.availability or []), " ".join(v.support_needs or []), v.support_details,
            "yes" if v.consent_standing_pool else "no", v.first_name, v.last_name, v.email, v.phone,
            v.address, v.household_key, v.letter_id]])
    audit.record("pool.exported", panel, actor=actor, panel=panel, rows=len(volunteers))
    db.session.commit()
    return out.getvalue()


SUPPORT_KEYS = tuple(SUPPORT_NEEDS)
