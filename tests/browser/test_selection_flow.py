"""Selection through a real browser: targets from the census, an infeasibility explained and
relaxed, a final run with live progress, the published report (axe-checked), then a member confirms."""

from __future__ import annotations

import re

import pytest

expect = pytest.importorskip("playwright.sync_api").expect


def _pool_with_few_young(app, panel_id: int) -> None:
    from panels.extensions import db
    from panels.panel.models import Panel
    from panels.pool.models import RegistrationSettings, Volunteer
    from tests.selection.fixtures import CATEGORIES

    with app.app_context():
        db.session.get(Panel, panel_id).seats = 8
        db.session.add(RegistrationSettings(panel_id=panel_id, short_code="browser", categories=CATEGORIES))
        for i in range(30):
            db.session.add(Volunteer(panel_id=panel_id, public_id=f"V-{i:04d}", first_name=f"Person{i}",
                                     email=f"p{i}@test.example", household_key=f"house {i}",
                                     answers={"age": "young" if i < 2 else "old",
                                              "tenure": "owner" if i % 2 else "renter"}))
        db.session.commit()
        db.session.remove()


def test_organiser_draws_and_publishes_a_panel(app, world, live_server, page, login_as, check_axe):
    _pool_with_few_young(app, world.panel.id)
    login_as(page, live_server, "organiser@test.example")
    page.goto(f"{live_server}/panels/{world.panel.id}/selection")
    page.get_by_role("button", name=re.compile("Compute the targets from the census")).click()
    expect(page.get_by_text("Targets computed from the census shares.")).to_be_visible()
    # 40 % of 8 seats is at least 3 young members, but only 2 volunteered.
    expect(page.get_by_role("heading", name="No panel can meet all the targets")).to_be_visible()
    expect(page.get_by_role("columnheader", name="Proposed")).to_be_visible()

    # Accept the proposed relaxation: two young members at least, so up to six older ones.
    for label, field, value in (("16 to 39", "Minimum", "2"), ("40 or over", "Maximum", "6")):
        row = page.locator("tbody tr", has_text=label).first
        row.get_by_text("Edit").click()
        row.get_by_label(field).fill(value)
        row.get_by_label("Why change it? (published)").fill("Only two volunteers aged 16 to 39")
        row.get_by_role("button", name="Save").click()
        expect(page.get_by_text("changed.")).to_be_visible()
    expect(page.get_by_text("Yes: at least one panel meets every target")).to_be_visible()

    page.get_by_role("button", name="Final run: draw the panel").click()
    expect(page).to_have_url(re.compile(r"/jobs/"))
    expect(page.locator("#job-progress[data-status='succeeded']")).to_be_attached(timeout=60_000)
    page.goto(f"{live_server}/panels/{world.panel.id}/selection")
    page.get_by_role("link", name=re.compile(r"^#\d+$")).first.click()
    expect(page.get_by_text("members drawn")).to_be_visible()
    page.get_by_role("button", name="Publish this report").click()
    expect(page.get_by_text("The selection report is published.")).to_be_visible()

    public = page.context.browser.new_context().new_page()
    public.goto(f"{live_server}/p/{world.panel.id}/selection")
    expect(public.get_by_role("heading", level=1)).to_contain_text("were selected")
    expect(public.get_by_text("Only two volunteers", exact=False)).to_have_count(0)  # reasons stay in targets
    assert "Person" not in public.content() and "@test.example" not in public.content()
    check_axe(public)
    public.context.close()

    # The organiser invites the drawn members to confirm; one of them answers through the emailed link.
    page.goto(f"{live_server}/panels/{world.panel.id}/members")
    page.get_by_role("button", name="Send the invitations to confirm").click()
    from panels.extensions import db
    from panels.selection.models import SelectionRun
    from tests.seats.seats_helpers import path_for, volunteer

    with app.app_context():
        drawn = db.session.query(SelectionRun).filter_by(kind="final").one().selected[0]
        link = path_for(volunteer(drawn).id)
        db.session.remove()
    member = page.context.browser.new_context().new_page()
    member.goto(live_server + link)
    member.locator("label.usa-radio__label", has_text="Yes, I will take part").click()
    member.get_by_role("button", name="Send my answer").click()
    expect(member.get_by_role("heading", level=1)).to_have_text("Thank you. You are on the panel.")
    with app.app_context():
        assert volunteer(drawn).status == "confirmed"
        db.session.remove()
    member.context.close()
