"""Confirmations: a selected volunteer says yes or no by a private link, or staff record it.

Each selected volunteer gets one Confirmation per invitation to sit: a private link (the
database keeps only the SHA-256 hash of its token), a deadline, a status (pending,
confirmed, declined, expired). The email goes through the outbox in the volunteer's
language. One reminder goes out in the last three days before the deadline, exactly once
(a conditional UPDATE claims it). A confirmed member is invited to an account (role
member on the panel); a decline opens the seat for a replacement (a Replacement row
without a replacement yet).

The token is an HMAC of the confirmation's identity with the installation's SECRET_KEY:
unpredictable without the key, never stored, and re-derivable so that the reminder can
carry the same link as the first email. The audit log gets ids, statuses and counts only.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import click
from flask import current_app, has_request_context, render_template
from flask.cli import with_appcontext
from sqlalchemy import select, update

from .. import audit, outbox
from ..access import require
from ..db import utcnow
from ..extensions import db
from ..jobs import job_function
from ..pool.models import SUPPORT_NEEDS, RegistrationSettings, Volunteer
from ..urls import external_url
from .models import Confirmation, Replacement, SelectionRun

log = logging.getLogger(__name__)

DEADLINE_DAYS = 10
REMIND_WITHIN = timedelta(days=3)
LANGUAGES = ("en", "es")
ANSWERS = ("confirm", "decline")
CHANNELS = ("link", "phone", "email", "in person")
ON_PANEL = ("selected", "confirmed")

SUPPORT_NEEDS_ES = {
    "childcare": "Cuidado de niños",
    "eldercare": "Cuidado de una persona mayor o con discapacidad",
    "travel": "Ayuda con el transporte",
    "dietary": "Necesidades de alimentación",
    "accessibility": "Acceso sin escalones u otras necesidades de accesibilidad",
    "language": "Ayuda con el inglés",
    "interpreting": "Intérprete de lengua de signos o de otro idioma",
}
MONTHS_ES = ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
             "octubre", "noviembre", "diciembre"]
DAYS_ES = ["lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"]


class ConfirmationError(ValueError):
    """An answer that cannot be taken; `kind` names the case, str() is the message for the person."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind


# --- tokens -------------------------------------------------------------------------------------


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_for(confirmation: Confirmation) -> str:
    """The private link's token: HMAC(SECRET_KEY, who, which panel, when sent). Never stored."""
    sent = confirmation.sent_at.astimezone(UTC).replace(microsecond=0).isoformat()
    message = f"panels.confirmation|{confirmation.panel_id}|{confirmation.volunteer_id}|{sent}".encode()
    digest = hmac.new(str(current_app.config["SECRET_KEY"]).encode(), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:24]).decode().rstrip("=")


def find(token: str | None) -> Confirmation | None:
    if not token or len(token) > 100:
        return None
    return db.session.scalar(select(Confirmation).where(Confirmation.token_hash == hash_token(token)))


def link_for(confirmation: Confirmation) -> str:
    return external_url("seats.confirm", confirmation_token=token_for(confirmation))


# --- what the messages and the page say -------------------------------------------------------------


def language_of(volunteer: Volunteer) -> str:
    return volunteer.language if volunteer.language in LANGUAGES else "en"


def format_date(value: date | datetime, language: str) -> str:
    if language == "es":
        return f"{DAYS_ES[value.weekday()]} {value.day} de {MONTHS_ES[value.month - 1]} de {value.year}"
    return f"{value.strftime('%A')} {value.day} {value.strftime('%B %Y')}"


def settings_of(panel) -> RegistrationSettings | None:
    return db.session.scalar(select(RegistrationSettings).where(RegistrationSettings.panel_id == panel.id))


def session_dates(panel, language: str) -> list[str]:
    settings = settings_of(panel)
    days = sorted(date.fromisoformat(d) for d in (settings.session_dates if settings else []) or [])
    return [format_date(d, language) for d in days]


def support_labels(keys: list[str] | None, language: str) -> list[str]:
    labels = SUPPORT_NEEDS_ES if language == "es" else SUPPORT_NEEDS
    return [labels[k] for k in keys or [] if k in labels]


