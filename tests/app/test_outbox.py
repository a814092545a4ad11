"""Email goes through the outbox; a real SMTP server receives it; failures lose nothing."""

from __future__ import annotations

import socket

import pytest
from aiosmtpd.controller import Controller

from panels import jobs, outbox
from panels.extensions import db


class Inbox:
    def __init__(self, reject: bool = False):
        self.messages = []
        self.reject = reject

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        if self.reject:
            return "550 Mailbox unavailable"
        self.messages.append(envelope)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(app, monkeypatch):
    def start(reject: bool = False):
        inbox = Inbox(reject)
        port = free_port()
        controller = Controller(inbox, hostname="127.0.0.1", port=port)
        controller.start()
        started.append(controller)
        monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
        monkeypatch.setitem(app.config, "MAIL_PORT", port)
        return inbox

    started = []
    yield start
    for controller in started:
        controller.stop()


def test_a_message_is_delivered_over_smtp(app_ctx, smtp):
    inbox = smtp()
    message = outbox.queue("resident@test.example", "Your registration", "Thank you.",
                           "<p>Thank you.</p>")
    db.session.commit()
    job = jobs.wait(outbox.kick().id)
    assert job.status == "succeeded", job.error
    db.session.refresh(message)
    assert message.status == "sent" and message.sent_at is not None and message.attempts == 1
    assert len(inbox.messages) == 1
    received = inbox.messages[0]
    assert received.rcpt_tos == ["resident@test.example"]
    assert b"Subject: Your registration" in received.content
    assert b"Thank you." in received.content


def test_a_refusing_server_leaves_the_message_queued_with_the_error(app_ctx, smtp):
    smtp(reject=True)
    message = outbox.queue("resident@test.example", "Hello", "Body")
    db.session.commit()
    jobs.wait(outbox.kick().id)
    db.session.refresh(message)
    assert message.status == "queued"
    assert message.attempts == 1
    assert "550" in message.last_error


def test_an_unreachable_server_leaves_the_message_queued(app_ctx, monkeypatch):
    monkeypatch.setitem(app_ctx.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app_ctx.config, "MAIL_PORT", free_port())  # nothing listens there
    message = outbox.queue("resident@test.example", "Hello", "Body")
    db.session.commit()
    jobs.wait(outbox.kick().id)
    db.session.refresh(message)
    assert message.status == "queued" and message.attempts == 1
    assert "Connection" in message.last_error or "refused" in message.last_error.lower()


def test_a_queued_message_is_retried_and_sent_once_the_server_is_back(app_ctx, smtp, monkeypatch):
    monkeypatch.setitem(app_ctx.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app_ctx.config, "MAIL_PORT", free_port())
    message = outbox.queue("resident@test.example", "Hello", "Body")
    db.session.commit()
    jobs.wait(outbox.kick().id)
    inbox = smtp()
    jobs.wait(outbox.kick().id)
    db.session.refresh(message)
    assert message.status == "sent" and message.attempts == 2 and message.last_error is None
    assert len(inbox.messages) == 1


def test_without_a_mail_server_messages_wait_in_the_outbox(app_ctx):
    outbox.queue("resident@test.example", "Hello", "Body")
    db.session.commit()
    assert outbox.kick() is None
    assert db.session.query(outbox.OutboxMessage).filter_by(status="queued").count() == 1


def test_the_admin_reads_the_outbox(world, as_user):
    client = as_user("admin")
    listing = client.get("/admin/outbox")
    assert b"Hello" in listing.data and b"someone@test.example" in listing.data
    detail = client.get(f"/admin/outbox/{world.message.id}")
    assert b"Body text" in detail.data
