"""Writing one registration, from any channel (web, phone, standing pool).

One short transaction of a few Core statements: claim the letter (a conditional UPDATE, so a
code is used once), insert the volunteer, its audit event and its confirmation email, commit.
Everything that only reads or computes (the letter, the email) happens before it. The ORM is
left out of this path on purpose: it costs more than the database does here.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass, field
from types import SimpleNamespace

from flask import render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from markupsafe import escape
from sqlalchemy import bindparam, func, select
from sqlalchemy.exc import IntegrityError, OperationalError

from lottery import codes

from .. import audit, outbox
from ..db import UTCDateTime, one_writer, utcnow
from ..driver import Insert, Statement
from ..extensions import db
from ..skeleton import Skeleton, marker
from ..urls import external_url
from .models import Volunteer

log = logging.getLogger(__name__)

PUBLIC_ID_ALPHABET = codes.ALPHABET  # no 0/O, 1/I/L: easy to read out on the phone
ATTEMPTS = 3


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


@dataclass(frozen=True)
class LetterInfo:
    """What a registration needs of its letter (read with one query, before the transaction)."""

    id: int
    panel_id: int
    area: str
    registrations: int
    household_key: str | None = None
    address: str | None = None  # its lines joined, as stored on the volunteer; None without an address


@dataclass(frozen=True)
class Registered:
    id: int
    public_id: str
    email: str | None
    token: str  # the private link's token (only its hash is stored)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _public_id() -> str:
    return "V-" + "".join(secrets.choice(PUBLIC_ID_ALPHABET) for _ in range(8))


# --- the letter ---------------------------------------------------------------------------------


def _letter_query():
    from ..invitations.models import Address, Letter

    letter, address = Letter.__table__, Address.__table__
    return (select(letter.c.id, letter.c.panel_id, letter.c.area, letter.c.registrations,
                   address.c.household_key, address.c.line1, address.c.line2, address.c.town,
                   address.c.postcode)
            .select_from(letter.outerjoin(address, address.c.id == letter.c.address_id))
            .where(letter.c.code == bindparam("code")))


_LETTER = Statement(_letter_query)


def letter_by_code(raw: str) -> LetterInfo | None:
    """The letter with this (normalised) code, on any panel."""
    from ..invitations.models import address_lines

    cursor = _LETTER.run(db.session.connection(), {"code": raw})
    row = cursor.fetchone()
    cursor.close()
    if row is None:
        return None
    id_, panel_id, area, registrations, household_key, line1, line2, town, postcode = row
    has_address = household_key is not None
    return LetterInfo(
        id=id_, panel_id=panel_id, area=area, registrations=registrations,
        household_key=household_key if has_address else None,
        address=", ".join(address_lines(line1, line2, town, postcode))[:400] if has_address else None)


def _claim(counted: bool):
    """One registration per letter (only while none is counted), or any number (counted)."""
    from ..invitations.models import Letter

    letter = Letter.__table__
    at = bindparam("at", type_=UTCDateTime())
    if counted:
        return (letter.update().where(letter.c.id == bindparam("letter"))
                .values(registrations=letter.c.registrations + 1,
                        first_registered_at=func.coalesce(letter.c.first_registered_at, at)))
    return (letter.update().where(letter.c.id == bindparam("letter"), letter.c.registrations == 0)
            .values(registrations=1, first_registered_at=at))


_CLAIM_ONCE, _CLAIM_COUNTED = Statement(lambda: _claim(False)), Statement(lambda: _claim(True))
_INSERT_VOLUNTEER = Insert(Volunteer.__table__, (
    "panel_id", "letter_id", "channel", "language", "status", "area", "household_key", "address", "answers",
    "availability", "support_needs", "support_details", "first_name", "last_name", "email", "phone",
    "consent_standing_pool", "registered_by_id", "public_id", "manage_token_hash", "consent_privacy_at"))


def _claim_letter(settings, letter_id: int) -> bool:
    """Count the registration on its letter, atomically: False when the household rule forbids it.

    A conditional UPDATE, so two people posting the same code at the same moment cannot both
    pass; on SQLite it is also the first statement of the transaction (it takes the write lock).
    """
    statement = _CLAIM_COUNTED if settings.allow_household_multiple else _CLAIM_ONCE
    cursor = statement.run(db.session.connection(), {"letter": letter_id, "at": utcnow()})
    claimed = cursor.rowcount == 1
    cursor.close()
    return claimed


# --- writing ------------------------------------------------------------------------------------


def write(settings, data: Answers, *, letter: LetterInfo | None = None, channel: str = "web",
          actor=None, previous: Volunteer | None = None) -> Registered:
    """Write one registration (all or nothing). `settings` is the ORM row or its public snapshot."""
    panel = settings.panel
    letter_id = area = household_key = address = None
    if previous is not None:  # a standing-pool volunteer: the household is the one they registered from
        area, household_key, address = previous.area, previous.household_key, previous.address
    if letter is not None:
        letter_id, area = letter.id, letter.area
        if letter.address is not None:
            household_key, address = letter.household_key, letter.address
    if letter is None and previous is None:
        area, address = data.area or None, data.address or None
    email = data.email or None
    row = {
        "panel_id": settings.panel_id, "letter_id": letter_id, "channel": channel, "language": data.language,
        "status": "pool", "area": area, "household_key": household_key, "address": address,
        "answers": dict(data.answers), "availability": list(data.availability),
        "support_needs": list(data.support_needs), "support_details": data.support_details or None,
        "first_name": data.first_name, "last_name": data.last_name, "email": email,
        "phone": data.phone or None, "consent_standing_pool": bool(data.consent_standing_pool),
        "registered_by_id": getattr(actor, "id", None),
    }
    for attempt in range(1, ATTEMPTS + 1):
        token = secrets.token_urlsafe(32)
        row.update(public_id=_public_id(), manage_token_hash=hash_token(token), consent_privacy_at=utcnow())
        message = (confirmation(settings, language=data.language, first_name=data.first_name,
                                public_id=row["public_id"], link=manage_url(settings, data.language, token))
                   if email else None)
        try:
            with one_writer(db.engine):
                if letter_id is not None and not _claim_letter(settings, letter_id):
                    db.session.rollback()
                    raise CodeAlreadyUsed(code_messages(settings.phone)["used"])
                volunteer_id = _INSERT_VOLUNTEER.run(db.session.connection(), row)
                audit.insert_event("pool.registered", object_type="Volunteer", object_id=volunteer_id,
                                   panel_id=panel.id, organisation_id=panel.organisation_id,
                                   actor_id=row["registered_by_id"], channel=channel,
                                   language=data.language, by_letter=letter_id is not None)
                if message is not None:
                    outbox.insert_message(email, *message, related_type="Volunteer", related_id=volunteer_id,
                                          panel_id=panel.id)
                db.session.commit()
            return Registered(id=volunteer_id, public_id=row["public_id"], email=email, token=token)
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


# --- the confirmation email --------------------------------------------------------------------


def manage_url(settings, language: str, token: str) -> str:
    return external_url("pool.manage", short_code=settings.short_code, manage_token=token, lang=language)


def confirmation(settings, *, language: str, first_name: str, public_id: str, link: str) -> tuple[str, str, str]:
    """(subject, text, html) of the confirmation email, in the volunteer's language.

    Rendered once per panel and language (kept on the public settings snapshot, which is replaced
    when the settings change); each email then only fills in the name, the reference and the link.
    """
    remember = getattr(settings, "remember", None)  # ORM settings (phone, standing): rendered each time
    subject, text, html = (remember(("confirmation", language), lambda: _confirmation_skeleton(settings, language))
                           if remember is not None else _confirmation_skeleton(settings, language))
    return (subject, text.fill(name=first_name, public_id=public_id, link=link),
            html.fill(name=str(escape(first_name)), public_id=str(escape(public_id)), link=str(escape(link))))


def _confirmation_skeleton(settings, language: str) -> tuple[str, Skeleton, Skeleton]:
    from flask_babel import gettext

    panel = settings.panel
    volunteer = SimpleNamespace(first_name=marker("name"), public_id=marker("public_id"), language=language)
    with force_locale(language):
        context = {"panel": panel, "settings": settings, "volunteer": volunteer, "link": marker("link"),
                   "lang": language}
        return (gettext("You are registered for %(title)s", title=panel.title),
                Skeleton(render_template("pool/email_confirmation.txt", **context)),
                Skeleton(render_template("pool/email_confirmation.html", **context)))
