"""The pages: the public response page (published panels only, overdue items first), recording a
response through the form, the CSV through the browser, ratings and who may see what."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest

from panels.extensions import db
from panels.recommendations.models import GovernmentResponse, ProgressReport, Recommendation
from tests.recommendations_response.response_helpers import adopted_recommendations, delivered_report


@pytest.fixture
def late(app, world):
    """Two adopted recommendations, the report delivered five months ago, progress report 1 in: the
    response is overdue."""
    with app.app_context():
        ids = adopted_recommendations(world.panel.id, 2)
        delivered_report(world.panel.id, date.today() - timedelta(days=152))
        db.session.add(ProgressReport(panel_id=world.panel.id, number=1,
                                      delivered_on=date.today() - timedelta(days=60)))
        db.session.commit()
        db.session.remove()
    return ids


def test_the_public_page_exists_only_once_the_report_is_published(app, world, client, late):
    url = f"/p/{world.panel.id}/response"
    for status in ("draft", "review"):
        with app.app_context():
            delivered_report(world.panel.id, date.today() - timedelta(days=152), status=status)
            db.session.remove()
        assert client.get(url).status_code == 404
    with app.app_context():
        delivered_report(world.panel.id, date.today() - timedelta(days=152), status="published")
        db.session.remove()
    page = client.get(url)
    assert page.status_code == 200
    assert client.get(f"/p/{world.other_panel.id}/response").status_code == 404
    assert client.get("/p/99999/response").status_code == 404
    html = page.get_data(as_text=True)
    assert "style=" not in html and "<script" not in html


def test_overdue_items_are_at_the_top_and_clear_when_the_response_is_recorded(world, client, as_user, late):
    url = f"/p/{world.panel.id}/response"
    html = client.get(url).get_data(as_text=True)
    top = html.index('id="overdue"')
    assert "Overdue: 1 deadline missed" in html and top < html.index("Responses by kind")
    assert "Government response</strong> was due on" in html and "R1 Recommendation 1" in html
    organiser = as_user("organiser")
    for rec_id, kind in zip(late, ("accepted", "rejected"), strict=True):
        data = {"response": kind, "reasons": "Too costly." if kind == "rejected" else "", "department": "Parks"}
        response = organiser.post(f"/panels/{world.panel.id}/response/{rec_id}/edit", data=data)
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    html = client.get(url).get_data(as_text=True)
    assert "Overdue:" not in html and "Nothing is overdue." in html and "Too costly." in html


def test_reasons_are_required_on_the_form(app, world, as_user, late):
    organiser = as_user("organiser")
    response = organiser.post(f"/panels/{world.panel.id}/response/{late[0]}/edit",
                              data={"response": "accepted_in_part", "reasons": " "})
    assert response.status_code == 422
    assert "Give the reasons: they are required when the response is “Accepted in part”" in response.get_data(
        as_text=True)
    with app.app_context():
        assert db.session.query(GovernmentResponse).count() == 0


def test_a_recommendation_of_another_panel_or_not_adopted_is_not_found(app, world, as_user, late):
    with app.app_context():
        other = adopted_recommendations(world.other_panel.id, 1)[0]
        draft = adopted_recommendations(world.panel.id, 1, first=5, status="draft")[0]
        db.session.remove()
    organiser = as_user("organiser")
    assert organiser.get(f"/panels/{world.panel.id}/response/{other}/edit").status_code == 404
    assert organiser.get(f"/panels/{world.panel.id}/response/{draft}/edit").status_code == 404


def test_staff_pages_are_for_the_panel_only(world, as_user, late):
    assert as_user("outsider").get(f"/panels/{world.panel.id}/response").status_code == 403
    assert as_user("member").get(f"/panels/{world.panel.id}/response").status_code == 200
    assert as_user("facilitator").get(f"/panels/{world.panel.id}/response/{late[0]}/edit").status_code == 403
    assert as_user("anonymous").get(f"/panels/{world.panel.id}/response/export.csv").status_code == 302


def test_csv_export_and_import_through_the_pages(app, world, as_user, late):
    organiser = as_user("organiser")
    exported = organiser.get(f"/panels/{world.panel.id}/response/export.csv")
    assert exported.status_code == 200 and exported.mimetype == "text/csv"
    text = exported.get_data(as_text=True).lstrip("\ufeff")
    lines = text.splitlines()
    lines[1] = lines[1].replace("R1,Recommendation 1,", "R1,Recommendation 1,Rejected", 1)
    bad = organiser.post(f"/panels/{world.panel.id}/response/import",
                         data={"file": (io.BytesIO("\n".join(lines).encode()), "responses.csv")})
    assert bad.status_code == 422
    assert "Row 2, column “reasons”" in bad.get_data(as_text=True)
    lines[1] = lines[1].replace("Rejected,,", "Rejected,Not this year,", 1)
    good = organiser.post(f"/panels/{world.panel.id}/response/import",
                          data={"file": (io.BytesIO("\n".join(lines).encode()), "responses.csv")})
    assert good.status_code == 302
    with app.app_context():
        assert db.session.get(Recommendation, late[0]).response.reasons == "Not this year"
    wrong = organiser.post(f"/panels/{world.panel.id}/response/import",
                           data={"file": (io.BytesIO(b"\x00\x01"), "responses.csv")})
    assert wrong.status_code == 422 and "UTF-8" in wrong.get_data(as_text=True)


def test_a_member_rates_once_and_the_form_says_so(app, world, as_user, late):
    organiser, member = as_user("organiser"), as_user("member")
    organiser.post(f"/panels/{world.panel.id}/response/{late[0]}/edit", data={"response": "accepted"})
    url = f"/panels/{world.panel.id}/response/{late[0]}/rate"
    assert member.get(f"/panels/{world.panel.id}/response/{late[1]}/rate").status_code == 404  # no response yet
    assert member.post(url, data={"response_score": "11", "implementation_score": "3"}).status_code == 422
    assert member.post(url, data={"response_score": "7", "implementation_score": "3"}).status_code == 302
    again = member.get(url).get_data(as_text=True)
    assert "already rated" in again
    listing = member.get(f"/panels/{world.panel.id}/response").get_data(as_text=True)
    assert "shown from 3 ratings; 1 rating" in listing


def test_results_and_milestones_through_the_pages(app, world, as_user, client, late):
    organiser = as_user("organiser")
    base = f"/panels/{world.panel.id}/response"
    assert organiser.post(f"{base}/{late[0]}/results/new", data={"title": "", "status": "in_progress",
                                                                 "progress": "5", "weight": "1"}).status_code == 422
    assert organiser.post(f"{base}/{late[0]}/results/new", data={
        "title": "Pilot in Eastbank", "status": "in_progress", "progress": "40", "weight": "1", "is_pilot": "y",
        "parent_id": "0"}).status_code == 302
    with app.app_context():
        from panels.recommendations.models import ImplementationResult

        result_id = db.session.query(ImplementationResult).one().id
        db.session.remove()
    response = organiser.post(f"{base}/results/{result_id}/milestones", data={
        "title": "Benches installed", "done_on": "2027-06-01", "evidence_url": "https://example.org/photos",
        "evidence_file": (io.BytesIO(b"%PDF-1.4 minutes"), "minutes.pdf")}, content_type="multipart/form-data")
    assert response.status_code == 302
    page = organiser.get(f"{base}/{late[0]}/results").get_data(as_text=True)
    assert "Pilot in Eastbank" in page and "Benches installed" in page and "minutes.pdf" in page
    public = client.get(f"/p/{world.panel.id}/response").get_data(as_text=True)
    assert '<progress id="progress-' in public and 'value="40"' in public and "Benches installed" in public
