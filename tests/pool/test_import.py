"""Importing a pool from elsewhere: the columns chosen, every problem named, all or nothing."""

from __future__ import annotations

import io

from panels.extensions import db
from panels.pool.models import RegistrationSettings, Volunteer

CATEGORIES = [{"key": "age", "question": "How old are you?", "options": [
    {"value": "16-39", "label": "16 to 39"}, {"value": "40+", "label": "40 or older"}]},
    {"key": "tenure", "question": "Own or rent?", "options": [
        {"value": "owner", "label": "Own"}, {"value": "renter", "label": "Rent"}]}]

GOOD = """First name,Last name,E-mail,Phone,Street,Postcode,Age band,Home
Ana,Silva,ana@example.org,,1 Mill Lane,RV1 1AA,16 to 39,Rent
Bo,Li,,0700 000 001,2 Mill Lane,RV1 1AB,40+,owner
Cy,Ng,cy@example.org,,"1 MILL LANE.",rv1 1aa,40 OR OLDER,Own
"""
BAD = """First name,E-mail,Age band,Home
Ana,ana@example.org,16 to 39,Rent
Bo,,teenager,owner
Cy,ana@example.org,40+,houseboat
"""
MAPPING = {"first_name": "First name", "last_name": "Last name", "email": "E-mail", "phone": "Phone",
           "address": "Street", "postcode": "Postcode", "cat:age": "Age band", "cat:tenure": "Home"}


def _settings(app, panel_id):
    with app.app_context():
        db.session.add(RegistrationSettings(panel_id=panel_id, short_code="imp", categories=CATEGORIES))
        db.session.commit()


def _upload(client, panel_id, text):
    response = client.post(f"/panels/{panel_id}/pool/import",
                           data={"file": (io.BytesIO(text.encode()), "pool.csv")}, content_type="multipart/form-data")
    assert response.status_code == 302, response.data[-500:]
    return response.headers["Location"]


def test_a_pool_is_imported_with_answers_matched_by_value_or_label(app, world, as_user):
    _settings(app, world.panel.id)
    client = as_user("organiser")
    url = _upload(client, world.panel.id, GOOD)
    page = client.get(url)
    assert b"Mill Lane" in page.data and b"E-mail" in page.data
    refused = client.post(url, data=MAPPING)  # consent not confirmed
    assert refused.status_code == 422 and b"agreed to the privacy notice" in refused.data
    done = client.post(url, data={**MAPPING, "consent": "y"})
    assert done.status_code == 302
    with app.app_context():
        people = {v.first_name: v for v in db.session.query(Volunteer).filter_by(panel_id=world.panel.id)}
        assert people["Ana"].answers == {"age": "16-39", "tenure": "renter"}
        assert people["Cy"].answers == {"age": "40+", "tenure": "owner"}
        assert people["Bo"].phone == "0700 000 001" and people["Bo"].email is None
        assert people["Ana"].household_key == people["Cy"].household_key  # same address, written differently
        assert {v.channel for v in people.values()} == {"import"} and all(v.consent_privacy_at for v in people.values())


def test_a_bad_pool_imports_nobody_and_names_every_problem(app, world, as_user):
    _settings(app, world.panel.id)
    client = as_user("organiser")
    url = _upload(client, world.panel.id, BAD)
    response = client.post(url, data={"first_name": "First name", "email": "E-mail", "cat:age": "Age band",
                                      "cat:tenure": "Home", "consent": "y"})
    assert response.status_code == 422
    for text in (b"Row 3, column \xe2\x80\x9cAge band\xe2\x80\x9d", b"teenager", b"16 to 39, 40 or older",
                 b"Row 3, column \xe2\x80\x9cE-mail\xe2\x80\x9d: No email address and no phone number",
                 b"houseboat", b"also on row 2"):
        assert text in response.data, text
    with app.app_context():
        assert db.session.query(Volunteer).filter_by(panel_id=world.panel.id).count() == 0


def test_only_organisers_import(world, as_user):
    assert as_user("facilitator").get(f"/panels/{world.panel.id}/pool/import").status_code == 403
