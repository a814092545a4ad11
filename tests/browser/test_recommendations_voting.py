"""Voting through a real browser: staff open a round, two members vote in the app, staff close it,
and the results page shows the support chart with its table; the pages have no axe-core violation."""

from __future__ import annotations

import re

import pytest

expect = pytest.importorskip("playwright.sync_api").expect


def test_staff_open_a_round_members_vote_and_the_results_show_the_chart(app, world, live_server, new_page,
                                                                         login_as, check_axe):
    from panels.extensions import db
    from tests.recommendations_votes import votes_helpers as h

    with app.app_context():
        voters = h.members(world, 2, prefix="browser")
        emails = [h.user(uid).email for uid in voters]
        h.recommendation(world, 1, title="Buses every ten minutes")
        h.recommendation(world, 2, title="Bus lanes on the ring road")
        h.rulebook(world, quorum=0.5)
        db.session.remove()

    staff = new_page()
    login_as(staff, live_server, "facilitator@test.example")
    staff.goto(f"{live_server}/panels/{world.panel.id}/votes/")
    staff.get_by_role("link", name="New round").click()
    staff.get_by_label("Title").fill("Final vote")
    staff.get_by_text("R1: Buses every ten minutes", exact=True).click()
    staff.get_by_text("R2: Bus lanes on the ring road", exact=True).click()
    staff.get_by_role("button", name="Create the round").click()
    expect(staff.get_by_text("Round created")).to_be_visible()
    staff.get_by_role("button", name="Open the round").click()
    expect(staff.get_by_text("Round open under rulebook version 1")).to_be_visible()
    check_axe(staff)
    round_url = staff.url

    for number, (email, levels) in enumerate(zip(
            emails, [("Strongly support", "Cannot support"), ("Can live with it", "Support")], strict=True)):
        member = new_page(java_script_enabled=number == 0)  # the second ballot is cast without JavaScript
        login_as(member, live_server, email)
        member.goto(round_url)
        member.get_by_role("link", name="Vote now").click()
        for group, label in zip(("R1: Buses every ten minutes", "R2: Bus lanes on the ring road"), levels,
                                strict=True):
            member.get_by_role("group", name=group).get_by_text(label, exact=True).click()
        if number == 0:
            check_axe(member)
        member.get_by_role("button", name="Cast my ballot").click()
        expect(member.get_by_text("Your ballot is in. Thank you for voting.")).to_be_visible()
        member.context.close()

    staff.reload()
    expect(staff.get_by_text("2 of 3 members have voted")).to_be_visible()
    staff.get_by_role("button", name="Close the round and count").click()
    expect(staff.get_by_text("Round closed; the results are frozen.")).to_be_visible()
    expect(staff.get_by_text(re.compile(r"^Adopted$")).first).to_be_visible()
    chart = staff.locator("svg.chart").first
    expect(chart).to_be_visible()
    assert "R1 support (2 votes)" in chart.inner_html()
    expect(staff.get_by_role("table", name="Support levels for R1 (the chart's numbers)")).to_be_visible()
    check_axe(staff)
