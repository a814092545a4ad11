"""The standing pool: earlier volunteers who agreed are invited again and register with refreshed answers."""

from __future__ import annotations

import re

from panels.extensions import db
from panels.outbox import OutboxMessage
from panels.panel.models import Panel
from panels.pool.models import Volunteer
from tests.pool.pool_helpers import build_registration, valid_form


def _earlier_volunteers(app, org_id):
    with app.app_context():
        old = Panel(organisation_id=org_id, title="Earlier panel", slug="earlier", question="Q?", seats=20,
                    status="closed")
        db.session.add(old)
        db.session.flush()
        people = [
            Volunteer(panel_id=old.id, public_id="V-OLD1", first_name="Ada", last_name="Lovelace",
                      email="ada@example.org", answers={"age": "30-64", "tenure": "owner"}, area="North",
                      household_key="1 mill lane rv1", consent_standing_pool=True),
            Volunteer(panel_id=old.id, public_id="V-OLD2", first_name="Bo", email="bo@example.org",
                      answers={"age": "65+"}, consent_standing_pool=False),
            Volunteer(panel_id=old.id, public_id="V-OLD3", first_name="Cy", email=None, erased_at=db.func.now(),
                      answers={"age": "65+"}, consent_standing_pool=True),
        ]
        db.session.add_all(people)
        db.session.commit()


def test_earlier_volunteers_register_again_with_their_answers_refreshed(app, world, as_user):
    with app.app_context():
        build_registration(world.panel.id, world.org.id)
        db.session.commit()
    _earlier_volunteers(app, world.org.id)
    organiser = as_user("organiser")
    page = organiser.get(f"/panels/{world.panel.id}/pool/standing")
    assert b"<strong>1</strong> earlier volunteer" in page.data  # only Ada agreed and is not erased
    organiser.post(f"/panels/{world.panel.id}/pool/standing")
    with app.app_context():
        message = db.session.query(OutboxMessage).filter_by(recipient="ada@example.org").one()
        path = "/" + re.search(r"https?://[^/]+/(\S+)", message.body_text).group(1)
    again = organiser.get(f"/panels/{world.panel.id}/pool/standing")
    assert b"<strong>0</strong> earlier volunteer" in again.data  # invited once only

    resident = app.test_client()
    form = resident.get(path)
    assert form.status_code == 200 and b"Welcome back" in form.data
    assert b'value="Lovelace"' in form.data and b"Your registration code" not in form.data
    answers = valid_form(app, None, cat_tenure="renter")
    answers.pop("code")
    done = resident.post(path, data=answers)
    assert done.status_code == 302
    with app.app_context():
        new = db.session.query(Volunteer).filter_by(panel_id=world.panel.id, email="ada@example.org").one()
        assert new.channel == "standing" and new.answers["tenure"] == "renter"  # refreshed
        assert new.household_key == "1 mill lane rv1" and new.area == "North"
        assert new.consent_privacy_at is not None
    twice = resident.get(path)
    assert twice.status_code == 400 and b"already registered" in twice.data


def test_a_forged_standing_link_does_not_work(app, world):
    with app.app_context():
        build_registration(world.panel.id, world.org.id)
        db.session.commit()
    response = app.test_client().get("/r/testville-climate/again/forged")
    assert response.status_code == 400 and b"does not work" in response.data
