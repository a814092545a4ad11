"""The registration form's fast path (panels/pool/fast_form.py) and the caches behind it: the page
from its skeleton is the page the template renders, a submission it accepts is one the full form
accepts with the same answers, and a change by staff shows on the public page at once."""

from __future__ import annotations

import random
import re

import pytest
from sqlalchemy import select, text, update
from werkzeug.datastructures import MultiDict

from tests.pool.pool_helpers import DATES, valid_form

TOKENS = re.compile(r'(name="(?:csrf_token|started)" type="hidden" value=")[^"]*(")')


def page_of(response) -> str:
    return TOKENS.sub(r"\1TOKEN\2", response.get_data(as_text=True))


def full_path_page(app, client, url, monkeypatch) -> str:
    from panels.pool import fast_form

    with monkeypatch.context() as patch:
        patch.setattr(fast_form, "form_page", lambda settings, locale: None)
        return page_of(client.get(url))


# --- the page --------------------------------------------------------------------------------


@pytest.mark.parametrize("csrf", [False, True])
@pytest.mark.parametrize("query", ["", "?lang=es", "?code={code}", "?code={code}&lang=es",
                                   "?code=a%27b%26c%3Cd%3E%22+%C3%A9", "?code=", "?lang=fr"])
def test_page_from_the_skeleton_is_the_rendered_page(app, reg, monkeypatch, query, csrf):
    from panels.pool import fast_form

    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", csrf)
    url = reg.url + query.format(code=reg.codes[3].lower())
    served = []
    original = fast_form.form_page
    monkeypatch.setattr(fast_form, "form_page", lambda *a: served.append(original(*a)) or served[-1])
    fast = app.test_client().get(url)
    assert fast.status_code == 200 and served[-1] is not None  # it came from the skeleton
    assert page_of(fast) == full_path_page(app, app.test_client(), url, monkeypatch)
    assert page_of(app.test_client().get(url)) == page_of(fast)  # again, from the kept skeleton
    if csrf:
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', fast.get_data(as_text=True))
        assert token and "session=" in fast.headers.get("Set-Cookie", "")


def test_each_visitor_gets_fresh_tokens(app, reg, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    pages = [app.test_client().get(reg.url).get_data(as_text=True) for _ in range(2)]
    tokens = [re.findall(r'type="hidden" value="([^"]+)"', page) for page in pages]
    assert tokens[0][0] != tokens[1][0]  # the CSRF token is each visitor's own


def test_a_logged_in_visitor_and_flashed_messages_get_the_full_page(app, world, reg, as_user):
    organiser = as_user("organiser")
    page = organiser.get(reg.url).get_data(as_text=True)
    assert "Organiser" in page and "Log out" in page  # their own header, never kept for others
    anonymous = app.test_client().get(reg.url).get_data(as_text=True)
    assert "Organiser" not in anonymous and "Log out" not in anonymous


def test_a_registration_through_the_fast_path_keeps_every_guarantee(app, world, reg, monkeypatch):
    """CSRF on, a real page, a real POST: the volunteer, the letter, the email and the audit event."""
    from panels.audit import AuditEvent
    from panels.extensions import db
    from panels.invitations.models import Letter
    from panels.outbox import OutboxMessage
    from panels.pool import fast_form
    from panels.pool.models import Volunteer

    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    monkeypatch.setitem(app.config, "REGISTRATION_MIN_SECONDS", 0)
    accepted = []
    original = fast_form.accept
    monkeypatch.setattr(fast_form, "accept", lambda *a: accepted.append(original(*a)) or accepted[-1])
    client = app.test_client()
    page = client.get(f"{reg.url}?code={reg.codes[7]}").get_data(as_text=True)
    form = valid_form(app, reg.codes[7], first_name="<b>Ada & \"Bo\"</b>")
    form["started"] = re.search(r'name="started" type="hidden" value="([^"]+)"', page).group(1)
    assert client.post(reg.url, data=form).status_code == 422  # no CSRF token: the full path explains
    form["csrf_token"] = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post(reg.url, data=form)
    assert response.status_code == 302 and accepted[-1] is not None
    with app.app_context():
        volunteer = db.session.scalars(select(Volunteer)).one()
        assert volunteer.first_name == '<b>Ada & "Bo"</b>' and volunteer.consent_privacy_at is not None
        assert db.session.scalar(select(Letter.registrations).where(Letter.code == reg.codes[7])) == 1
        message = db.session.scalars(select(OutboxMessage).where(OutboxMessage.related_type == "Volunteer")).one()
        assert message.related_id == str(volunteer.id) and message.panel_id == world.panel.id
        assert 'Hello <b>Ada & "Bo"</b>,' in message.body_text
        assert "Hello &lt;b&gt;Ada &amp; &#34;Bo&#34;&lt;/b&gt;," in message.body_html
        assert volunteer.public_id in message.body_text and volunteer.public_id in message.body_html
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "pool.registered")).one()
        assert event.object_id == str(volunteer.id) and event.organisation_id == world.org.id
        db.session.remove()
    assert "We have sent you an email" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_confirmation_email_from_its_skeleton_is_the_rendered_email(app, reg):
    from flask import render_template
    from flask_babel import force_locale
    from flask_babel import gettext as _

    from panels.pool import registering, snapshot

    with app.test_request_context(reg.url):
        settings = snapshot.public_settings(reg.short_code)
        for language in ("en", "es"):
            for name in ("Ada", '<i>Zoë & "Bo"</i>'):
                link = f"http://localhost/r/{reg.short_code}/manage/tok-EN_123?lang={language}"
                got = registering.confirmation(settings, language=language, first_name=name,
                                               public_id="V-ABCDEFGH", link=link)
                volunteer = type("V", (), {"first_name": name, "public_id": "V-ABCDEFGH", "language": language})
                with force_locale(language):
                    context = {"panel": settings.panel, "settings": settings, "volunteer": volunteer,
                               "link": link, "lang": language}
                    expected = (_("You are registered for %(title)s", title=settings.panel.title),
                                render_template("pool/email_confirmation.txt", **context),
                                render_template("pool/email_confirmation.html", **context))
                assert got == expected


