"""A selected volunteer answers through a real browser: the private link from the email, the
confirm-or-decline page (axe-core at desktop and phone widths, and without JavaScript), the thank-you page;
and the organiser's members and replacements pages."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect


@pytest.fixture
def links(app, world):
    """Three selected volunteers invited to confirm: the path of each one's private link."""
    from panels.accounts.models import User
    from panels.extensions import db
    from panels.selection import confirmation as confirmations
    from tests.seats.seats_helpers import path_for, prepare, stored_draw, volunteer

    with app.app_context():
        panel = prepare(world)
        volunteer("V-0003").language = "es"
        run = stored_draw(panel, ["V-0000", "V-0003", "V-0010"])
        confirmations.send_invitations(db.session.get(User, world.organiser.id), panel, run)
        paths = {pid: path_for(volunteer(pid).id) for pid in ("V-0000", "V-0003", "V-0010")}
        db.session.remove()
    return paths


def status_of(app, public_id: str) -> str:
    from panels.extensions import db
    from tests.seats.seats_helpers import volunteer

    with app.app_context():
        status = volunteer(public_id).status
        db.session.remove()
    return status


def choose(page, label: str) -> None:
    """USWDS draws its own radios and moves the input off screen: a person clicks the label."""
    page.locator("label.usa-radio__label", has_text=label).click()


def test_a_selected_member_confirms_through_the_private_link(app, links, live_server, sized_page, check_axe):
    page = sized_page
    page.goto(live_server + links["V-0000"])
    expect(page.get_by_role("heading", level=1)).to_have_text("Your place on Test assembly")
    expect(page.get_by_text("Saturday 7 March 2026")).to_be_visible()
    expect(page.get_by_text("Please answer by")).to_be_visible()
    check_axe(page)

    page.get_by_role("button", name="Send my answer").click()  # no answer chosen
    summary = page.locator("#error-summary")
    expect(summary).to_contain_text("Choose yes or no.")
    check_axe(page)

    choose(page, "Yes, I will take part")
    page.get_by_role("button", name="Send my answer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you. You are on the panel.")
    check_axe(page)
    assert status_of(app, "V-0000") == "confirmed"


def test_the_spanish_page_declines_without_javascript(app, links, live_server, new_page, check_axe):
    page = new_page(java_script_enabled=False)
    page.goto(live_server + links["V-0003"])
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("heading", level=1)).to_have_text("Su plaza en Test assembly")
    choose(page, "No, no puedo participar")
    page.get_by_role("button", name="Enviar mi respuesta").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Gracias por avisarnos")
    assert status_of(app, "V-0003") == "declined"


def test_an_unknown_link_is_a_friendly_page(links, live_server, page, check_axe):
    page.goto(f"{live_server}/c/not-a-real-link")
    expect(page.get_by_role("heading", level=1)).to_have_text("This link does not work")
    check_axe(page)


def test_the_organisers_pages_are_accessible(app, world, links, live_server, page, login_as, check_axe):
    login_as(page, live_server, world.organiser.email)
    page.goto(f"{live_server}/panels/{world.panel.id}/members")
    expect(page.get_by_role("heading", level=1)).to_have_text("Members")
    expect(page.get_by_role("link", name="p0@test.example")).to_be_visible()
    check_axe(page)
    page.locator("#member-" + str(_id(app, "V-0010"))).get_by_text("Left the panel").click()
    page.get_by_label("Why did V-0010 leave?").fill("Moved away")
    page.get_by_role("button", name="Record that they left").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Replacements")
    expect(page.get_by_role("cell", name="Moved away")).to_be_visible()
    check_axe(page)


def _id(app, public_id: str) -> int:
    from panels.extensions import db
    from tests.seats.seats_helpers import volunteer

    with app.app_context():
        volunteer_id = volunteer(public_id).id
        db.session.remove()
    return volunteer_id