def context(confirmation: Confirmation, language: str | None = None) -> dict:
    """Everything the email and the page show about one invitation to sit."""
    volunteer = confirmation.volunteer
    panel = volunteer.panel
    language = language or language_of(volunteer)
    settings = settings_of(panel)
    return {
        "panel": panel, "volunteer": volunteer, "confirmation": confirmation, "language": language,
        "organisation": panel.organisation.name, "dates": session_dates(panel, language),
        "deadline": format_date(confirmation.deadline, language),
        "offered": support_labels(list(SUPPORT_NEEDS), language),
        "needs": support_labels(volunteer.support_needs, language),
        "phone": settings.phone if settings else None,
        "contact_email": settings.contact_email if settings else None,
    }


def _outside_a_request():
    """Templates need a request (the context processors read it): jobs and commands get a stand-in."""
    base = current_app.config.get("BASE_URL") or "http://127.0.0.1:5000"  # as urls.external_url does
    return nullcontext() if has_request_context() else current_app.test_request_context(base_url=base)


def _queue_email(confirmation: Confirmation, *, reminder: bool = False) -> bool:
    with _outside_a_request():
        return _queue_email_now(confirmation, reminder=reminder)


def _queue_email_now(confirmation: Confirmation, *, reminder: bool = False) -> bool:
    volunteer = confirmation.volunteer
    if not volunteer.email:
        return False  # no address: staff call them and record the answer
    values = context(confirmation)
    values.update(link=link_for(confirmation), reminder=reminder)
    suffix = "_es" if values["language"] == "es" else ""
    title = volunteer.panel.title
    if values["language"] == "es":
        subject = (f"Recordatorio: responda antes del {values['deadline']}" if reminder
                   else f"Ha sido seleccionado/a para {title}")
    else:
        subject = (f"Reminder: please answer by {values['deadline']}" if reminder
                   else f"You have been selected for {title}")
    outbox.queue(volunteer.email, subject, render_template(f"email/confirmation{suffix}.txt", **values),
                 render_template(f"email/confirmation{suffix}.html", **values),
                 related=confirmation, panel=volunteer.panel)
    return True


# --- runs and members ------------------------------------------------------------------------------


def final_runs(panel) -> list[SelectionRun]:
    """The panel's draw and its replacement runs, oldest first."""
    return db.session.scalars(select(SelectionRun).where(
        SelectionRun.panel_id == panel.id, SelectionRun.kind == "final", SelectionRun.status == "succeeded")
        .order_by(SelectionRun.id)).all()


def draw_run(panel) -> SelectionRun | None:
    """The final run that drew the panel (replacement runs carry "replacement_for" in their snapshot)."""
    return next((r for r in final_runs(panel) if "replacement_for" not in (r.snapshot or {})), None)


def latest(volunteer: Volunteer) -> Confirmation | None:
    return db.session.scalar(select(Confirmation).where(Confirmation.volunteer_id == volunteer.id)
                             .order_by(Confirmation.id.desc()).limit(1))


@dataclass
class Member:
    volunteer: Volunteer
    confirmation: Confirmation | None

    @property
    def state(self) -> str:
        """One word for the members page: confirmed, pending, declined, expired, withdrawn, replaced, not invited."""
        status = self.volunteer.status
        if status in ("withdrawn", "replaced", "declined", "confirmed"):
            return status
        if self.confirmation is None:
            return "not invited"
        return self.confirmation.status


def members(panel) -> list[Member]:
    """Everyone on the panel or invited to it: the selected, confirmed, and those who left it."""
    invited = select(Confirmation.volunteer_id).where(Confirmation.panel_id == panel.id)
    left = select(Replacement.dropout_id).where(Replacement.panel_id == panel.id)
    volunteers = db.session.scalars(select(Volunteer).where(
        Volunteer.panel_id == panel.id,
        Volunteer.status.in_(ON_PANEL) | Volunteer.id.in_(invited) | Volunteer.id.in_(left))
        .order_by(Volunteer.public_id)).all()
    latest_by = {}
    for c in db.session.scalars(select(Confirmation).where(Confirmation.panel_id == panel.id)
                                .order_by(Confirmation.id)):
        latest_by[c.volunteer_id] = c
    return [Member(v, latest_by.get(v.id)) for v in volunteers]


