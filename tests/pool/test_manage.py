"""The private link from the confirmation email: change answers, or withdraw."""

from __future__ import annotations

import re

from sqlalchemy import select

from tests.pool.pool_helpers import DATES, valid_form


def register_and_get_link(app, reg, client, **overrides) -> str:
    from panels.extensions import db
    from panels.outbox import OutboxMessage

    assert client.post(reg.url, data=valid_form(app, reg.codes[0], **overrides)).status_code == 302
    with app.app_context():
        body = db.session.scalars(select(OutboxMessage.body_text)
                                  .where(OutboxMessage.related_type == "Volunteer")).one()
        db.session.remove()
    return re.search(r"http://localhost(/r/\S+/manage/\S+)", body).group(1)


def volunteer(app):
    from panels.extensions import db
    from panels.pool.models import Volunteer

    with app.app_context():
        v = db.session.scalars(select(Volunteer)).one()
        db.session.expunge(v)
        db.session.remove()
    return v


def manage_form(**overrides) -> dict:
    data = {"action": "update", "cat_age": "65+", "cat_tenure": "owner", "availability": DATES,
            "support_needs": ["travel", "dietary"], "support_details": "Vegetarian",
            "first_name": "Ada", "last_name": "King", "email": "ada@example.org", "phone": "07700 900123",
            "consent_standing_pool": "y"}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_manage_page_shows_the_answers(app, reg, client):
    link = register_and_get_link(app, reg, client)
    page = client.get(link).get_data(as_text=True)
    assert "Your registration for Test assembly" in page
    assert 'value="Ada"' in page and 'value="Lovelace"' in page
    assert re.search(r'checked[^>]*value="30-64"|value="30-64"[^>]*checked', page)
    assert 'name="code"' not in page and 'name="consent_privacy"' not in page


def test_update_through_the_private_link(app, reg, client):
    from panels.audit import AuditEvent
    from panels.extensions import db

    link = register_and_get_link(app, reg, client)
    response = client.post(link, data=manage_form())
    assert response.status_code == 302 and response.headers["Location"] == link
    assert "Your changes are saved." in client.get(response.headers["Location"]).get_data(as_text=True)
    v = volunteer(app)
    assert v.answers == {"age": "65+", "tenure": "owner"}
    assert v.availability == DATES and v.support_needs == ["travel", "dietary"]
    assert v.support_details == "Vegetarian" and v.last_name == "King" and v.phone == "07700 900123"
    assert v.consent_standing_pool is True and v.status == "pool"
    with app.app_context():
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "pool.volunteer_updated")).one()
        assert set(event.details["fields"]) >= {"answers", "last_name", "phone"}
        assert "King" not in repr(event.details) and "Vegetarian" not in repr(event.details)
        db.session.remove()


def test_update_with_errors_changes_nothing(app, reg, client):
    link = register_and_get_link(app, reg, client)
    response = client.post(link, data=manage_form(first_name="", email="", phone="", cat_age="bogus"))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "There are 3 problems" in page
    v = volunteer(app)
    assert v.first_name == "Ada" and v.answers["age"] == "30-64"


def test_withdraw(app, reg, client):
    from panels.audit import AuditEvent
    from panels.extensions import db

    link = register_and_get_link(app, reg, client)
    # Without ticking the confirmation nothing happens.
    unconfirmed = client.post(link, data={"action": "withdraw"})
    assert unconfirmed.status_code == 422
    assert "Tick the box to confirm that you want to withdraw." in unconfirmed.get_data(as_text=True)
    assert volunteer(app).status == "pool"

    response = client.post(link, data={"action": "withdraw", "withdraw-confirm": "y"})
    assert response.status_code == 302
    v = volunteer(app)
    assert v.status == "withdrawn" and v.withdrawn_at is not None
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "You have withdrawn" in page
    # Afterwards the link shows the withdrawal and no form.
    assert 'name="first_name"' not in page
    with app.app_context():
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "pool.volunteer_withdrew")).one()
        assert event.details == {"previous_status": "pool", "via": "private_link"}
        db.session.remove()


def test_answers_are_frozen_once_registration_closes(app, reg, client):
    from panels.extensions import db
    from panels.pool.models import RegistrationSettings

    link = register_and_get_link(app, reg, client)
    with app.app_context():
        db.session.get(RegistrationSettings, reg.settings_id).is_open = False
        db.session.commit()
        db.session.remove()
    page = client.get(link).get_data(as_text=True)
    assert 'name="cat_age"' not in page and "These answers can no longer change" in page
    assert "30 to 64" in page
    assert client.post(link, data=manage_form(cat_age="65+", phone="0161 496 0001")).status_code == 302
    v = volunteer(app)
    assert v.answers["age"] == "30-64" and v.phone == "0161 496 0001"


def test_bad_links(app, reg, client):
    link = register_and_get_link(app, reg, client)
    path, query = link.split("?")
    bad = client.get(path[:-3] + "xyz?" + query)
    assert bad.status_code == 404 and "This link does not work" in bad.get_data(as_text=True)
    token = link.rsplit("/", 1)[1].split("?")[0]
    assert client.get(f"/r/no-such-panel/manage/{token}").status_code == 404


def test_manage_link_keeps_the_registrants_language(app, reg, client):
    link = register_and_get_link(app, reg, client, lang="es")
    assert link.endswith("?lang=es")
    page = client.get(link).get_data(as_text=True)
    assert '<html lang="es">' in page and "Su inscripción en Test assembly" in page
