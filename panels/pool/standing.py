"""The standing pool: earlier volunteers who agreed to hear about later panels are invited
again, register with their answers refreshed, and agree to the privacy notice again."""

from __future__ import annotations

from flask import current_app, render_template
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select

from .. import audit, outbox
from ..access import require
from ..extensions import db
from ..outbox import OutboxMessage
from ..panel.models import Panel
from ..urls import external_url
from .models import RegistrationSettings, Volunteer

MAX_AGE = 60 * 24 * 3600  # an invitation link works for 60 days
SALT = "standing-pool"


class StandingProblem(ValueError):
    pass


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def candidates(panel) -> list[Volunteer]:
    """One record per person (the latest) among the organisation's other panels' consenting volunteers,
    leaving out people already in this panel's pool or already invited to it."""
    rows = db.session.scalars(
        select(Volunteer).join(Panel, Panel.id == Volunteer.panel_id)
        .where(Panel.organisation_id == panel.organisation_id, Volunteer.panel_id != panel.id,
               Volunteer.consent_standing_pool.is_(True), Volunteer.erased_at.is_(None),
               Volunteer.status != "withdrawn", Volunteer.email.is_not(None))
        .order_by(Volunteer.created_at.desc())).all()
    here = {e.casefold() for e in db.session.scalars(select(Volunteer.email).where(
        Volunteer.panel_id == panel.id, Volunteer.email.is_not(None)))}
    invited = set(db.session.scalars(select(OutboxMessage.related_id).where(
        OutboxMessage.panel_id == panel.id, OutboxMessage.related_type == "Volunteer")))
    chosen: dict[str, Volunteer] = {}
    for volunteer in rows:
        key = volunteer.email.casefold()
        if key not in here and key not in chosen and str(volunteer.id) not in invited:
            chosen[key] = volunteer
    return list(chosen.values())


def invite(actor, panel, settings: RegistrationSettings) -> int:
    """Queue one email per earlier volunteer with a personal link to register again."""
    require(actor, "pool.view", panel=panel)
    people = candidates(panel)
    for volunteer in people:
        token = _serializer().dumps({"v": volunteer.id, "p": panel.id})
        link = external_url("pool.register_again", short_code=settings.short_code, token=token)
        context = {"volunteer": volunteer, "panel": panel, "link": link, "days": MAX_AGE // 86400}
        outbox.queue(volunteer.email, f"An invitation to {panel.title}",
                     render_template("pool/email_standing.txt", **context),
                     render_template("pool/email_standing.html", **context), related=volunteer, panel=panel)
    audit.record("pool.standing_invited", panel, actor=actor, invited=len(people))
    db.session.commit()
    return len(people)


def previous_volunteer(token: str, settings: RegistrationSettings) -> Volunteer:
    try:
        data = _serializer().loads(token, max_age=MAX_AGE)
    except SignatureExpired as exc:
        raise StandingProblem("This invitation has expired. Call us and we will register you by phone.") from exc
    except BadSignature as exc:
        raise StandingProblem("This link does not work. Check that you copied all of it.") from exc
    volunteer = db.session.get(Volunteer, data.get("v"))
    if data.get("p") != settings.panel_id or volunteer is None or volunteer.erased_at is not None \
            or not volunteer.consent_standing_pool:
        raise StandingProblem("This link does not work. Check that you copied all of it.")
    already = db.session.scalar(select(Volunteer.id).where(
        Volunteer.panel_id == settings.panel_id, Volunteer.email == volunteer.email))
    if already:
        raise StandingProblem("You have already registered for this panel. Thank you!")
    return volunteer


def prefill(volunteer: Volunteer) -> dict:
    """Their earlier answers, to check and change; dates and consent are asked afresh."""
    data = {name: getattr(volunteer, name) for name in ("first_name", "last_name", "email", "phone",
                                                        "support_needs", "support_details")}
    data.update({f"cat_{key}": value for key, value in (volunteer.answers or {}).items()})
    return data
