"""Volunteer registration: codes, registering (web and phone), updating, withdrawing, the pool.

Every change is one transaction: a registration writes the volunteer, bumps its letter's
counter, queues the confirmation email and records the audit event, or writes nothing.
The audit log never holds personal data: ids, channels and counts only.
"""

from __future__ import annotations

import csv
import hashlib
import io
import logging
import secrets
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, TimestampSigner
from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import joinedload

from lottery import codes

from .. import audit, outbox
from ..access import require
from ..db import utcnow
from ..extensions import db
from ..i18n import LANGUAGES
from ..urls import external_url
from . import schema
from .models import STATUSES, SUPPORT_NEEDS, RegistrationSettings, Volunteer

log = logging.getLogger(__name__)

PUBLIC_ID_ALPHABET = codes.ALPHABET  # no 0/O, 1/I/L: easy to read out on the phone
TIMING_SALT = "pool.registration-timing"
DEFAULT_MIN_SECONDS = 3.0
DEFAULT_MAX_AGE = 2 * 3600


class CodeProblem(ValueError):
    """A registration code that cannot be used; str() is the message for the person."""


class CodeAlreadyUsed(CodeProblem):
    pass


def code_messages(phone: str | None) -> dict[str, str]:
    """One plain message per case. None of them tells anything about any other code."""
    call = (_l("If it still does not work, call us on %(phone)s.", phone=phone) if phone
            else _l("If it still does not work, contact the organisers."))
    return {
        "missing": str(_l("Enter the registration code from your letter.")),
        "mistyped": str(_l("This code is not right. Check each character against your letter: the "
                           "code has 10 letters and numbers, like K7QFX-93XMR. It never has the "
                           "letters O, I or L, or the numbers 0 or 1.")),
        "unknown": str(_l("We could not find this code. Check it against your letter.")) + " " + str(call),
        "used": (str(_l("This code has already been used to register. If this is a mistake, call us "
                        "on %(phone)s.", phone=phone)) if phone else
                 str(_l("This code has already been used to register. If this is a mistake, "
                        "contact the organisers."))),
    }


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


def find_letter(settings: RegistrationSettings, typed: str | None, *, required: bool = True):
    """The letter for a typed code on this panel; raises CodeProblem with the message to show."""
    from ..invitations.models import Letter

    messages = code_messages(settings.phone)
    if not (typed or "").strip():
        if required:
            raise CodeProblem(messages["missing"])
        return None
    raw = normalised_code(typed)
    if raw is None or not codes.is_valid(raw):
        raise CodeProblem(messages["mistyped"])
    letter = db.session.scalar(select(Letter).options(joinedload(Letter.address)).where(Letter.code == raw))
    if letter is None or letter.panel_id != settings.panel_id:
        raise CodeProblem(messages["unknown"])  # another panel's code is "unknown" here too
    if letter.registrations and not settings.allow_household_multiple:
        raise CodeAlreadyUsed(messages["used"])
    return letter


# --- registering ------------------------------------------------------------------------------


@dataclass
class Answers:
    """What a person told us, from any channel."""

    first_name: str
    last_name: str
    email: str | None = None
    phone: str | None = None
    answers: dict = field(default_factory=dict)
    availability: list = field(default_factory=list)
    support_needs: list = field(default_factory=list)
    support_details: str | None = None
    consent_standing_pool: bool = False
    language: str = "en"
    address: str | None = None
    area: str | None = None


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _public_id() -> str:
    return "V-" + "".join(secrets.choice(PUBLIC_ID_ALPHABET) for _ in range(8))


def _claim_letter(settings: RegistrationSettings, letter_id: int) -> bool:
    """Count the registration on its letter, atomically: False when the household rule forbids it.

    A conditional UPDATE, so two people posting the same code at the same moment cannot both
    pass; on SQLite it is also the first statement of the transaction (it takes the write lock).
    """
    from ..invitations.models import Letter

    now = utcnow()
    if settings.allow_household_multiple:
        statement = (update(Letter).where(Letter.id == letter_id)
                     .values(registrations=Letter.registrations + 1,
                             first_registered_at=func.coalesce(Letter.first_registered_at, now)))
    else:
        statement = (update(Letter).where(Letter.id == letter_id, Letter.registrations == 0)
                     .values(registrations=1, first_registered_at=now))
    result = db.session.execute(statement.execution_options(synchronize_session=False))
    return result.rowcount == 1