def counts(rows: list[Member]) -> dict[str, int]:
    result = {"confirmed": 0, "pending": 0, "declined": 0, "expired": 0, "not invited": 0}
    for row in rows:
        state = row.state
        if state in ("withdrawn", "replaced"):
            state = "declined"
        result[state] = result.get(state, 0) + 1
    return result


# --- sending -----------------------------------------------------------------------------------------


def deadline_after(days: int, now: datetime | None = None) -> datetime:
    """The end (23:59:59 UTC) of the day `days` from now: "answer by Friday" means all of Friday."""
    day = ((now or utcnow()) + timedelta(days=days)).astimezone(UTC).date()
    return datetime.combine(day, time(23, 59, 59), UTC)


def create(volunteer: Volunteer, run: SelectionRun | None, deadline: datetime, *,
           send: bool = True) -> Confirmation:
    """A new Confirmation (in the caller's transaction) and, when `send`, its email."""
    confirmation = Confirmation(panel_id=volunteer.panel_id, volunteer_id=volunteer.id, volunteer=volunteer,
                                run_id=run.id if run else None, deadline=deadline, status="pending",
                                sent_at=utcnow().replace(microsecond=0))
    confirmation.token_hash = hash_token(token_for(confirmation))
    db.session.add(confirmation)
    db.session.flush()
    if send:
        _queue_email(confirmation)
    return confirmation


def invite_volunteers(panel, volunteers: list[Volunteer], run: SelectionRun | None,
                      deadline_days: int = DEADLINE_DAYS, *, actor=None) -> int:
    """A Confirmation and its email for each volunteer (no permission check, no commit)."""
    deadline = deadline_after(deadline_days)
    emailed = 0
    for volunteer in volunteers:
        emailed += _queue_email(create(volunteer, run, deadline, send=False))
    if volunteers:
        audit.record("confirmation.invitations_sent", run, actor=actor, panel=panel, count=len(volunteers),
                     emailed=emailed, without_email=len(volunteers) - emailed, deadline=deadline.isoformat())
    return len(volunteers)


def invite(panel, run: SelectionRun, deadline_days: int = DEADLINE_DAYS, *, actor=None) -> int:
    """Invitations for the run's selected volunteers who have none yet (no permission check, no commit)."""
    if run.kind != "final" or run.status != "succeeded" or run.panel_id != panel.id:
        raise ConfirmationError("run", "Only the panel's completed final run has members to invite.")
    invited = select(Confirmation.volunteer_id).where(Confirmation.panel_id == panel.id)
    volunteers = db.session.scalars(select(Volunteer).where(
        Volunteer.panel_id == panel.id, Volunteer.public_id.in_(run.selected or []),
        Volunteer.status == "selected", Volunteer.id.not_in(invited)).order_by(Volunteer.public_id)).all()
    return invite_volunteers(panel, volunteers, run, deadline_days, actor=actor)


def send_invitations(actor, panel, run: SelectionRun, deadline_days: int = DEADLINE_DAYS) -> int:
    """Invite every selected volunteer of a completed final run who has no Confirmation yet."""
    require(actor, "selection.manage", panel=panel)
    if not 1 <= int(deadline_days) <= 60:
        raise ConfirmationError("deadline", "Give between 1 and 60 days to answer.")
    count = invite(panel, run, deadline_days, actor=actor)
    db.session.commit()
    return count


# --- answers -----------------------------------------------------------------------------------------


def _open_seat(volunteer: Volunteer, reason: str, actor=None) -> Replacement:
    """The seat a volunteer leaves, waiting for a replacement (one open row per volunteer)."""
    existing = db.session.scalar(select(Replacement).where(Replacement.dropout_id == volunteer.id,
                                                           Replacement.replacement_id.is_(None)))
    if existing is not None:
        return existing
    row = Replacement(panel_id=volunteer.panel_id, dropout_id=volunteer.id, reason=reason, dropped_at=utcnow(),
                      created_by_id=getattr(actor, "id", None))
    db.session.add(row)
    return row


