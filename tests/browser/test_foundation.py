"""The foundation, through a real browser: log in, create a panel, move it along its
lifecycle, form errors, permissions, accessibility (axe-core), no-JavaScript use, and the
live job page."""

from __future__ import annotations

import re
import time

import pytest

expect = pytest.importorskip("playwright.sync_api").expect

NEW_PANEL = {
    "title": "Climate assembly 2026",
    "question": "How should Testville reach net zero by 2035?",
    "seats": "42",
    "term_start": "2026-03-07",
    "term_end": "2026-06-20",
}


def panel_titles(app, org_slug: str = "testville") -> list[str]:
    from sqlalchemy import select

    from panels.accounts.models import Organisation
    from panels.extensions import db
    from panels.panel.models import Panel

    with app.app_context():
        titles = db.session.scalars(
            select(Panel.title).join(Organisation).where(Organisation.slug == org_slug)
            .order_by(Panel.id)).all()
        db.session.remove()
        return list(titles)


def fill_panel_form(page, values: dict = NEW_PANEL, kind: str = "Standing panel") -> None:
    page.get_by_label("Title").fill(values["title"])
    # USWDS draws its own radio and moves the input off screen: a person clicks the label.
    page.locator("label.usa-radio__label", has_text=kind).click()
    expect(page.get_by_role("radio", name=re.compile(kind))).to_be_checked()
    page.get_by_label("The question or mandate").fill(values["question"])
    page.get_by_label("Number of seats").fill(values["seats"])
    page.get_by_label("First session or start of term").fill(values["term_start"])
    page.get_by_label("Last session or end of term").fill(values["term_end"])


def create_panel_through_ui(page, base_url: str) -> int:
    """From the dashboard, create NEW_PANEL; return the new panel's id (from its URL)."""
    page.goto(f"{base_url}/o/testville/")
    page.get_by_role("link", name="Create a panel").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Create a panel")
    fill_panel_form(page)
    page.get_by_role("button", name="Create the panel").click()
    expect(page).to_have_url(re.compile(r"/panels/\d+/$"))
    return int(re.search(r"/panels/(\d+)/$", page.url).group(1))


def current_stage(page):
    return page.get_by_role("list", name="Stage of the panel").locator("[aria-current='step']")


# --- creating a panel --------------------------------------------------------------------


def test_organiser_creates_a_panel_and_finds_it_on_the_dashboard(app, world, live_server, page,
                                                                  login_as, check_axe):
    login_as(page, live_server, world.organiser.email)
    panel_id = create_panel_through_ui(page, live_server)

    expect(page.get_by_role("heading", level=1)).to_have_text(NEW_PANEL["title"])
    expect(page.get_by_role("status")).to_contain_text(f"“{NEW_PANEL['title']}” has been created")
    expect(current_stage(page)).to_have_text("Draft")
    expect(page.get_by_text(NEW_PANEL["question"])).to_be_visible()
    expect(page.locator("dd").filter(has_text="Standing panel")).to_be_visible()
    expect(page.locator("dd").filter(has_text="42")).to_be_visible()
    expect(page.locator("dd").filter(has_text="7 March 2026 to 20 June 2026")).to_be_visible()
    check_axe(page)

    page.get_by_role("link", name="Testville").first.click()
    expect(page).to_have_url(f"{live_server}/o/testville/")
    draft = page.get_by_role("region", name=re.compile(r"^Draft"))
    expect(draft.get_by_role("link", name=NEW_PANEL["title"])).to_have_attribute(
        "href", f"/panels/{panel_id}/")
    recruiting = page.get_by_role("region", name=re.compile(r"^Recruiting"))
    expect(recruiting.get_by_role("link", name=NEW_PANEL["title"])).to_have_count(0)
    check_axe(page)
    assert panel_titles(app) == ["Test assembly", NEW_PANEL["title"]]


