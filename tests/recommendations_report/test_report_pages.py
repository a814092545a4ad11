"""The final report on the web: the draft for the panel, the public page and PDF only once published."""

from __future__ import annotations

from recommendations_report_helpers import (
    MINORITY_ALL,
    MINORITY_R1,
    MINORITY_R2,
    R1,
    R2,
    R3,
    SCRIPT,
    build,
    pdf_text,
    publish,
)


def test_draft_is_not_public_until_published(app, world, as_user):
    data = build(app, world)
    anonymous = as_user("anonymous")
    assert anonymous.get(f"/p/{data.panel_id}/report").status_code == 404
    assert anonymous.get(f"/p/{data.panel_id}/report.pdf").status_code == 404
    assert as_user("member").get(f"/panels/{data.panel_id}/report").status_code == 200
    publish(app, data.panel_id)
    page = anonymous.get(f"/p/{data.panel_id}/report")
    assert page.status_code == 200
    pdf = anonymous.get(f"/p/{data.panel_id}/report.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = " ".join(pdf_text(pdf.data))
    assert R1[0] in text and "Minority report: The fares should be free for everyone" in text


def test_public_page_has_every_recommendation_and_minority_report(app, world, as_user):
    data = build(app, world)
    publish(app, data.panel_id)
    html = as_user("anonymous").get(f"/p/{data.panel_id}/report").get_data(as_text=True)
    assert R1[0] in html and R2[0] in html and R3[0] not in html
    assert "Adopted" in html and "Not adopted" in html
    for title, _body, signers in (MINORITY_R1, MINORITY_R2, MINORITY_ALL):
        assert title.split(" <script>")[0] in html
        assert f"Signed by {signers} member{'s' if signers != 1 else ''}." in html
    # charts with their text alternative
    assert html.count('<svg role="img"') >= 2
    assert "Support level" in html and "<caption" in html
    assert "Contents" in html and f'href="#rec-{data.rec_ids[0]}"' in html
    assert "Download the report as a PDF" in html


def test_a_script_in_a_recommendation_or_minority_report_is_never_rendered(app, world, as_user):
    data = build(app, world)
    publish(app, data.panel_id)
    for url in (f"/p/{data.panel_id}/report", f"/panels/{data.panel_id}/report"):
        html = as_user("member").get(url).get_data(as_text=True)
        assert SCRIPT not in html
        assert "<script" not in html.lower()
        assert "&lt;script&gt;" in html  # shown as the text the member typed


def test_members_of_another_panel_cannot_read_the_draft(app, world, as_user):
    data = build(app, world)
    assert as_user("outsider").get(f"/panels/{data.panel_id}/report").status_code == 403
    assert as_user("outsider").get(f"/panels/{data.panel_id}/report.pdf").status_code == 403
    assert as_user("anonymous").get(f"/panels/{data.panel_id}/report").status_code == 302


def test_draft_pdf_for_the_panel(app, world, as_user):
    data = build(app, world)
    response = as_user("member").get(f"/panels/{data.panel_id}/report.pdf")
    assert response.status_code == 200
    pages = pdf_text(response.data)
    assert "DRAFT" in pages[0]
    assert "Contents" in pages[1]


def test_publishing_needs_the_reporting_stage_and_is_audited(app, world, as_user):
    data = build(app, world, status="sitting")
    organiser = as_user("organiser")
    page = organiser.post(f"/panels/{data.panel_id}/report/publish", follow_redirects=True)
    assert "once the panel is in the reporting stage" in page.get_data(as_text=True)
    assert as_user("anonymous").get(f"/p/{data.panel_id}/report").status_code == 404
    with app.app_context():
        from panels.extensions import db
        from panels.panel.models import Panel

        db.session.get(Panel, data.panel_id).status = "reporting"
        db.session.commit()
    page = organiser.post(f"/panels/{data.panel_id}/report/publish", follow_redirects=True)
    assert "The final report is published." in page.get_data(as_text=True)
    assert as_user("anonymous").get(f"/p/{data.panel_id}/report").status_code == 200
    with app.app_context():
        from panels.audit import AuditEvent
        from panels.extensions import db
        from panels.recommendations.models import FinalReport

        assert db.session.get(FinalReport, data.panel_id).published_at is not None
        events = db.session.scalars(db.select(AuditEvent).filter_by(action="report.published")).all()
        assert len(events) == 1 and events[0].actor_id == world.organiser.id
    again = organiser.post(f"/panels/{data.panel_id}/report/publish", follow_redirects=True)
    assert "already published" in again.get_data(as_text=True)


def test_foreword_is_shown_sanitised_and_a_bad_date_is_refused(app, world, as_user):
    data = build(app, world)
    organiser = as_user("organiser")
    response = organiser.post(f"/panels/{data.panel_id}/report/foreword",
                              data={"foreword": f"We thank *everyone*. {SCRIPT}", "delivered_on": "2027-02-30"},
                              follow_redirects=True)
    assert "Delivered to the council on" in response.get_data(as_text=True)
    assert "was not saved" in response.get_data(as_text=True)
    organiser.post(f"/panels/{data.panel_id}/report/foreword",
                   data={"foreword": f"We thank *everyone*. {SCRIPT}", "delivered_on": "2027-02-03"})
    html = as_user("member").get(f"/panels/{data.panel_id}/report").get_data(as_text=True)
    assert "We thank <em>everyone</em>." in html and "<script" not in html.lower()
