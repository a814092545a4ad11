"""The capability lead's path through a real browser: the profile, its radar chart, a capability, the panel."""

from __future__ import annotations

from datetime import date

import pytest

expect = pytest.importorskip("playwright.sync_api").expect

NAMES = ("Strategic awareness", "Adapting focus areas", "Building coalitions and partnerships",
         "Transforming teams", "Embedding experimentation and continuous learning")


def test_capability_lead_drills_from_the_radar_to_the_panel(app, world, live_server, page, login_as, check_axe):
    from panels.extensions import db
    from tests.evidence_profile.evidence_profile_helpers import add_assessment, add_record, full_scores

    with app.app_context():
        add_record(world.org.id, "coalitions", "speakers", 12, panel_id=world.panel.id, unit="count", source="feed")
        add_record(world.org.id, "experimentation", "retention", 91, panel_id=world.panel.id)
        add_assessment(world.org.id, date(2025, 5, 1), full_scores(2))
        add_assessment(world.org.id, date(2026, 5, 1), full_scores(3))
        db.session.commit()
        db.session.remove()

    login_as(page, live_server, "observer@test.example")
    page.goto(f"{live_server}/o/{world.org.slug}/")
    page.get_by_role("link", name="Capability profile").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Capability profile")
    radar = page.locator("#radar svg")
    expect(radar).to_be_visible()
    text = radar.text_content()
    for name in ("Strategic awareness", "Adapting focus areas", "Transforming teams"):
        assert name in text
    for word in ("coalitions", "partnerships", "experimentation", "continuous learning"):
        assert word in text  # long names wrap onto two lines in the chart
    expect(page.locator("#profile-warnings")).to_contain_text("one panel only")
    check_axe(page)

    page.locator("#profile-table").get_by_role("link", name="Building coalitions and partnerships").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Building coalitions and partnerships")
    check_axe(page)
    page.locator("#capability-panels").get_by_role("link", name="Test assembly").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Test assembly")
    assert page.url.rstrip("/").endswith(f"/panels/{world.panel.id}")
