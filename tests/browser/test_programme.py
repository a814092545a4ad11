"""The programme through a real browser: a facilitator builds a session's agenda and allocates the
tables; the public curriculum page, the programme and the table plan have no axe-core violation;
a member answers an evaluation."""

from __future__ import annotations

import re

import pytest

expect = pytest.importorskip("playwright.sync_api").expect


def test_facilitator_builds_a_session_and_seats_the_tables(app, world, live_server, page, login_as, check_axe):
    from panels.extensions import db
    from tests.sessions.sessions_helpers import add_speaker
    from tests.sessions_tables.fixtures import members_with_answers

    with app.app_context():
        members_with_answers(world, 11)
        db.session.remove()
    add_speaker(app, world.panel.id, "Dr Rosa Lind", perspective="for")

    login_as(page, live_server, "facilitator@test.example")
    page.goto(f"{live_server}/panels/{world.panel.id}/programme")
    page.get_by_role("link", name="Add a session").click()
    page.get_by_label("Session number").fill("1")
    page.get_by_label("Title", exact=True).fill("Where we are now")
    page.get_by_label("Date").fill("2026-03-07")
    page.get_by_role("button", name="Save the session").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Where we are now")
    session_id = int(re.search(r"/sessions/(\d+)", page.url).group(1))
    for title, start, end in (("Welcome talk", "10:00", "10:45"), ("Overlapping talk", "10:30", "11:00")):
        page.get_by_label("Title", exact=True).fill(title)
        page.get_by_label("Starts at").fill(start)
        page.get_by_label("Ends at").fill(end)
        page.get_by_role("button", name="Add the item").click()
    expect(page.get_by_text("overlaps", exact=False).first).to_be_visible()
    expect(page.get_by_role("cell", name="Overlapping talk")).to_have_count(0)
    check_axe(page)
    page.get_by_role("link", name="Tables").first.click()
    page.get_by_label("Largest table").fill("4")
    page.get_by_role("button", name="Allocate").click()
    expect(page.get_by_text("Tables allocated.")).to_be_visible()
    expect(page.get_by_role("heading", name="Table 3")).to_be_visible()
    check_axe(page)
    pdf = page.request.get(f"{live_server}/panels/{world.panel.id}/sessions/{session_id}/tables.pdf")
    assert pdf.ok and pdf.body().startswith(b"%PDF")

    public = page.context.browser.new_context().new_page()
    public.goto(f"{live_server}/p/{world.panel.id}/curriculum")
    expect(public.get_by_text("Dr Rosa Lind")).to_be_visible()
    assert "Member 00" not in public.content()
    check_axe(public)
    public.context.close()


def test_a_member_answers_an_evaluation(app, world, live_server, page, login_as, check_axe):
    from datetime import date

    from tests.sessions.sessions_helpers import add_session

    session_id = add_session(app, world.panel.id, 1, date=date(2026, 1, 10))
    login_as(page, live_server, "member@test.example")
    page.goto(f"{live_server}/panels/{world.panel.id}/sessions/{session_id}/evaluation")
    check_axe(page)
    for fieldset in page.locator("fieldset").all():
        fieldset.locator("label.usa-radio__label").nth(3).click()
    page.get_by_role("button", name=re.compile("Send")).click()
    expect(page.get_by_text("Thank you: your answers were saved", exact=False)).to_be_visible()
    from panels.extensions import db
    from panels.sessions.participation import EvaluationResponse

    with app.app_context():
        assert db.session.query(EvaluationResponse).count() == 1
        db.session.remove()
