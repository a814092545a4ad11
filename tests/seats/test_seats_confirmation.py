"""Confirmations: invitations in the volunteer's language, every status transition, staff records,
reminders exactly once, the account invitation on confirmation, and no personal data in the audit log."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from panels.access import PermissionDenied
from panels.accounts import services as accounts
from panels.accounts.models import Invitation, User
from panels.audit import AuditEvent
from panels.db import utcnow
from panels.extensions import db
from panels.outbox import OutboxMessage
from panels.selection import confirmation as confirmations
from panels.selection.models import Confirmation, Replacement
from tests.seats.seats_helpers import emails, prepare, stored_draw, token_for, volunteer

SELECTED = ["V-0000", "V-0003", "V-0010", "V-0020"]


@pytest.fixture
def invited(app_ctx, world):
    """Four selected volunteers invited to confirm: V-0003 speaks Spanish, V-0020 has no email."""
    panel = prepare(world)
    volunteer("V-0003").language = "es"
    volunteer("V-0003").support_needs = ["childcare"]
    volunteer("V-0020").email = None
    run = stored_draw(panel, SELECTED)
    organiser = db.session.get(User, world.organiser.id)
    assert confirmations.send_invitations(organiser, panel, run) == 4
    return panel, run, organiser


def _personal_values() -> list[str]:
    from panels.pool.models import Volunteer

    values = []
    for v in db.session.scalars(select(Volunteer)):
        values += [x for x in (v.first_name, v.email, v.household_key) if x]
    return values


def assert_audit_has_no_personal_data():
    text = json.dumps([e.details for e in db.session.scalars(select(AuditEvent))], ensure_ascii=False)
    for value in _personal_values():
        assert value not in text, value


def test_invitations_go_once_in_each_volunteers_language_with_a_private_link(invited, world):
    panel, run, organiser = invited
    messages = emails()
    assert [m.recipient for m in messages] == ["p0@test.example", "p3@test.example", "p10@test.example"]
    english, spanish = messages[0], messages[1]
    assert english.subject == "You have been selected for Test assembly"
    assert "Saturday 7 March 2026" in english.body_text and "Please tell us by" in english.body_text
    assert "Childcare" in english.body_text  # support offered
    assert spanish.subject.startswith("Ha sido seleccionado/a")
    assert "sábado 7 de marzo de 2026" in spanish.body_text and "Cuidado de niños" in spanish.body_text
    assert "Nos dijo que necesita" in spanish.body_text and spanish.body_html
    # Only the hash of the token is stored.
    token = token_for(volunteer("V-0000").id)
    stored = db.session.scalar(select(Confirmation).filter_by(volunteer_id=volunteer("V-0000").id))
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in json.dumps([c.token_hash for c in db.session.scalars(select(Confirmation))])
    assert stored.status == "pending" and stored.deadline > utcnow() + timedelta(days=9)
    # No email address: a confirmation to record by phone, no message.
    assert db.session.scalar(select(Confirmation).filter_by(volunteer_id=volunteer("V-0020").id)) is not None
    # Sending again invites nobody twice.
    assert confirmations.send_invitations(organiser, panel, run) == 0
    assert len(emails()) == 3
    event = db.session.scalar(select(AuditEvent).filter_by(action="confirmation.invitations_sent"))
    assert event.details["count"] == 4 and event.details["without_email"] == 1
    assert_audit_has_no_personal_data()


def test_only_organisers_send_invitations(invited, world):
    panel, run, _ = invited
    with pytest.raises(PermissionDenied):
        confirmations.send_invitations(db.session.get(User, world.facilitator.id), panel, run)


def test_confirming_by_the_link_confirms_and_invites_to_an_account(invited, world):
    member = volunteer("V-0000")
    result = confirmations.respond(token_for(member.id), "confirm")
    assert (result.status, result.channel, member.status) == ("confirmed", "link", "confirmed")
    assert result.responded_at is not None and result.recorded_by_id is None
    invitation = db.session.scalar(select(Invitation).filter_by(email="p0@test.example"))
    assert (invitation.role, invitation.panel_id, invitation.invited_by_id) == ("member", world.panel.id, None)
    message = emails("Invitation")[0]
    assert message.recipient == "p0@test.example" and "Create your account" in message.subject
    # The invitation works: accepting it gives the member role on this panel.
    token = re.search(r"/invitation/(\S+)", message.body_text).group(1)
    user = accounts.accept_invitation(token, name="Person Zero", password="a long password 1")
    assert any(m.role == "member" and m.panel_id == world.panel.id for m in user.memberships)
    assert db.session.scalar(select(AuditEvent).filter_by(action="invitation.sent")).actor_id is None
    assert_audit_has_no_personal_data()


def test_spanish_member_gets_the_account_invitation_in_spanish(invited):
    confirmations.respond(token_for(volunteer("V-0003").id), "confirm")
    assert emails("Invitation")[0].subject.startswith("Cree su cuenta")


def test_declining_by_the_link_opens_the_seat(invited):
    member = volunteer("V-0010")
    result = confirmations.respond(token_for(member.id), "decline")
    assert (result.status, member.status) == ("declined", "declined")
    seat = db.session.scalar(select(Replacement).filter_by(dropout_id=member.id))
    assert seat.replacement_id is None and "Declined" in seat.reason
    assert emails("Invitation") == []


def test_an_answer_after_the_deadline_is_refused(invited):
    member = volunteer("V-0000")
    late = db.session.scalar(select(Confirmation).filter_by(volunteer_id=member.id)).deadline + timedelta(seconds=1)
    with pytest.raises(confirmations.ConfirmationError) as refused:
        confirmations.respond(token_for(member.id), "confirm", now=late)
    assert refused.value.kind == "expired" and "passed" in str(refused.value)
    assert db.session.scalar(select(Confirmation).filter_by(volunteer_id=member.id)).status == "expired"
    assert member.status == "selected"


def test_a_link_answers_once_and_an_unknown_link_answers_nothing(invited):
    member = volunteer("V-0000")
    confirmations.respond(token_for(member.id), "confirm")
    with pytest.raises(confirmations.ConfirmationError) as again:
        confirmations.respond(token_for(member.id), "decline")
    assert again.value.kind == "answered" and member.status == "confirmed"
    with pytest.raises(confirmations.ConfirmationError) as unknown:
        confirmations.respond("not-a-token", "confirm")
    assert unknown.value.kind == "unknown"
    with pytest.raises(confirmations.ConfirmationError):
        confirmations.respond(token_for(volunteer("V-0003").id), "maybe")


def test_a_member_who_withdrew_cannot_confirm(invited):
    member = volunteer("V-0010")
    member.status = "withdrawn"
    db.session.commit()
    with pytest.raises(confirmations.ConfirmationError) as refused:
        confirmations.respond(token_for(member.id), "confirm")
    assert refused.value.kind == "withdrawn"


def test_staff_record_an_answer_by_phone_even_after_the_deadline(invited, world):
    _, _, organiser = invited
    no_email = volunteer("V-0020")
    confirmation = confirmations.latest(no_email)
    assert confirmations.expire(now=confirmation.deadline + timedelta(hours=1)) == 4
    recorded = confirmations.record(organiser, confirmation, "confirm", "phone", "Called on Tuesday")
    assert (recorded.status, recorded.channel, recorded.recorded_by_id) == ("confirmed", "phone", organiser.id)
    assert recorded.note == "Called on Tuesday" and no_email.status == "confirmed"
    assert emails("Invitation") == []  # no address to invite
    declined = confirmations.record_for(organiser, volunteer("V-0010"), "decline", "email")
    assert declined.status == "declined" and volunteer("V-0010").status == "declined"
    with pytest.raises(confirmations.ConfirmationError):
        confirmations.record(organiser, recorded, "decline")  # already confirmed: that is a drop-out
    with pytest.raises(PermissionDenied):
        confirmations.record(db.session.get(User, world.facilitator.id), confirmations.latest(volunteer("V-0000")),
                             "confirm")
    assert_audit_has_no_personal_data()


def test_reminders_go_once_in_the_last_three_days(invited):
    first = {m.recipient: m.body_text for m in emails()}
    confirmations.respond(token_for(volunteer("V-0010").id), "confirm")  # answered: no reminder
    deadline = confirmations.latest(volunteer("V-0000")).deadline
    assert confirmations.send_reminders(now=deadline - timedelta(days=4)) == 0
    assert confirmations.send_reminders(now=deadline - timedelta(days=2)) == 3  # incl. the one without email
    reminders = [m for m in emails() if m.subject.startswith(("Reminder", "Recordatorio"))]
    assert sorted(m.recipient for m in reminders) == ["p0@test.example", "p3@test.example"]
    for message in reminders:  # the same private link as the first email
        link = next(line for line in message.body_text.splitlines() if "/c/" in line)
        assert link in first[message.recipient]
    assert confirmations.send_reminders(now=deadline - timedelta(days=2)) == 0
    assert confirmations.send_reminders(now=deadline - timedelta(hours=1)) == 0
    assert len([m for m in emails() if m.subject.startswith(("Reminder", "Recordatorio"))]) == 2
    assert confirmations.latest(volunteer("V-0000")).reminded_at is not None
    # After the deadline: no reminder, the pending ones expire.
    assert confirmations.expire(now=deadline + timedelta(minutes=1)) == 3
    assert confirmations.latest(volunteer("V-0010")).status == "confirmed"


def test_reminders_job_and_command(invited, app):
    from panels.jobs import submit, wait

    job = submit("selection.reminders", "Reminders")
    assert wait(job.id, 30).status == "succeeded"
    result = app.test_cli_runner().invoke(args=["reminders"])
    assert result.exit_code == 0 and "reminder(s) sent" in result.output


def test_a_member_who_leaves_opens_a_seat_with_the_reason(invited):
    _, _, organiser = invited
    confirmations.respond(token_for(volunteer("V-0000").id), "confirm")
    row = confirmations.mark_dropout(organiser, volunteer("V-0000"), "Moved away")
    assert volunteer("V-0000").status == "withdrawn" and row.reason == "Moved away" and row.replacement_id is None
    row = confirmations.mark_dropout(organiser, volunteer("V-0003"), "Cannot get time off work")
    assert volunteer("V-0003").status == "declined"
    assert confirmations.latest(volunteer("V-0003")).status == "declined"
    with pytest.raises(confirmations.ConfirmationError):
        confirmations.mark_dropout(organiser, volunteer("V-0010"), "  ")
    events = db.session.scalars(select(AuditEvent).filter_by(action="member.dropped_out")).all()
    assert len(events) == 2 and "Moved away" not in json.dumps([e.details for e in events])
    assert db.session.scalar(select(OutboxMessage).where(OutboxMessage.body_text.contains("Moved away"))) is None
