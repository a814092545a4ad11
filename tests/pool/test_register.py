"""The public registration form: success end to end, QR prefill, bad input, codes, anti-abuse,
closed registration and languages."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.pool.pool_helpers import DATES, PHONE, SHORT_CODE, count, old_token, valid_form


def _models():
    from panels.audit import AuditEvent
    from panels.invitations.models import Letter
    from panels.outbox import OutboxMessage
    from panels.pool.models import Volunteer

    return Volunteer, Letter, OutboxMessage, AuditEvent


def nothing_written(app, reg) -> bool:
    Volunteer, Letter, OutboxMessage, AuditEvent = _models()
    from panels.extensions import db

    with app.app_context():
        used = db.session.scalar(select(Letter.id).where(Letter.registrations > 0))
        events = db.session.scalars(select(AuditEvent.action)).all()
        db.session.remove()
    return (count(app, Volunteer) == 0 and used is None
            and count(app, OutboxMessage, related_type="Volunteer") == 0
            and not any(a.startswith("pool.") for a in events))


def text_of(response) -> str:
    return response.get_data(as_text=True)


# --- success -----------------------------------------------------------------------------


def test_registration_end_to_end(app, world, reg, client):
    from panels.extensions import db
    from panels.pool import services

    Volunteer, Letter, OutboxMessage, AuditEvent = _models()
    code = reg.codes[4]
    response = client.post(reg.url, data=valid_form(app, code.lower()[:5] + " - " + code[5:].lower(),
                                                    consent_standing_pool="y"))
    assert response.status_code == 302
    assert response.headers["Location"].startswith(f"/r/{SHORT_CODE}/thanks")

    with app.app_context():
        volunteer = db.session.scalars(select(Volunteer)).one()
        letter = db.session.scalar(select(Letter).where(Letter.code == code))
        assert volunteer.panel_id == world.panel.id
        assert re.fullmatch(r"V-[2-9A-HJKMNP-Z]{8}", volunteer.public_id)
        assert volunteer.letter_id == letter.id
        assert volunteer.channel == "web" and volunteer.status == "pool" and volunteer.language == "en"
        assert volunteer.area == letter.area == letter.address.area
        assert volunteer.household_key == letter.address.household_key
        assert volunteer.address.startswith(letter.address.line1)
        assert volunteer.answers == {"age": "30-64", "tenure": "renter"}
        assert volunteer.availability == DATES[:2]
        assert volunteer.support_needs == ["childcare"] and volunteer.support_details is None
        assert (volunteer.first_name, volunteer.last_name) == ("Ada", "Lovelace")
        assert volunteer.email == "ada@example.org" and volunteer.phone is None
        assert volunteer.consent_privacy_at is not None and volunteer.consent_standing_pool is True
        assert volunteer.registered_by_id is None
        assert letter.registrations == 1 and letter.first_registered_at is not None

        message = db.session.scalars(select(OutboxMessage).where(OutboxMessage.related_type == "Volunteer")).one()
        assert message.recipient == "ada@example.org"
        assert message.related_type == "Volunteer" and message.related_id == str(volunteer.id)
        assert message.panel_id == world.panel.id
        assert "Test assembly" in message.subject
        link = re.search(r"http://localhost/r/testville-climate/manage/([\w-]+)\?lang=en", message.body_text)
        assert link, message.body_text
        assert link.group(0) in message.body_html
        assert volunteer.public_id in message.body_text
        # Only a hash of the private link's token is stored.
        token = link.group(1)
        assert volunteer.manage_token_hash == services.hash_token(token) != token

        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "pool.registered")).one()
        assert event.object_type == "Volunteer" and event.object_id == str(volunteer.id)
        assert event.panel_id == world.panel.id and event.actor_id is None
        assert event.details == {"channel": "web", "language": "en", "by_letter": True}
        flat = repr(event.details) + (event.object_id or "")
        for personal in ("Ada", "Lovelace", "ada@example.org", code, letter.address.line1):
            assert personal not in flat
        db.session.remove()

    thanks = client.get(response.headers["Location"])
    assert thanks.status_code == 200
    assert "Thank you. You are registered." in text_of(thanks)
    assert "We have sent you an email" in text_of(thanks)


def test_registration_with_phone_only_says_we_will_call(app, reg, client):
    response = client.post(reg.url, data=valid_form(app, reg.codes[0], email="", phone="07700 900123"),
                           follow_redirects=True)
    assert response.status_code == 200
    assert "we will call you" in text_of(response)
    from panels.outbox import OutboxMessage

    assert count(app, OutboxMessage, related_type="Volunteer") == 0


def test_qr_code_prefills_the_code_field(app, reg, client):
    code = reg.codes[2]
    page = text_of(client.get(f"{reg.url}?code={code}"))
    assert f'value="{code[:5]}-{code[5:]}"' in page
    field = re.search(r"<input[^>]*id=\"code\"[^>]*>", page).group(0)
    assert 'autocomplete="off"' in field
    # A QR address that is not a code is shown as it came, for the person to correct.
    assert 'value="nonsense"' in text_of(client.get(f"{reg.url}?code=nonsense"))


def test_form_is_accessible_markup(app, reg, client):
    page = text_of(client.get(reg.url))
    assert '<html lang="en">' in page
    assert "novalidate" in page
    for name, auto in (("first_name", "given-name"), ("last_name", "family-name"), ("email", "email"),
                       ("phone", "tel")):
        field = re.search(rf"<input[^>]*id=\"{name}\"[^>]*>", page).group(0)
        assert f'autocomplete="{auto}"' in field
        assert f'<label class="usa-label" for="{name}">' in page
    assert "<legend class=\"usa-legend\">How old are you?</legend>" in page
    assert "<legend class=\"usa-legend\">Which dates can you come to?</legend>" in page
    assert "style=" not in page  # the CSP forbids inline styles
    assert "css/pool.css" in page
    assert "I am 16 or older" in page and "I live in Testville" in page
    assert "I am a city councillor" in page and "None of these apply to me" in page
    assert "We use your answers only for this assembly." in page
    assert "for 12 months after the panel ends" in page
    assert 'class="pool-hp" aria-hidden="true"' in page


# --- bad input: all errors at once, nothing written ----------------------------------------


def test_empty_form_lists_every_error_and_writes_nothing(app, reg, client):
    response = client.post(reg.url, data={"started": old_token(app)})
    assert response.status_code == 422
    page = text_of(response)
    assert "There are 11 problems" in page
    for message in ("Enter the registration code from your letter.",
                    "You can take part only if you are 16 or older.",
                    "You can take part only if this is true for you.",
                    "Tick the box to confirm that none of these apply to you.",
                    "Choose one answer.", "Tick at least one date you can come to.",
                    "Enter your first name.", "Enter your last name.",
                    "Give an email address or a phone number, or both.",
                    "You can register only if you agree to how your information is used."):
        assert message in page, message
    # Every summary entry links to its field, and the field points at its message.
    for anchor in ("code", "age_ok", "residence_ok", "exclusions_ok", "cat_age-0", "cat_tenure-0",
                   "availability-0", "first_name", "last_name", "email", "consent_privacy"):
        assert f'href="#{anchor}"' in page, anchor
    assert re.search(r'id="first_name"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*id="first_name"', page)
    assert 'aria-describedby="first_name-error"' in page
    assert nothing_written(app, reg)


@pytest.mark.parametrize("overrides, message", [
    ({"email": "not-an-address"}, "Enter an email address like name@example.org."),
    ({"phone": "call me maybe"}, "Enter a phone number with digits only"),
    ({"cat_age": "99-100"}, "Choose one answer."),
    ({"availability": ["2030-01-01"]}, "Choose dates from the list."),
    ({"support_needs": ["jetpack"]}, "Choose from the list."),
    ({"first_name": "x" * 101}, "Field cannot be longer than 100 characters."),
    ({"consent_privacy": None}, "You can register only if you agree"),
    ({"age_ok": None}, "You can take part only if you are 16 or older."),
])
def test_each_bad_field_is_reported_and_nothing_is_written(app, reg, client, overrides, message):
    response = client.post(reg.url, data=valid_form(app, reg.codes[0], **overrides))
    assert response.status_code == 422
    assert message in text_of(response)
    assert "There is a problem" in text_of(response)
    assert nothing_written(app, reg)


def test_errors_keep_what_was_typed(app, reg, client):
    page = text_of(client.post(reg.url, data=valid_form(app, reg.codes[0], last_name="")))
    assert 'value="Ada"' in page and 'value="ada@example.org"' in page
    assert re.search(r'value="30-64"[^>]*checked|checked[^>]*value="30-64"', page)


# --- codes -------------------------------------------------------------------------------


def test_code_messages_are_clear_and_reveal_nothing(app, world, reg, client):
    from lottery import codes
    from tests.pool.pool_helpers import build_registration

    good = reg.codes[0]
    mistyped = ("2" if good[0] != "2" else "3") + good[1:]  # one wrong character: the check fails
    assert not codes.is_valid(mistyped)
    never_sent = codes.generate_codes(1, existing=reg.codes)[0]
    with app.app_context():
        other = build_registration(world.other_panel.id, world.other_org.id, letters=2,
                                   short_code="elsewhere")
    cases = {
        mistyped: "This code is not right. Check each character against your letter",
        "K7QFX-93XMO": "This code is not right.",
        "ABC": "This code is not right.",
        never_sent: "We could not find this code. Check it against your letter. If it still does not "
                    f"work, call us on {PHONE}.",
        other.codes[0]: "We could not find this code.",  # another panel's code: the same answer
    }
    for typed, message in cases.items():
        response = client.post(reg.url, data=valid_form(app, typed))
        assert response.status_code == 422, typed
        assert message in text_of(response), typed
    unknown_page = text_of(client.post(reg.url, data=valid_form(app, never_sent)))
    other_page = text_of(client.post(reg.url, data=valid_form(app, other.codes[0])))
    strip = re.compile(r'name="(code|started)"[^>]*>')
    assert strip.sub("", unknown_page).replace(never_sent, "") \
        == strip.sub("", other_page).replace(other.codes[0], ""), "an unknown code and another panel's differ"
    assert nothing_written(app, reg)

    assert client.post(reg.url, data=valid_form(app, good)).status_code == 302
    again = client.post(reg.url, data=valid_form(app, good, first_name="Grace"))
    assert again.status_code == 422
    assert f"This code has already been used to register. If this is a mistake, call us on {PHONE}." \
        in text_of(again)
    Volunteer = _models()[0]
    assert count(app, Volunteer) == 1


def test_household_may_register_several_people_when_the_panel_allows_it(app, world, client):
    from panels.extensions import db
    from tests.pool.pool_helpers import build_registration

    with app.app_context():
        reg = build_registration(world.panel.id, world.org.id, letters=3, allow_household_multiple=True)
    code = reg.codes[0]
    for name in ("Ada", "Byron"):
        assert client.post(reg.url, data=valid_form(app, code, first_name=name)).status_code == 302
    Volunteer, Letter, _, _ = _models()
    with app.app_context():
        letter = db.session.scalar(select(Letter).where(Letter.code == code))
        assert letter.registrations == 2
        keys = db.session.scalars(select(Volunteer.household_key)).all()
        assert len(keys) == 2 and keys[0] == keys[1] == letter.address.household_key
        db.session.remove()


# --- anti-abuse --------------------------------------------------------------------------


def test_honeypot_pretends_success_and_writes_nothing(app, reg, client):
    response = client.post(reg.url, data=valid_form(app, reg.codes[0], hp_comment="http://spam.example"))
    assert response.status_code == 302
    assert "/thanks" in response.headers["Location"]
    assert nothing_written(app, reg)


@pytest.mark.parametrize("started", ["fresh", "", "forged.token.value", "expired"])
def test_too_fast_or_bad_timing_token_asks_again_and_keeps_the_answers(app, reg, client, started):
    from panels.pool import services

    with app.test_request_context():
        token = {"fresh": services.timing_token(), "": "", "forged.token.value": "forged.token.value",
                 "expired": old_token(app, 3 * 3600)}[started]
    response = client.post(reg.url, data=valid_form(app, reg.codes[0], started=token))
    assert response.status_code == 422
    page = text_of(response)
    assert "Please check your answers and send the form again." in page
    assert 'value="Ada"' in page and 'value="ada@example.org"' in page
    assert nothing_written(app, reg)
    # The page carries a new token: sent again later, it goes through.
    new_token = re.search(r'name="started" type="hidden" value="([^"]+)"|id="started" name="started" '
                          r'type="hidden" value="([^"]+)"', page)
    assert new_token


def test_timing_check_follows_the_config_flag(app, reg, client, monkeypatch):
    from panels.pool import services

    monkeypatch.setitem(app.config, "REGISTRATION_MIN_SECONDS", 0)
    with app.test_request_context():
        token = services.timing_token()
    assert client.post(reg.url, data=valid_form(app, reg.codes[0], started=token)).status_code == 302


def test_rate_limit_per_code(app, reg, client, monkeypatch):
    monkeypatch.setitem(app.config, "REGISTRATION_LIMIT_PER_CODE", "3 per hour")
    code = reg.codes[0]
    for _ in range(3):
        assert client.post(reg.url, data=valid_form(app, code, first_name="")).status_code == 422
    blocked = client.post(reg.url, data=valid_form(app, code))
    assert blocked.status_code == 429
    assert "Too many tries" in text_of(blocked) and PHONE in text_of(blocked)
    # The same code typed differently is the same code.
    assert client.post(reg.url, data=valid_form(app, code.lower())).status_code == 429
    # Another code from the same address still goes through.
    assert client.post(reg.url, data=valid_form(app, reg.codes[1])).status_code == 302


def test_rate_limit_per_address(app, reg, client, monkeypatch):
    monkeypatch.setitem(app.config, "REGISTRATION_LIMIT_PER_IP", "4 per minute")
    for i in range(4):
        assert client.post(reg.url, data=valid_form(app, reg.codes[i], first_name="")).status_code == 422
    assert client.post(reg.url, data=valid_form(app, reg.codes[5])).status_code == 429
    other = app.test_client()
    ok = other.post(reg.url, data=valid_form(app, reg.codes[5]), environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert ok.status_code == 302
    assert client.get(reg.url).status_code == 200  # reading the form is not limited


def test_expired_csrf_token_keeps_the_answers(app, reg, client, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    response = client.post(reg.url, data=valid_form(app, reg.codes[0], csrf_token="stale"))
    assert response.status_code == 422
    page = text_of(response)
    assert "The form expired. Check your answers and send it again." in page
    assert 'value="Ada"' in page
    assert nothing_written(app, reg)


# --- closed, unknown ------------------------------------------------------------------------


def test_closed_registration_says_so_and_takes_nothing(app, world, client):
    from tests.pool.pool_helpers import build_registration

    with app.app_context():
        reg = build_registration(world.panel.id, world.org.id, letters=2, is_open=False)
    page = client.get(reg.url)
    assert page.status_code == 200 and "Registration is closed" in text_of(page)
    posted = client.post(reg.url, data=valid_form(app, reg.codes[0]))
    assert "Registration is closed" in text_of(posted)
    assert nothing_written(app, reg)


def test_registration_closes_on_its_date(app, world, client):
    from datetime import UTC, datetime, timedelta

    from tests.pool.pool_helpers import build_registration

    with app.app_context():
        reg = build_registration(world.panel.id, world.org.id, letters=2,
                                 closes_on=datetime.now(UTC) - timedelta(minutes=1))
    assert "Registration is closed" in text_of(client.get(reg.url))


def test_unknown_short_address_is_404(app, reg, client):
    assert client.get("/r/no-such-panel").status_code == 404


# --- languages --------------------------------------------------------------------------------


def test_spanish_page(app, reg, client):
    page = text_of(client.get(f"{reg.url}?lang=es"))
    assert '<html lang="es">' in page
    for words in ("Inscríbase en Test assembly", "Código de inscripción", "¿Puede participar?",
                  "Tengo 16 años o más", "Vivo en Testville", "Soy concejal o concejala",
                  "¿Qué edad tiene?", "De 16 a 29", "La alquilo", "¿Qué días puede venir?",
                  "sábado, 7 de marzo de 2026", "Cuidado de niños", "Usamos sus respuestas solo",
                  "Guardamos sus datos personales durante 12 meses", "Inscribirme"):
        assert words in page, words
    # The switch back to English is a plain link, marked with its language.
    assert re.search(r'<a href="/r/testville-climate\?lang=en" lang="en" hreflang="en">English</a>', page)
    assert '<input type="hidden" name="lang" value="es">' in page


def test_spanish_errors_and_registration(app, reg, client):
    from panels.extensions import db
    from panels.outbox import OutboxMessage

    Volunteer = _models()[0]
    errors = text_of(client.post(f"{reg.url}?lang=es", data={"started": old_token(app), "lang": "es"}))
    assert "Hay 11 problemas" in errors and "Escriba el código de inscripción de su carta." in errors
    assert "Elija una respuesta." in errors
    response = client.post(f"{reg.url}?lang=es", data=valid_form(app, reg.codes[0], lang="es"))
    assert response.status_code == 302 and "lang=es" in response.headers["Location"]
    assert "Gracias. Su inscripción está hecha." in text_of(client.get(response.headers["Location"]))
    with app.app_context():
        assert db.session.scalars(select(Volunteer.language)).one() == "es"
        message = db.session.scalars(select(OutboxMessage).where(OutboxMessage.related_type == "Volunteer")).one()
        assert message.subject.startswith("Está inscrito o inscrita en")
        assert "Gracias por inscribirse" in message.body_text and "?lang=es" in message.body_text
        assert '<html lang="es">' in message.body_html
        db.session.remove()


def test_language_not_offered_falls_back(app, world, client):
    from tests.pool.pool_helpers import build_registration

    with app.app_context():
        reg = build_registration(world.panel.id, world.org.id, letters=1, languages=["en"])
    page = text_of(client.get(f"{reg.url}?lang=es"))
    assert '<html lang="en">' in page and "Register for Test assembly" in page
    assert "Español" not in page