def test_organiser_opens_recruitment_and_only_allowed_moves_are_offered(world, live_server, page,
                                                                       login_as):
    login_as(page, live_server, world.organiser.email)
    page.goto(f"{live_server}/panels/{world.panel.id}/")
    expect(current_stage(page)).to_have_text("Draft")
    # From draft: open recruitment or cancel; jumping ahead to sitting is not offered.
    expect(page.get_by_role("button", name="Open recruitment")).to_be_visible()
    expect(page.get_by_role("button", name="The panel starts sitting")).to_have_count(0)
    expect(page.locator("form[action$='/status/sitting']")).to_have_count(0)

    page.get_by_role("button", name="Open recruitment").click()
    expect(page).to_have_url(f"{live_server}/panels/{world.panel.id}/")
    expect(page.get_by_role("status")).to_have_text("The panel is now recruiting.")
    expect(current_stage(page)).to_have_text("Recruiting")
    expect(page.get_by_role("button", name="Close registration and start selection")).to_be_visible()
    expect(page.get_by_role("button", name="Back to draft")).to_be_visible()
    expect(page.get_by_role("button", name="Open recruitment")).to_have_count(0)
    expect(page.locator("form[action$='/status/sitting']")).to_have_count(0)

    # A tampered form (a disallowed target, with a genuine CSRF token) is refused by the server.
    page.locator("form[action$='/status/draft']").evaluate(
        "form => { form.action = form.action.replace('/status/draft', '/status/sitting'); }")
    page.get_by_role("button", name="Back to draft").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "A panel that is recruiting cannot become sitting")
    expect(current_stage(page)).to_have_text("Recruiting")


def test_empty_create_form_lists_every_error_at_once(app, world, live_server, page, login_as,
                                                    check_axe):
    login_as(page, live_server, world.organiser.email)
    page.goto(f"{live_server}/o/testville/panels/new")
    with page.expect_response(lambda r: r.request.method == "POST") as sent:
        page.get_by_role("button", name="Create the panel").click()
    assert sent.value.status == 422

    summary = page.locator("#error-summary")
    expect(summary).to_have_attribute("role", "alert")
    expect(summary.get_by_role("heading")).to_have_text("There are 3 problems")
    expect(summary.get_by_role("link")).to_have_text([
        "Title: Give the panel a title.",
        "The question or mandate: Write the question the panel will answer.",
        re.compile(r"^Number of seats: Enter the number of seats, for example 36\."),
    ])
    # Each summary entry links to its field, and each field shows its own message.
    hrefs = summary.get_by_role("link").evaluate_all("links => links.map(a => a.hash)")
    assert hrefs == ["#title", "#question", "#seats"]
    invalid = page.locator("[aria-invalid='true']")
    assert invalid.evaluate_all("els => els.map(e => e.id)") == ["title", "question", "seats"]
    for field_id in ("title", "question", "seats"):
        field = page.locator(f"#{field_id}")
        expect(field).to_have_attribute("aria-describedby", re.compile(rf"\b{field_id}-error\b"))
        expect(page.locator(f"#{field_id}-error")).to_be_visible()
    check_axe(page)
    summary.get_by_role("link").first.click()
    expect(page.locator("#title")).to_be_focused()
    assert panel_titles(app) == ["Test assembly"]


def test_forms_carry_real_csrf_tokens(world, live_server, page):
    page.goto(f"{live_server}/login")
    token = page.locator("input[name='csrf_token']")
    expect(token).to_have_value(re.compile(r".{20,}"))
    token.evaluate("input => { input.value = 'forged'; }")
    page.get_by_label("Email address").fill(world.organiser.email)
    page.get_by_label("Password", exact=True).fill("correct horse battery")
    with page.expect_response(lambda r: r.request.method == "POST") as sent:
        page.get_by_role("button", name="Log in").click()
    assert sent.value.status == 400
    expect(page.get_by_role("heading", level=1)).to_have_text("This form has expired")
    page.goto(f"{live_server}/")
    expect(page.get_by_role("link", name="Log in").first).to_be_visible()  # still logged out


# --- permissions -------------------------------------------------------------------------


def test_member_sees_the_friendly_403_on_organiser_pages(world, live_server, page, login_as,
                                                        check_axe):
    login_as(page, live_server, world.member.email)
    for path in ("/o/testville/", f"/panels/{world.panel.id}/edit"):
        response = page.goto(f"{live_server}{path}")
        assert response.status == 403, path
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "You do not have permission to see this page")
        expect(page.get_by_role("link", name="Go to the home page")).to_be_visible()
    check_axe(page)
    # The member's own panel is open to them, without the organiser's controls.
    response = page.goto(f"{live_server}/panels/{world.panel.id}/")
    assert response.status == 200
    expect(page.get_by_role("heading", level=1)).to_have_text("Test assembly")
    expect(page.get_by_role("link", name="Edit")).to_have_count(0)
    expect(page.get_by_role("button", name="Open recruitment")).to_have_count(0)
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Testville")
           ).to_have_count(0)


# --- accessibility -----------------------------------------------------------------------


def test_login_page_has_no_axe_violations(live_server, sized_page, check_axe):
    page = sized_page
    page.goto(f"{live_server}/login")
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in")
    check_axe(page)