def _apply(confirmation: Confirmation, answer: str, *, channel: str, actor=None, note: str | None = None) -> None:
    volunteer = confirmation.volunteer
    confirmation.channel = channel
    confirmation.responded_at = utcnow()
    confirmation.recorded_by_id = getattr(actor, "id", None)
    if note:
        confirmation.note = note
    if answer == "confirm":
        confirmation.status = "confirmed"
        volunteer.status = "confirmed"
        if volunteer.email:
            from ..accounts.services import invite_member

            with _outside_a_request():
                invite_member(volunteer.email, volunteer.panel, language=language_of(volunteer))
    else:
        confirmation.status = "declined"
        volunteer.status = "declined"
        _open_seat(volunteer, "Declined the invitation" + (" (by the private link)" if channel == "link"
                                                           else f" ({channel})"), actor)
    audit.record(f"confirmation.{confirmation.status}", confirmation, actor=actor, panel=volunteer.panel,
                 volunteer_id=volunteer.id, channel=channel)


def respond(token: str, answer: str, now: datetime | None = None) -> Confirmation:
    """The volunteer's own answer by the private link: confirm or decline, before the deadline."""
    if answer not in ANSWERS:
        raise ConfirmationError("answer", "Choose yes or no.")
    confirmation = find(token)
    if confirmation is None:
        raise ConfirmationError("unknown", "This link does not work.")
    now = now or utcnow()
    if confirmation.status == "pending" and confirmation.deadline < now:
        confirmation.status = "expired"
        audit.record("confirmation.expired", confirmation, panel=confirmation.volunteer.panel, count=1)
        db.session.commit()
    if confirmation.status == "expired":
        raise ConfirmationError("expired", "The date to answer has passed.")
    if confirmation.status != "pending":
        raise ConfirmationError("answered", "You have already answered.")
    if confirmation.volunteer.status != "selected":
        raise ConfirmationError("withdrawn", "You are no longer on this panel.")
    _apply(confirmation, answer, channel="link")
    db.session.commit()
    return confirmation


def record(actor, confirmation: Confirmation, answer: str, channel: str = "phone",
           note: str | None = None) -> Confirmation:
    """Staff record an answer given by phone, email or in person (also after the deadline)."""
    panel = confirmation.volunteer.panel
    require(actor, "selection.manage", panel=panel)
    if answer not in ANSWERS:
        raise ConfirmationError("answer", "Choose confirmed or declined.")
    if channel not in CHANNELS:
        raise ConfirmationError("channel", f"Unknown channel “{channel}”.")
    if confirmation.status not in ("pending", "expired"):
        raise ConfirmationError("answered", f"This member has already {confirmation.status}. "
                                            "For a member who leaves later, record a drop-out.")
    if confirmation.volunteer.status != "selected":
        raise ConfirmationError("withdrawn", "This volunteer is no longer on the panel.")
    _apply(confirmation, answer, channel=channel, actor=actor, note=(note or "").strip() or None)
    db.session.commit()
    return confirmation


def record_for(actor, volunteer: Volunteer, answer: str, channel: str = "phone", note: str | None = None
               ) -> Confirmation:
    """`record` for a volunteer's latest invitation (one is created, unsent, if none was sent yet)."""
    require(actor, "selection.manage", panel=volunteer.panel)
    confirmation = latest(volunteer)
    if confirmation is None:
        if volunteer.status != "selected":
            raise ConfirmationError("withdrawn", "This volunteer is not on the panel.")
        confirmation = create(volunteer, draw_run(volunteer.panel), deadline_after(DEADLINE_DAYS), send=False)
    return record(actor, confirmation, answer, channel, note)