# --- the submission ---------------------------------------------------------------------------

VARIATIONS = {
    "code": ["", "x" * 41, "  "],
    "age_ok": [None, "", "false", "n", "y"],
    "residence_ok": [None, "false", "on"],
    "exclusions_ok": [None, ""],
    "consent_privacy": [None, "", "false", "yes"],
    "consent_standing_pool": [None, "", "false", "y"],
    "cat_age": [None, "", "99-100", "30-64", " 30-64", "16-29"],
    "cat_tenure": [None, "owner", "renter ", "other"],
    "availability": [[], [DATES[0], DATES[0]], ["2030-01-01"], [DATES[2], DATES[0]], [DATES[1], ""]],
    "support_needs": [[], ["", "jetpack"], ["childcare", "childcare"], ["jetpack"], ["travel", "language"]],
    "support_details": [None, "  ", "x" * 2001, " " * 2001, " needs a ramp "],
    "first_name": [None, "", "   ", "x" * 101, " Ada ", "Zoë"],
    "last_name": [None, " ", "y" * 100],
    "email": [None, "", "  ", "not-an-address", " ada@example.org", "ADA@Example.ORG", "a@b",
              "josé@example.org", "x" * 250 + "@e.org", "ada@example.org\n"],
    "phone": [None, "", "07700 900123", "call me", "12345", "+44 (0)161 496 0000", "1" * 41],
}


def _submission(rng: random.Random, base: dict) -> MultiDict:
    data = dict(base)
    for name in rng.sample(sorted(VARIATIONS), rng.choice([1, 1, 2, 3])):
        value = rng.choice(VARIATIONS[name])
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    if rng.random() < 0.3:  # a phone number instead of an email address
        data["phone"], data["email"] = "0161 496 0000", rng.choice(["", "  "])
    form = MultiDict()
    for name, value in data.items():
        for item in (value if isinstance(value, list) else [value]):
            form.add(name, item)
    return form


