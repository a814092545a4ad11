"""The seats pages: the public confirm-or-decline page, the members list (audited, organisers only),
the staff forms, and what an unknown link reveals (nothing)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from panels.accounts.models import User
from panels.audit import AuditEvent
from panels.extensions import db
from panels.panel.models import Panel
from panels.selection import confirmation as confirmations
from panels.selection.models import Confirmation, Replacement
from tests.seats.seats_helpers import emails, path_for, prepare, stored_draw, volunteer

SELECTED = ["V-0000", "V-0003", "V-0010"]


@pytest.fixture
def invited(app, world):
    with app.app_context():
        panel = prepare(world)
        volunteer("V-0003").language = "es"
        volunteer("V-0010").phone = "07700 900123"
        run = stored_draw(panel, SELECTED)
        confirmations.send_invitations(db.session.get(User, world.organiser.id), panel, run)
        paths = {pid: path_for(volunteer(pid).id) for pid in ("V-0000", "V-0003", "V-0010")}
        ids = {pid: volunteer(pid).id for pid in SELECTED}
        db.session.remove()
    return paths, ids


def test_the_private_link_shows_the_panel_and_takes_a_yes_without_logging_in(app, invited):
    paths, ids = invited
    client = app.test_client()
    page = client.get(paths["V-0000"])
    text = page.data.decode()
    assert page.status_code == 200
    assert "Your place on Test assembly" in text and "Saturday 7 March 2026" in text
    assert "Please answer by" in text and "Yes, I will take part" in text and "<form" in text
    missing = client.post(paths["V-0000"], data={})
    assert missing.status_code == 422 and "Choose yes or no." in missing.data.decode()
    answered = client.post(paths["V-0000"], data={"answer": "confirm"})
    assert answered.status_code == 302
    thanks = client.get(answered.headers["Location"]).data.decode()
    assert "Thank you. You are on the panel." in thanks and "create your account" in thanks
    with app.app_context():
        assert db.session.get(Confirmation, confirmations.latest(volunteer("V-0000")).id).status == "confirmed"
        assert volunteer("V-0000").status == "confirmed"
    # Posting again changes nothing and shows where things stand.
    again = client.post(paths["V-0000"], data={"answer": "decline"}, follow_redirects=True)
    assert "Thank you. You are on the panel." in again.data.decode()


def test_the_page_speaks_the_volunteers_language_and_switches(app, invited):
    paths, _ = invited
    client = app.test_client()
    spanish = client.get(paths["V-0003"]).data.decode()
    assert '<html lang="es">' in spanish and "Sí, participaré" in spanish and "sábado 7 de marzo" in spanish
    english = client.get(paths["V-0003"] + "?lang=en").data.decode()
    assert '<html lang="en">' in english and "Yes, I will take part" in english
    declined = client.post(paths["V-0003"], data={"answer": "decline", "lang": "es"}, follow_redirects=True)
    assert "Gracias por avisarnos" in declined.data.decode()


def test_an_unknown_link_reveals_nothing(app, invited):
    client = app.test_client()
    for method in ("GET", "POST"):
        page = client.open("/c/not-a-real-token-at-all", method=method, data={"answer": "confirm"})
        text = page.data.decode()
        assert page.status_code == 404 and "This link does not work" in text
        assert "Test assembly" not in text and "Saturday" not in text


def test_an_expired_link_says_so(app, invited):
    paths, ids = invited
    with app.app_context():
        confirmation = confirmations.latest(volunteer("V-0000"))
        confirmation.deadline = confirmation.deadline.replace(year=2020)
        db.session.commit()
    client = app.test_client()
    page = client.get(paths["V-0000"]).data.decode()
    assert "The date to answer has passed" in page and "<form" not in page
    client.post(paths["V-0000"], data={"answer": "confirm"})
    with app.app_context():
        assert volunteer("V-0000").status == "selected"


def _contacts_views(app) -> list[AuditEvent]:
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).filter_by(action="members.contacts_viewed")).all()
        db.session.expunge_all()
        return events


def test_the_members_page_shows_contacts_to_organisers_and_audits_every_view(app, invited, as_user, world):
    client = as_user("organiser")
    page = client.get(f"/panels/{world.panel.id}/members")
    text = page.data.decode()
    assert page.status_code == 200
    assert "p0@test.example" in text and "07700 900123" in text and "<svg" in text
    assert "Waiting for an answer" in text
    client.get(f"/panels/{world.panel.id}/members")
    events = _contacts_views(app)
    assert len(events) == 2 and all(e.actor_id == world.organiser.id for e in events)
    assert events[0].details == {"count": 3}  # a count, no personal data
    for role in ("facilitator", "observer", "member"):
        assert as_user(role).get(f"/panels/{world.panel.id}/members").status_code == 403
    assert as_user("outsider").get(f"/panels/{world.panel.id}/members").status_code == 403
    assert len(_contacts_views(app)) == 2


def test_a_facilitator_cannot_record_answers_or_drop_outs(app, invited, as_user, world):
    _, ids = invited
    facilitator = as_user("facilitator")
    base = f"/panels/{world.panel.id}/members/{ids['V-0000']}"
    assert facilitator.post(base + "/record", data={"answer": "confirm"}).status_code == 403
    assert facilitator.post(base + "/dropout", data={"reason": "x"}).status_code == 403
    assert facilitator.get(f"/panels/{world.panel.id}/replacements").status_code == 403
    with app.app_context():
        assert volunteer("V-0000").status == "selected"


def test_staff_record_a_phone_answer_and_a_drop_out_from_the_members_page(app, invited, as_user, world):
    _, ids = invited
    client = as_user("organiser")
    base = f"/panels/{world.panel.id}/members"
    client.post(f"{base}/{ids['V-0010']}/record", data={"answer": "confirm", "channel": "phone", "note": "Rang"})
    client.post(f"{base}/{ids['V-0000']}/dropout", data={"reason": ""})  # refused: a reason is required
    done = client.post(f"{base}/{ids['V-0003']}/dropout", data={"reason": "Starting a new job"})
    assert done.status_code == 302 and "/replacements" in done.headers["Location"]
    with app.app_context():
        recorded = confirmations.latest(volunteer("V-0010"))
        assert (recorded.status, recorded.channel, recorded.note) == ("confirmed", "phone", "Rang")
        assert recorded.recorded_by_id == world.organiser.id
        assert volunteer("V-0000").status == "selected"
        row = db.session.scalar(select(Replacement))
        assert (row.dropout.public_id, row.reason) == ("V-0003", "Starting a new job")
    page = client.get(f"/panels/{world.panel.id}/replacements").data.decode()
    assert "Starting a new job" in page and "Propose replacements by lottery" in page


def test_the_invite_button_sends_invitations_for_the_draw(app, world, as_user):
    with app.app_context():
        panel = prepare(world)
        stored_draw(panel, ["V-0001", "V-0002"])
    client = as_user("organiser")
    page = client.post(f"/panels/{world.panel.id}/members/invite", data={"deadline_days": 7}, follow_redirects=True)
    assert "Invitations to confirm sent to 2 member(s)." in page.data.decode()
    again = client.post(f"/panels/{world.panel.id}/members/invite", data={"deadline_days": 7}, follow_redirects=True)
    assert "already been invited" in again.data.decode()
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Confirmation)) == 2
        assert len(emails()) == 2
        panel = db.session.get(Panel, world.panel.id)
        assert [m.state for m in confirmations.members(panel)] == ["pending", "pending"]
