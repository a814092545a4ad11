"""The final report through a real browser: a member flags an error in the draft, staff fix it and publish;
the public page passes axe-core on a desktop and a phone, works without JavaScript, and its PDF has a
recommendation and a minority report."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

expect = pytest.importorskip("playwright.sync_api").expect
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "recommendations_report"))

from recommendations_report_helpers import MINORITY_R2, R1, build, pdf_text  # noqa: E402


def test_member_flags_staff_publish_public_reads(app, world, live_server, page, new_page, login_as, check_axe):
    data = build(app, world, review=True)
    login_as(page, live_server, "member@test.example")
    page.goto(f"{live_server}/panels/{data.panel_id}/report")
    expect(page.get_by_role("heading", level=1)).to_have_text("Draft final report")
    expect(page.get_by_role("heading", name=f"R1. {R1[0]}")).to_be_visible()
    page.get_by_label("Section").fill("R1")
    page.get_by_label("What is wrong").fill("The title should say under-19s.")
    page.get_by_role("button", name="Send the flag").click()
    expect(page.get_by_text("Thank you: staff will look at the error you flagged.")).to_be_visible()
    check_axe(page)

    staff = new_page()
    login_as(staff, live_server, "organiser@test.example")
    staff.goto(f"{live_server}/panels/{data.panel_id}/report/manage")
    expect(staff.get_by_text("The title should say under-19s.")).to_be_visible()
    staff.locator("label.usa-radio__label", has_text="Fixed").click()
    staff.get_by_label("Note to the member").fill("Corrected.")
    staff.get_by_role("button", name="Save the decision").click()
    expect(staff.get_by_text("Flag marked fixed.")).to_be_visible()
    staff.get_by_role("button", name="Publish the final report").click()
    expect(staff.get_by_text("The final report is published.")).to_be_visible()
    check_axe(staff)

    for options in ({"viewport": {"width": 1280, "height": 900}},
                    {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
                    {"java_script_enabled": False}):
        public = new_page(**options)
        public.goto(f"{live_server}/p/{data.panel_id}/report")
        expect(public.get_by_role("heading", level=1)).to_contain_text("final report")
        expect(public.get_by_role("heading", name=f"R1. {R1[0]}")).to_be_visible()
        expect(public.get_by_text("Signed by 3 members.")).to_be_visible()
        if options.get("java_script_enabled") is not False:
            check_axe(public)
            width = public.evaluate("() => document.documentElement.scrollWidth")
            assert width <= public.viewport_size["width"] + 1, "the page scrolls sideways"

    href = public.get_by_role("link", name="Download the report as a PDF").get_attribute("href")
    response = public.request.get(f"{live_server}{href}" if href.startswith("/") else href)
    assert response.ok and response.headers["content-type"] == "application/pdf"
    text = " ".join(" ".join(pdf_text(response.body())).split())
    assert R1[0] in text
    assert f"Minority report: {MINORITY_R2[0].split(' <script>')[0]}" in text

