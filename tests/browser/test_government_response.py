"""The government's response through a real browser: on a demo-like panel (report delivered five
months ago, one recommendation unanswered), an organiser records the missing response and the
public page's overdue flag clears. The public page passes axe-core on a desktop and on a phone,
and works without JavaScript."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

expect = pytest.importorskip("playwright.sync_api").expect


def _demo_like(app, world) -> list[int]:
    from panels.accounts.models import User
    from panels.extensions import db
    from panels.recommendations import implementation as impl
    from panels.recommendations import responses
    from panels.recommendations.models import ProgressReport, Recommendation
    from tests.recommendations_response.response_helpers import adopted_recommendations, delivered_report

    with app.app_context():
        ids = adopted_recommendations(world.panel.id, 3)
        delivered = date.today() - timedelta(days=152)
        delivered_report(world.panel.id, delivered)
        db.session.add(ProgressReport(panel_id=world.panel.id, number=1, delivered_on=delivered + timedelta(days=88)))
        db.session.commit()
        organiser = db.session.get(User, world.organiser.id)
        recs = [db.session.get(Recommendation, i) for i in ids]
        responses.record_response(organiser, recs[0], response="accepted", department="Parks Service")
        responses.record_response(organiser, recs[1], response="accepted_in_part", reasons="Three parks first.",
                                  department="Parks Service")
        result = impl.save_result(organiser, recs[0], title="Eastfield playground", status="in_progress", progress=40)
        impl.save_milestone(organiser, result, title="Playground reopened", done_on=delivered + timedelta(days=80),
                            evidence_url="https://example.org/eastfield")
        db.session.remove()
    return ids


def test_an_organiser_answers_the_overdue_recommendation(app, world, live_server, sized_page, new_page, login_as,
                                                         check_axe):
    ids = _demo_like(app, world)
    public_url = f"{live_server}/p/{world.panel.id}/response"
    visitor = new_page(viewport=sized_page.viewport_size)
    visitor.goto(public_url)
    alert = visitor.locator("#overdue")
    expect(alert).to_contain_text("Overdue")
    expect(alert.get_by_role("link", name="R3 Recommendation 3")).to_be_visible()
    expect(visitor.locator("progress").first).to_have_attribute("value", "40")
    check_axe(visitor)

    page = sized_page
    login_as(page, live_server, "organiser@test.example")
    page.goto(f"{live_server}/panels/{world.panel.id}/response")
    expect(page.get_by_role("heading", level=1)).to_have_text("Government response and implementation")
    page.goto(f"{live_server}/panels/{world.panel.id}/response/{ids[2]}/edit")
    page.locator("label.usa-radio__label", has_text="Rejected").click()  # USWDS moves the input off screen
    page.get_by_role("button", name="Save the response").click()
    expect(page.locator("#error-summary")).to_contain_text("Give the reasons")
    page.get_by_label("Reasons").fill("The site is earmarked for homes; we offer two smaller sites instead.")
    page.get_by_label("Responsible department").fill("Planning")
    page.get_by_role("button", name="Save the response").click()
    expect(page.get_by_text("The response to R3 is saved.")).to_be_visible()
    expect(page.locator("#overdue")).to_contain_text("Nothing is overdue.")
    check_axe(page)

    visitor.goto(public_url)
    expect(visitor.locator("#overdue")).to_contain_text("Nothing is overdue.")
    expect(visitor.get_by_text("we offer two smaller sites instead")).to_be_visible()
    check_axe(visitor)


def test_the_public_page_works_without_javascript(app, world, live_server, new_page):
    _demo_like(app, world)
    page = new_page(java_script_enabled=False)
    page.goto(f"{live_server}/p/{world.panel.id}/response")
    expect(page.get_by_role("heading", level=1)).to_have_text("The government's response")
    page.get_by_text("The recommendation").first.click()  # a <details> opens without scripts
    expect(page.get_by_text("Do thing").first).to_be_visible()
