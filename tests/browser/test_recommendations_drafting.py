"""Drafting through a real browser: a member drafts a recommendation, another member proposes an
amendment, the first accepts it, and the version history shows two versions and their diff."""

from __future__ import annotations

import pytest

expect = pytest.importorskip("playwright.sync_api").expect


def test_members_draft_amend_accept_and_compare(app, world, live_server, new_page, login_as, check_axe):
    from tests.recommendations_drafting import drafting_helpers as h

    second = h.add_member(app, world, email="browser.second@test.example", name="Second Member")

    author = new_page()
    login_as(author, live_server, world.member.email)
    author.goto(f"{live_server}/panels/{world.panel.id}/")
    author.get_by_role("link", name="Recommendations", exact=True).click()
    author.get_by_role("link", name="Draft a recommendation").first.click()
    author.get_by_label("Title").fill("Buses every ten minutes")
    author.get_by_role("textbox", name="Recommendation").fill("Run buses every **15 minutes** on main routes.")
    author.get_by_label("Rationale").fill("People would leave the car at home.")
    author.get_by_role("button", name="Save the draft").click()
    expect(author.get_by_text("R1 saved as version 1.")).to_be_visible()
    expect(author.locator(".rec-text strong")).to_have_text("15 minutes")
    check_axe(author)
    rec_url = author.url

    amender = new_page()
    login_as(amender, live_server, second.email)
    amender.goto(rec_url)
    amender.get_by_role("link", name="Propose an amendment").click()
    amender.get_by_label("New wording").fill("Run buses every **10 minutes** on main routes, seven days a week.")
    amender.get_by_label("Why").fill("Shift workers need Sunday buses.")
    amender.get_by_role("button", name="Propose the amendment").click()
    expect(amender.get_by_text("Amendment proposed.")).to_be_visible()
    expect(amender.get_by_role("button", name="Accept the amendment")).to_have_count(0)  # not a co-author

    author.reload()
    expect(author.locator(".diff ins").first).to_be_visible()
    author.get_by_role("button", name="Accept the amendment").click()
    expect(author.get_by_text("Amendment accepted")).to_be_visible()
    expect(author.locator(".rec-text strong").first).to_have_text("10 minutes")
    history = author.locator("#versions").locator("xpath=..").locator("tbody tr")
    expect(history).to_have_count(2)
    expect(history.nth(1)).to_contain_text("Second Member")
    expect(history.nth(1)).to_contain_text("Amendment by Second Member accepted")

    author.get_by_role("button", name="Compare versions").click()
    expect(author.get_by_role("heading", name="Compare versions of R1. Buses every ten minutes")).to_be_visible()
    expect(author.locator(".diff del").first).to_contain_text("15")
    expect(author.locator(".diff ins").first).to_contain_text("10")
    check_axe(author)