@pytest.mark.parametrize("locale", ["en", "es"])
def test_fast_path_accepts_only_what_the_full_form_accepts(app, reg, locale):
    from panels.pool import fast_form, forms, pages, snapshot

    rng = random.Random(4 if locale == "en" else 5)
    base = valid_form(app, reg.codes[0])
    fast_yes = full_yes = 0
    with app.test_request_context(reg.url):
        settings = snapshot.public_settings(reg.short_code)
        rules = fast_form.Rules.of(settings, locale)
        form_class = forms.registration_form(settings, mode="public", locale=locale)
    for _ in range(600):
        submitted = _submission(rng, base)
        with app.test_request_context(reg.url, method="POST", data=submitted):
            values = rules.check(submitted)
            form = form_class()
            form.validate()
            forms.validate_contact(form)
            full_ok = not form.errors
            full_yes += full_ok
            if values is not None:
                fast_yes += 1
                assert full_ok, (submitted, form.errors)
                names = [n for n in form.category_names if n in form]
                assert pages.answers_from(values, rules.category_names, locale) \
                    == pages.answers_from(form.data, names, locale), submitted
    assert fast_yes > 100 and full_yes >= fast_yes


# --- the settings cache: a change shows at once -------------------------------------------------


def _question_on_page(client, url) -> str:
    return re.search(r'<legend class="usa-legend">([^<]*)</legend>', client.get(url).get_data(as_text=True)).group(1)


def test_staff_change_a_question_and_the_public_form_shows_it_at_once(app, world, reg, as_user):
    from tests.pool.test_staff_pages import settings_form

    public = app.test_client()
    assert _question_on_page(public, reg.url) == "How old are you?"
    organiser = as_user("organiser")
    response = organiser.post(f"/panels/{world.panel.id}/registration/settings", data=settings_form(
        categories="age: What is your age?\n16-29 = 16 to 29\n30+ = 30 or older\n"))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert _question_on_page(public, reg.url) == "What is your age?"
    page = public.get(reg.url).get_data(as_text=True)
    assert "30 or older" in page and "Do you own or rent" not in page
    # The submission is checked against the new questions too.
    old = valid_form(app, reg.codes[0])
    assert public.post(reg.url, data=old).status_code == 422
    assert public.post(reg.url, data={**old, "cat_age": "30+"}).status_code == 302
    # Closing registration shows at once.
    organiser.post(f"/panels/{world.panel.id}/registration/settings", data=settings_form(is_open=None))
    assert "Registration is closed" in public.get(reg.url).get_data(as_text=True)


def test_any_change_to_the_rows_shows_at_once(app, world, reg):
    """Not only the settings page: a bulk or raw UPDATE, the panel's title, a deleted row."""
    from panels.extensions import db
    from panels.panel.models import Panel
    from panels.pool.models import RegistrationSettings

    public = app.test_client()
    assert "Register for Test assembly" in public.get(reg.url).get_data(as_text=True)
    with app.app_context():
        db.session.execute(update(Panel).where(Panel.id == world.panel.id).values(title="Renamed assembly"))
        db.session.commit()
    assert "Register for Renamed assembly" in public.get(reg.url).get_data(as_text=True)
    with app.app_context():
        db.session.execute(text("UPDATE registration_settings SET privacy_notice = 'New notice.'"))
        db.session.commit()
    assert "New notice." in public.get(reg.url).get_data(as_text=True)
    with app.app_context():
        db.session.execute(update(RegistrationSettings).values(min_age=18))
        db.session.commit()
    assert "I am 18 or older" in public.get(reg.url).get_data(as_text=True)
    with app.app_context():
        db.session.execute(text("DELETE FROM registration_settings"))
        db.session.commit()
    assert public.get(reg.url).status_code == 404


def test_the_kept_copy_is_shared_until_the_row_changes(app, world, reg):
    from panels.extensions import db
    from panels.pool import snapshot
    from panels.pool.models import RegistrationSettings

    def current():
        with app.test_request_context(reg.url):
            return snapshot.public_settings(reg.short_code.upper())

    first = current()
    assert current() is first  # the same copy, and what was derived from it
    with app.app_context():
        db.session.get(RegistrationSettings, reg.settings_id).phone = "0800 000 000"
        db.session.commit()
    changed = current()
    assert changed is not first and changed.phone == "0800 000 000" and first.phone != changed.phone
