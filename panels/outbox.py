"""Every message the system sends is first a row here; a job delivers it by SMTP.

Nothing is lost: a failed delivery leaves the message queued with its error, and
the next delivery job tries again.
"""

from __future__ import annotations

import smtplib
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import make_msgid

from flask import current_app, g, has_request_context
from sqlalchemy import ForeignKey, Integer, String, Text, select, update
from sqlalchemy.orm import Mapped, mapped_column

from .db import UTCDateTime, utcnow
from .driver import Insert
from .extensions import db
from .jobs import Job, job_function, submit

QUEUED, SENDING, SENT = "queued", "sending", "sent"


class OutboxMessage(db.Model):
    __tablename__ = "outbox_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    related_type: Mapped[str | None] = mapped_column(String(40))
    related_id: Mapped[str | None] = mapped_column(String(64))
    panel_id: Mapped[int | None] = mapped_column(
        ForeignKey("panel.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[str] = mapped_column(String(12), default=QUEUED, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


def queue(
    recipient: str,
    subject: str,
    text: str,
    html: str | None = None,
    *,
    related=None,
    panel=None,
) -> OutboxMessage:
    """Add a message to the caller's transaction; delivery starts after the request commits."""
    message = OutboxMessage(
        recipient=recipient,
        subject=subject,
        body_text=text,
        body_html=html,
        related_type=related.__class__.__name__ if related is not None else None,
        related_id=str(related.id) if related is not None else None,
        panel_id=getattr(panel, "id", None),
    )
    db.session.add(message)
    if has_request_context():
        g.outbox_pending = True
    return message


_INSERT_MESSAGE = Insert(OutboxMessage.__table__, (
    "recipient", "subject", "body_text", "body_html", "related_type", "related_id", "panel_id"))


def insert_message(recipient: str, subject: str, text: str, html: str | None = None, *,
                   related_type: str | None = None, related_id=None, panel_id: int | None = None) -> None:
    """The message queue() would add, written at once on the driver (panels/driver.py) in the
    current transaction: for hot paths (a registration) that write without the ORM."""
    _INSERT_MESSAGE.run(db.session.connection(), {
        "recipient": recipient, "subject": subject, "body_text": text, "body_html": html,
        "related_type": related_type, "related_id": str(related_id) if related_id is not None else None,
        "panel_id": panel_id})
    if has_request_context():
        g.outbox_pending = True


def mail_configured() -> bool:
    return bool(current_app.config.get("MAIL_SERVER"))


def kick() -> Job | None:
    """Start a delivery job if mail is configured (call after committing queued messages)."""
    if not mail_configured():
        return None
    return submit("outbox.deliver", "Deliver queued email")


def after_request_kick(response):
    if g.pop("outbox_pending", False) and response.status_code < 400:
        kick()
    return response


@job_function("outbox.deliver")
def deliver_pending(ctx, limit: int = 500) -> dict:
    _release_stuck()
    ids = db.session.scalars(
        select(OutboxMessage.id).where(OutboxMessage.status == QUEUED)
        .order_by(OutboxMessage.id).limit(limit)
    ).all()
    sent = failed = 0
    for number, message_id in enumerate(ids, start=1):
        if deliver_one(message_id):
            sent += 1
        else:
            failed += 1
        ctx.progress(number / len(ids), f"{number} of {len(ids)} messages tried")
    return {"sent": sent, "failed": failed, "message": f"{sent} sent, {failed} still queued"}


def deliver_one(message_id: int) -> bool:
    """Claim one message, send it, and record the outcome; True when it went out."""
    claimed = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status == QUEUED)
        .values(status=SENDING, last_attempt_at=utcnow())
    ).rowcount
    db.session.commit()
    if not claimed:
        return False
    message = db.session.get(OutboxMessage, message_id)
    try:
        _smtp_send(message)
    except (OSError, smtplib.SMTPException) as exc:
        message.status = QUEUED
        message.attempts += 1
        message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        db.session.commit()
        return False
    message.status = SENT
    message.attempts += 1
    message.sent_at = utcnow()
    message.last_error = None
    db.session.commit()
    return True


def _release_stuck() -> None:
    """A message left 'sending' by a process that died goes back to the queue."""
    cutoff = utcnow() - timedelta(minutes=10)
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.status == SENDING, OutboxMessage.last_attempt_at < cutoff)
        .values(status=QUEUED, last_error="Delivery was interrupted; queued again.")
    )
    db.session.commit()


def _smtp_send(message: OutboxMessage) -> None:
    config = current_app.config
    email = EmailMessage()
    email["From"] = config["MAIL_SENDER"]
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email["Message-ID"] = make_msgid(domain=config["MAIL_SENDER"].rpartition("@")[2] or None)
    email.set_content(message.body_text)
    if message.body_html:
        email.add_alternative(message.body_html, subtype="html")
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=20) as smtp:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
        smtp.send_message(email)