def mark_dropout(actor, volunteer: Volunteer, reason: str) -> Replacement:
    """A member leaves (before or during the panel): the seat opens for a replacement.

    A volunteer who had not confirmed becomes "declined"; a confirmed member "withdrawn".
    The reason stays on the Replacement row (organisers only), never in the audit log.
    """
    require(actor, "selection.manage", panel=volunteer.panel)
    reason = (reason or "").strip()
    if not reason:
        raise ConfirmationError("reason", "Say why the member left (for the replacement record).")
    if volunteer.status not in ON_PANEL:
        raise ConfirmationError("status", "This volunteer is not on the panel.")
    previous = volunteer.status
    confirmation = latest(volunteer)
    if confirmation is not None and confirmation.status in ("pending", "expired"):
        confirmation.status, confirmation.responded_at = "declined", utcnow()
        confirmation.channel, confirmation.recorded_by_id = "staff", actor.id
    volunteer.status = "withdrawn" if previous == "confirmed" else "declined"
    if volunteer.status == "withdrawn":
        volunteer.withdrawn_at = utcnow()
    row = _open_seat(volunteer, reason, actor)
    row.reason = reason
    audit.record("member.dropped_out", volunteer, actor=actor, panel=volunteer.panel, previous_status=previous,
                 status=volunteer.status)
    db.session.commit()
    return row


# --- deadlines and reminders --------------------------------------------------------------------------


def expire(now: datetime | None = None) -> int:
    """Pending confirmations past their deadline become expired (the volunteer stays "selected")."""
    now = now or utcnow()
    rows = db.session.execute(select(Confirmation.id, Confirmation.panel_id).where(
        Confirmation.status == "pending", Confirmation.deadline < now)).all()
    by_panel: dict[int, int] = {}
    for confirmation_id, panel_id in rows:
        changed = db.session.execute(update(Confirmation).where(
            Confirmation.id == confirmation_id, Confirmation.status == "pending").values(status="expired")).rowcount
        if changed:
            by_panel[panel_id] = by_panel.get(panel_id, 0) + 1
    if by_panel:
        from ..panel.models import Panel

        for panel_id, count in by_panel.items():
            audit.record("confirmation.expired", panel=db.session.get(Panel, panel_id), count=count)
    db.session.commit()
    return sum(by_panel.values())


def send_reminders(now: datetime | None = None) -> int:
    """One reminder for each pending confirmation due within three days: exactly once, even if two
    processes run this at the same time (each reminder is claimed by a conditional UPDATE)."""
    now = now or utcnow()
    due = db.session.scalars(select(Confirmation.id).where(
        Confirmation.status == "pending", Confirmation.reminded_at.is_(None), Confirmation.deadline > now,
        Confirmation.deadline <= now + REMIND_WITHIN).order_by(Confirmation.id)).all()
    sent = 0
    for confirmation_id in due:
        claimed = db.session.execute(update(Confirmation).where(
            Confirmation.id == confirmation_id, Confirmation.reminded_at.is_(None),
            Confirmation.status == "pending").values(reminded_at=now)).rowcount
        if not claimed:
            db.session.rollback()
            continue
        confirmation = db.session.get(Confirmation, confirmation_id)
        db.session.refresh(confirmation)
        if confirmation.token_hash != hash_token(token_for(confirmation)):
            log.warning("confirmation %s: SECRET_KEY changed; the reminder carries a new link", confirmation_id)
            confirmation.sent_at = utcnow().replace(microsecond=0)
            confirmation.token_hash = hash_token(token_for(confirmation))
        emailed = _queue_email(confirmation, reminder=True)
        audit.record("confirmation.reminded", confirmation, panel=confirmation.volunteer.panel,
                     volunteer_id=confirmation.volunteer_id, emailed=emailed)
        db.session.commit()
        sent += 1
    if sent:
        outbox.kick()
    return sent


@job_function("selection.reminders")
def reminders_job(ctx) -> dict:
    expired = expire()
    sent = send_reminders()
    return {"expired": expired, "reminded": sent,
            "message": f"{sent} reminder(s) sent; {expired} confirmation(s) past their deadline."}


@click.command("reminders")
@with_appcontext
def reminders_command() -> None:
    """Expire confirmations past their deadline and send the reminders due (run daily from cron)."""
    expired = expire()
    sent = send_reminders()
    click.echo(f"{sent} reminder(s) sent; {expired} confirmation(s) expired")
