"""Staff pages: registering someone by phone, the registration settings, the pool and its CSV."""

from __future__ import annotations

import csv
import io

from sqlalchemy import select

from tests.pool.pool_helpers import DATES, SPANISH, valid_form


def phone_form(code: str | None = None, **overrides) -> dict:
    data = {
        "code": code or "", "age_ok": "y", "residence_ok": "y", "exclusions_ok": "y",
        "cat_age": "65+", "cat_tenure": "owner", "availability": DATES,
        "first_name": "Grace", "last_name": "Hopper", "email": "", "phone": "0161 496 0999",
        "consent_privacy": "y",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def events(app, action: str):
    from panels.audit import AuditEvent
    from panels.extensions import db

    with app.app_context():
        rows = db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()
        for row in rows:
            db.session.expunge(row)
        db.session.remove()
    return rows


# --- by phone ------------------------------------------------------------------------------


def test_phone_registration_is_recorded_as_such(app, world, reg, as_user):
    from panels.extensions import db
    from panels.invitations.models import Letter
    from panels.pool.models import Volunteer

    client = as_user("facilitator")
    url = f"/panels/{world.panel.id}/registration/phone"
    page = client.get(url).get_data(as_text=True)
    assert "Register someone by phone" in page
    assert 'name="started"' not in page and 'name="hp_comment"' not in page  # no anti-bot fields
    assert "(optional)" in page.split('for="code"')[1][:200]

    # Without a code: allowed, with the address and area they give.
    response = client.post(url, data=phone_form(address="1 Mill Lane", area="North"))
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    # With a code from the letter: the letter counts the registration.
    assert client.post(url, data=phone_form(reg.codes[3], first_name="Alan")).status_code == 302
    with app.app_context():
        rows = db.session.scalars(select(Volunteer).order_by(Volunteer.id)).all()
        assert [v.channel for v in rows] == ["phone", "phone"]
        assert {v.registered_by_id for v in rows} == {world.facilitator.id}
        assert rows[0].letter_id is None and rows[0].area == "North" and rows[0].address == "1 Mill Lane"
        letter = db.session.scalar(select(Letter).where(Letter.code == reg.codes[3]))
        assert rows[1].letter_id == letter.id and letter.registrations == 1
        db.session.remove()
    registered = events(app, "pool.registered")
    assert [e.details["channel"] for e in registered] == ["phone", "phone"]
    assert {e.actor_id for e in registered} == {world.facilitator.id}
    # The code rules are the same as on the public form.
    used = client.post(url, data=phone_form(reg.codes[3]))
    assert used.status_code == 422 and "already been used" in used.get_data(as_text=True)


def test_phone_registration_lists_errors(app, world, reg, as_user):
    response = as_user("organiser").post(f"/panels/{world.panel.id}/registration/phone", data={})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "There are 10 problems" in page  # everything but the (optional) code


def test_phone_page_before_settings_exist(app, world, as_user):
    page = as_user("organiser").get(f"/panels/{world.panel.id}/registration/phone").get_data(as_text=True)
    assert "not set up yet" in page and "Set up registration" in page


# --- settings --------------------------------------------------------------------------------


def settings_form(**overrides) -> dict:
    data = {
        "is_open": "y", "closes_on": "", "short_code": "testville-climate",
        "categories": "age: How old are you?\n16-29 = 16 to 29 = 30\n30+ = 30 or older = 70\n",
        "session_dates": "2026-03-07\n2026-03-21", "min_age": "16", "residence_rule": "I live in Testville",
        "exclusions": "I am a councillor", "privacy_notice": "We use your answers for this panel only.",
        "retention_months": "18", "languages": ["en"], "phone": "0161 496 0000",
        "contact_email": "Panel@Testville.example",
        "tr_es_categories": "", "tr_es_residence": "", "tr_es_exclusions": "", "tr_es_privacy": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_settings_start_from_defaults_and_save(app, world, as_user):
    from panels.extensions import db
    from panels.pool.models import RegistrationSettings

    client = as_user("organiser")
    url = f"/panels/{world.panel.id}/registration/settings"
    page = client.get(url).get_data(as_text=True)
    assert "not set up yet" in page and 'value="test-assembly"' in page and "How old are you?" in page
    with app.app_context():
        assert db.session.scalar(select(RegistrationSettings)) is None  # nothing written by looking
        db.session.remove()

    response = client.post(url, data=settings_form(closes_on="2026-04-30"))
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    with app.app_context():
        s = db.session.scalars(select(RegistrationSettings)).one()
        assert s.panel_id == world.panel.id and s.is_open and s.short_code == "testville-climate"
        assert s.categories[0]["options"][1] == {"value": "30+", "label": "30 or older", "share": 0.7}
        assert s.session_dates == ["2026-03-07", "2026-03-21"] and s.retention_months == 18
        assert s.closes_on.isoformat() == "2026-05-01T00:00:00+00:00"  # open all of 30 April
        assert s.contact_email == "panel@testville.example" and s.languages == ["en"]
        db.session.remove()
    saved = events(app, "registration.settings_saved")
    assert saved[0].details["created"] is True and events(app, "registration.opened")
    page = client.get(url).get_data(as_text=True)
    assert 'value="2026-04-30"' in page and "/r/testville-climate" in page

    # Closing it: an audited change, and the public page says so.
    assert client.post(url, data=settings_form(is_open=None)).status_code == 302
    assert events(app, "registration.closed")
    assert "Registration is closed" in as_user("anonymous").get("/r/testville-climate").get_data(as_text=True)


def test_settings_errors_name_the_line(app, world, as_user):
    from panels.pool.models import RegistrationSettings
    from tests.pool.pool_helpers import count

    client = as_user("organiser")
    response = client.post(f"/panels/{world.panel.id}/registration/settings", data=settings_form(
        categories="age: How old are you?\n16-29 = 16 to 29\nthirty plus = 30 or older\n",
        session_dates="2026-03-07\nnext Saturday", short_code="Not OK!", languages=["en", "es"],
        retention_months="0"))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Line 3: the value “thirty plus” can only use letters, digits" in page
    assert "Line 2: “next Saturday” is not a date." in page
    assert "Use 3 to 40 small letters, digits and -" in page
    assert "Enter between 1 and 120 months." in page
    assert "Español is offered, so write the privacy notice in Español." in page
    assert count(app, RegistrationSettings) == 0

    response = client.post(f"/panels/{world.panel.id}/registration/settings", data=settings_form(
        languages=["en", "es"], tr_es_categories="age: ¿Qué edad tiene?\n16-29 = De 16 a 29\n"))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Español is offered, so give the Español words for: age.30+." in page
    assert "Español is offered, so write the residence rule in Español." in page
    assert count(app, RegistrationSettings) == 0


def test_settings_with_spanish_words(app, world, as_user):
    from panels.extensions import db
    from panels.pool.models import RegistrationSettings

    client = as_user("organiser")
    response = client.post(f"/panels/{world.panel.id}/registration/settings", data=settings_form(
        languages=["en", "es"],
        tr_es_categories="age: ¿Qué edad tiene?\n16-29 = De 16 a 29\n30+ = 30 o más\n",
        tr_es_residence="Vivo en Testville", tr_es_exclusions="Soy concejal",
        tr_es_privacy="Usamos sus respuestas solo para esta asamblea."))
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    with app.app_context():
        s = db.session.scalars(select(RegistrationSettings)).one()
        assert s.languages == ["en", "es"]
        assert s.translations["es"] == {"age": "¿Qué edad tiene?", "age.16-29": "De 16 a 29",
                                        "age.30+": "30 o más", "_residence_rule": "Vivo en Testville",
                                        "_privacy_notice": "Usamos sus respuestas solo para esta asamblea.",
                                        "_exclusions": ["Soy concejal"]}
        db.session.remove()
    page = as_user("anonymous").get("/r/testville-climate?lang=es").get_data(as_text=True)
    assert "¿Qué edad tiene?" in page and "Soy concejal" in page and "30 o más" in page


def test_short_address_must_be_unique(app, world, reg, as_user):
    client = as_user("admin")
    from panels.extensions import db
    from panels.pool.models import RegistrationSettings

    with app.app_context():
        db.session.get(RegistrationSettings, reg.settings_id).panel_id = world.other_panel.id
        db.session.commit()
        db.session.remove()
    response = client.post(f"/panels/{world.panel.id}/registration/settings", data=settings_form())
    assert response.status_code == 422
    assert "Another panel already uses this short address." in response.get_data(as_text=True)


# --- the pool ----------------------------------------------------------------------------------


def register_some(app, reg, client, n: int = 3):
    names = ["Ada", "Grace", "Alan", "Katherine", "Edsger"]
    ages = ["16-29", "30-64", "65+", "30-64", "30-64"]
    for i in range(n):
        response = client.post(reg.url, data=valid_form(app, reg.codes[i], first_name=names[i], cat_age=ages[i],
                                                        email=f"{names[i].lower()}@example.org"))
        assert response.status_code == 302


def test_pool_page_for_organisers(app, world, reg, as_user):
    register_some(app, reg, as_user("anonymous"), 3)
    client = as_user("organiser")
    response = client.get(f"/panels/{world.panel.id}/pool")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    assert "3 volunteers" in page and "grace@example.org" in page and "Lovelace" in page
    assert "How old are you?" in page and "65 or older" in page
    viewed = events(app, "pool.viewed")
    assert len(viewed) == 1 and viewed[0].actor_id == world.organiser.id
    assert viewed[0].details == {"shown": 3, "total": 3, "status_filter": None, "searched": False, "page": 1}

    found = client.get(f"/panels/{world.panel.id}/pool?q=grac").get_data(as_text=True)
    assert "1 volunteer matches" in found and "grace@example.org" in found and "ada@example.org" not in found
    last = events(app, "pool.viewed")[-1]
    assert last.details["searched"] is True and "grac" not in repr(last.details)
    assert "0 volunteers match" in client.get(f"/panels/{world.panel.id}/pool?status=withdrawn").get_data(
        as_text=True)


def test_pool_csv(app, world, reg, as_user):
    register_some(app, reg, as_user("anonymous"), 2)
    response = as_user("admin").get(f"/panels/{world.panel.id}/pool.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert len(rows) == 2
    assert {r["first_name"] for r in rows} == {"Ada", "Grace"}
    assert rows[0]["age"] in ("16-29", "30-64") and rows[0]["channel"] == "web"
    assert rows[0]["availability"] == " ".join(DATES[:2])
    assert events(app, "pool.exported")[0].details == {"rows": 2}


def test_csv_cells_cannot_run_as_formulas(app, world, reg, as_user):
    register_some(app, reg, as_user("anonymous"), 0)
    client = as_user("anonymous")
    assert client.post(reg.url, data=valid_form(app, reg.codes[0], first_name="=HYPERLINK(1)")).status_code == 302
    text = as_user("organiser").get(f"/panels/{world.panel.id}/pool.csv").get_data(as_text=True)
    assert "'=HYPERLINK(1)" in text


def test_spanish_words_used_in_pool_fixture_are_complete():
    from tests.pool.pool_helpers import CATEGORIES

    for c in CATEGORIES:
        assert c["key"] in SPANISH
        for o in c["options"]:
            assert f"{c['key']}.{o['value']}" in SPANISH