def test_login_page_with_errors_has_no_axe_violations(world, live_server, sized_page, check_axe):
    page = sized_page
    page.goto(f"{live_server}/login")
    page.get_by_label("Email address").fill("not-an-address")
    page.get_by_role("button", name="Log in").click()
    summary = page.locator("#error-summary")
    expect(summary.get_by_role("heading")).to_have_text("There are 2 problems")
    expect(summary.get_by_role("link")).to_have_text([
        "Email address: Enter an email address like name@example.org.",
        "Password: Enter your password.",
    ])
    check_axe(page)
    # A wrong password: the server's message on the password field, the email kept.
    page.get_by_label("Email address").fill(world.organiser.email)
    page.get_by_label("Password", exact=True).fill("wrong horse battery")
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#password-error")).to_have_text(
        "The email address or the password is not right.")
    expect(page.get_by_label("Email address")).to_have_value(world.organiser.email)
    expect(page.get_by_label("Password", exact=True)).to_have_value("")
    check_axe(page)


def test_landing_page_has_no_axe_violations(live_server, sized_page, check_axe):
    page = sized_page
    page.goto(f"{live_server}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Civic Panels")
    check_axe(page)
    # The first Tab reaches the skip link, which leads to the main content.
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server}/#main-content")


def test_check_axe_reports_a_violation(live_server, page, check_axe):
    """The checker is not vacuous: a field without a label is caught, and named."""
    page.goto(f"{live_server}/login")
    page.locator("label[for='email']").evaluate("label => label.remove()")
    with pytest.raises(AssertionError) as failure:
        check_axe(page)
    assert "label:" in str(failure.value)
    assert "#email" in str(failure.value)


# --- without JavaScript ------------------------------------------------------------------


def test_log_in_and_create_a_panel_without_javascript(app, world, live_server, new_page, login_as):
    page = new_page(java_script_enabled=False)
    login_as(page, live_server, world.organiser.email)
    create_panel_through_ui(page, live_server)
    expect(page.get_by_role("heading", level=1)).to_have_text(NEW_PANEL["title"])
    expect(current_stage(page)).to_have_text("Draft")
    assert panel_titles(app) == ["Test assembly", NEW_PANEL["title"]]


# --- the job page ------------------------------------------------------------------------


JOB_ID = "b" * 32


@pytest.fixture
def running_job(app, world):
    from panels import jobs
    from panels.db import utcnow
    from panels.extensions import db

    with app.app_context():
        db.session.add(jobs.Job(
            id=JOB_ID, name="outbox.deliver", title="Drawing the panel", executor="thread",
            panel_id=world.panel.id, organisation_id=world.org.id, status=jobs.RUNNING,
            progress=0.4, message="Drawing...", started_at=utcnow(), heartbeat_at=utcnow()))
        db.session.commit()
        db.session.remove()
    return JOB_ID


def finish_job(app, job_id: str) -> None:
    from sqlalchemy import update

    from panels import jobs
    from panels.db import utcnow
    from panels.extensions import db

    with app.app_context():
        db.session.execute(update(jobs.Job).where(jobs.Job.id == job_id).values(
            status=jobs.SUCCEEDED, progress=1.0, message="Drawn", finished_at=utcnow(),
            result={"message": "24 people were drawn."}))
        db.session.commit()
        db.session.remove()


def test_job_page_shows_progress_and_updates_itself(app, world, running_job, live_server, page,
                                                    login_as, check_axe):
    login_as(page, live_server, world.organiser.email)
    page.goto(f"{live_server}/jobs/{running_job}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Drawing the panel")
    bar = page.locator("progress")
    expect(bar).to_have_count(1)
    assert bar.evaluate("el => el.value") == 40
    expect(page.get_by_role("progressbar", name="Progress: 40 %")).to_be_visible()
    expect(page.locator("#job-progress")).to_contain_text("Running — Drawing...")
    check_axe(page)

    page.evaluate("() => { window.__notReloaded = true; }")
    finish_job(app, running_job)
    started = time.monotonic()
    box = page.locator("#job-progress")
    expect(box).to_have_attribute("data-status", "succeeded")
    assert time.monotonic() - started < 5
    expect(box).to_contain_text("Succeeded — Drawn")
    expect(box).to_contain_text("24 people were drawn.")
    assert page.locator("progress").evaluate("el => el.value") == 100
    assert page.evaluate("() => window.__notReloaded") is True  # same document: no reload
