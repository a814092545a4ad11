"""Volunteer registration through a real browser: the QR address, registering, the confirmation
and its email, errors, accessibility (axe-core at desktop and phone widths) and no JavaScript."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.pool.pool_helpers import build_registration

MIN_SECONDS = 3.2  # the form refuses submissions faster than 3 s after it was shown


@pytest.fixture
def reg(app, world):
    with app.app_context():
        return build_registration(world.panel.id, world.org.id, letters=5)


def tick(page, text: str, kind: str = "checkbox") -> None:
    """USWDS draws its own boxes and moves the input off screen: a person clicks the label."""
    page.locator(f"label.usa-{kind}__label", has_text=text).click()


def fill_registration(page) -> None:
    tick(page, "I am 16 or older")
    tick(page, "I live in Testville")
    tick(page, "None of these apply to me")
    tick(page, "30 to 64", "radio")
    tick(page, "I rent it", "radio")
    tick(page, "Saturday 7 March 2026")
    tick(page, "Saturday 21 March 2026")
    tick(page, "Childcare")
    page.get_by_label("First name").fill("Ada")
    page.get_by_label("Last name").fill("Lovelace")
    page.get_by_label("Email address").fill("ada@example.org")
    tick(page, "I agree to how my information is used")


def submit_after_a_human_pause(page, shown_at: float, button: str = "Register") -> None:
    time.sleep(max(0.0, MIN_SECONDS - (time.monotonic() - shown_at)))
    page.get_by_role("button", name=button, exact=True).click()


def confirmation_email(app):
    from panels.extensions import db
    from panels.outbox import OutboxMessage

    with app.app_context():
        message = db.session.scalars(select(OutboxMessage)
                                     .where(OutboxMessage.related_type == "Volunteer")).one_or_none()
        result = (message.recipient, message.body_text) if message else None
        db.session.remove()
    return result


def test_volunteer_registers_from_the_qr_address(app, reg, live_server, sized_page, check_axe):
    page = sized_page
    code = reg.codes[0]
    page.goto(f"{live_server}/r/{reg.short_code}?code={code}")
    shown_at = time.monotonic()
    expect(page.get_by_role("heading", level=1)).to_have_text("Register for Test assembly")
    expect(page.get_by_label("Registration code")).to_have_value(f"{code[:5]}-{code[5:]}")
    check_axe(page)

    fill_registration(page)
    submit_after_a_human_pause(page, shown_at)
    expect(page).to_have_url(re.compile(rf"/r/{reg.short_code}/thanks"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you. You are registered.")
    expect(page.get_by_text("We have sent you an email to confirm.")).to_be_visible()
    check_axe(page)

    recipient, body = confirmation_email(app)
    assert recipient == "ada@example.org"
    link = re.search(r"http://\S+/r/\S+/manage/\S+", body).group(0)
    # The private link opens the answers, on this server.
    page.goto(live_server + link.split("://", 1)[1].split("/", 1)[1].join(["/", ""]))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your registration for Test assembly")
    expect(page.get_by_label("First name")).to_have_value("Ada")
    check_axe(page)


def test_registration_errors_are_accessible(app, reg, live_server, sized_page, check_axe):
    page = sized_page
    page.goto(f"{live_server}/r/{reg.short_code}")
    shown_at = time.monotonic()
    page.get_by_label("Registration code").fill("K7QFX-93XMR")
    submit_after_a_human_pause(page, shown_at)
    summary = page.locator("#error-summary")
    expect(summary).to_have_attribute("role", "alert")
    expect(summary.get_by_role("heading")).to_have_text("There are 11 problems")
    expect(summary.get_by_role("link").first).to_contain_text("Registration code: This code is not right.")
    expect(page.get_by_label("Registration code")).to_have_value("K7QFX-93XMR")  # kept
    check_axe(page)
    summary.get_by_role("link").first.click()
    expect(page.locator("#code")).to_be_focused()
    summary.get_by_role("link", name=re.compile("^How old are you")).click()
    expect(page.locator("#cat_age-0")).to_be_focused()


def test_spanish_registration_page_is_accessible(reg, live_server, page, check_axe):
    page.goto(f"{live_server}/r/{reg.short_code}")
    page.get_by_role("link", name="Español").click()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("heading", level=1)).to_have_text("Inscríbase en Test assembly")
    expect(page.get_by_label("Código de inscripción")).to_be_visible()
    check_axe(page)


def test_registration_works_without_javascript(app, reg, live_server, new_page):
    page = new_page(java_script_enabled=False)
    page.goto(f"{live_server}/r/{reg.short_code}?code={reg.codes[1]}")
    shown_at = time.monotonic()
    fill_registration(page)
    submit_after_a_human_pause(page, shown_at)
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you. You are registered.")
    assert confirmation_email(app)[0] == "ada@example.org"


def test_phone_width_has_no_horizontal_scroll(reg, live_server, phone_page):
    phone_page.goto(f"{live_server}/r/{reg.short_code}")
    overflow = phone_page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0


def test_staff_pages_are_accessible(app, world, reg, live_server, page, login_as, check_axe):
    """The organiser's pages: the pool (after one registration), the settings, the phone form."""
    from panels.extensions import db
    from panels.pool.models import Volunteer

    with app.app_context():
        db.session.add(Volunteer(panel_id=world.panel.id, public_id="V-BROWSER1", first_name="Ada",
                                 last_name="Lovelace", email="ada@example.org", channel="phone",
                                 answers={"age": "30-64", "tenure": "owner"}, area="North"))
        db.session.commit()
        db.session.remove()
    login_as(page, live_server, world.organiser.email)
    page.goto(f"{live_server}/panels/{world.panel.id}/pool")
    expect(page.get_by_role("heading", level=1)).to_have_text("The pool of volunteers")
    expect(page.get_by_role("cell", name="ada@example.org")).to_be_visible()
    check_axe(page)
    page.goto(f"{live_server}/panels/{world.panel.id}/registration/settings")
    expect(page.get_by_role("heading", level=1)).to_have_text("Registration settings")
    check_axe(page)
    page.get_by_label("Questions for the quotas").fill("age: How old are you?\nonly = one answer\n")
    page.get_by_role("button", name="Save the settings").click()
    expect(page.locator("#error-summary")).to_contain_text("Line 1: the category “age” needs at least two answers")
    check_axe(page)
    page.goto(f"{live_server}/panels/{world.panel.id}/registration/phone")
    expect(page.get_by_role("heading", level=1)).to_have_text("Register someone by phone")
    check_axe(page)