_SQLITE_WRITER = threading.Lock()


@contextmanager
def _one_writer():
    """On SQLite, one write transaction per process at a time.

    SQLite has one writer anyway; queueing the threads here, instead of in SQLite's busy
    handler (which sleeps and retries, unfairly), keeps waits short and in order under load.
    """
    if db.engine.dialect.name == "sqlite":
        with _SQLITE_WRITER:
            yield
    else:
        yield


ATTEMPTS = 3


def register(settings: RegistrationSettings, data: Answers, *, letter=None, channel: str = "web",
             actor=None, previous: Volunteer | None = None) -> tuple[Volunteer, str]:
    """Write one registration (all or nothing); returns the volunteer and their private link token.

    Everything that only reads or computes (the letter's address, the email) happens before the
    write transaction, which is then a handful of statements: claim the letter, insert the
    volunteer, the audit event and the email, commit.
    """
    panel = settings.panel
    panel.organisation  # noqa: B018 - loaded now, not inside the write transaction
    letter_id = area = household_key = address = None
    if previous is not None:  # a standing-pool volunteer: the household is the one they registered from
        area, household_key, address = previous.area, previous.household_key, previous.address
    if letter is not None:
        letter_id, area = letter.id, letter.area
        if letter.address is not None:
            household_key = letter.address.household_key
            address = ", ".join(letter.address.lines())[:400]
    for attempt in range(1, ATTEMPTS + 1):
        token = secrets.token_urlsafe(32)
        volunteer = Volunteer(
            panel_id=settings.panel_id, public_id=_public_id(), letter_id=letter_id,
            channel=channel, language=data.language, status="pool",
            area=area if letter is not None or previous is not None else (data.area or None),
            household_key=household_key,
            address=address if letter is not None or previous is not None else (data.address or None),
            answers=dict(data.answers), availability=list(data.availability),
            support_needs=list(data.support_needs), support_details=data.support_details or None,
            first_name=data.first_name, last_name=data.last_name,
            email=data.email or None, phone=data.phone or None,
            consent_privacy_at=utcnow(), consent_standing_pool=bool(data.consent_standing_pool),
            manage_token_hash=hash_token(token), registered_by_id=getattr(actor, "id", None),
        )
        message = _confirmation(settings, volunteer, token) if volunteer.email else None
        try:
            with _one_writer():
                if letter_id is not None and not _claim_letter(settings, letter_id):
                    db.session.rollback()
                    raise CodeAlreadyUsed(code_messages(settings.phone)["used"])
                db.session.add(volunteer)
                audit.record("pool.registered", volunteer, actor=actor, panel=panel, channel=channel,
                             language=data.language, by_letter=letter_id is not None)
                if message is not None:
                    outbox.queue(volunteer.email, *message, related=volunteer, panel=panel)
                db.session.commit()
            return volunteer, token
        except IntegrityError:
            # Only a clash of random identifiers gets here; try again with new ones.
            db.session.rollback()
            if attempt == ATTEMPTS:
                raise
            log.warning("registration identifier clash; retrying")
        except OperationalError as exc:
            # SQLite's lock wait ran out under a burst: nothing was written; try again.
            db.session.rollback()
            if attempt == ATTEMPTS or "locked" not in str(exc).lower():
                raise
            log.warning("database busy during a registration; retrying")
    raise AssertionError("unreachable")


def manage_url(settings: RegistrationSettings, volunteer: Volunteer, token: str) -> str:
    return external_url("pool.manage", short_code=settings.short_code, manage_token=token,
                        lang=volunteer.language)


def _confirmation(settings: RegistrationSettings, volunteer: Volunteer, token: str) -> tuple[str, str, str]:
    """(subject, text, html) of the confirmation email, in the volunteer's language."""
    from flask_babel import gettext

    panel = settings.panel
    link = manage_url(settings, volunteer, token)
    with force_locale(volunteer.language):
        context = {"panel": panel, "settings": settings, "volunteer": volunteer, "link": link,
                   "lang": volunteer.language}
        return (gettext("You are registered for %(title)s", title=panel.title),
                render_template("pool/email_confirmation.txt", **context),
                render_template("pool/email_confirmation.html", **context))


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
