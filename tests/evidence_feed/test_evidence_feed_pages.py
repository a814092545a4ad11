"""The evidence records pages: list and filters, a record linking back to its source, hand entry,
deletion, and the button that runs the feed."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from tests.evidence_feed.evidence_feed_helpers import build_lifecycle


@pytest.fixture
def fed(app, world):
    """The lifecycle, fed (as of the real today: all its dates are in the past by then or not counted)."""
    from datetime import date

    from panels.evidence.feed import run_feed

    with app.app_context():
        build_lifecycle(world.panel.id)
        run_feed(today=date(2027, 5, 1))
    return world


def _records(app, **filters):
    from panels.evidence.models import EvidenceRecord
    from panels.extensions import db

    with app.app_context():
        return [(r.id, r.source, r.indicator, r.capability) for r in
                db.session.scalars(select(EvidenceRecord).filter_by(**filters).order_by(EvidenceRecord.id))]


def test_the_list_shows_records_and_filters_them(app, fed, as_user):
    client = as_user("observer")
    page = client.get("/o/testville/evidence/records").get_data(as_text=True)
    assert "Response rate" in page and "Speakers" in page and "contributed to" in page
    assert "Update the automatic evidence now" not in page  # observers read, they do not run the feed
    only = client.get("/o/testville/evidence/records?capability=strategic_awareness").get_data(as_text=True)
    assert "0 records match the filters" in only
    coalitions = client.get("/o/testville/evidence/records?capability=coalitions&confidence=documented")
    text = coalitions.get_data(as_text=True)
    assert "Response rate" in text and "Members’ evaluation" not in text and "Pilots launched" not in text
    self_reported = client.get("/o/testville/evidence/records?confidence=self_reported").get_data(as_text=True)
    assert "Members' evaluation: being heard" in self_reported.replace("&#39;", "'")
    assert "Response rate" not in self_reported
    assert "0 records" in client.get("/o/testville/evidence/records?source=manual").get_data(as_text=True)
    by_panel = client.get(f"/o/testville/evidence/records?panel={fed.panel.id}").get_data(as_text=True)
    assert "Response rate" in by_panel
    assert "0 records" in client.get("/o/testville/evidence/records?panel=none").get_data(as_text=True)


def test_a_record_links_back_to_what_produced_it(app, fed, as_user):
    record_id = next(r[0] for r in _records(app, indicator="response_rate", capability="coalitions"))
    page = as_user("facilitator").get(f"/o/testville/evidence/records/{record_id}").get_data(as_text=True)
    assert f'href="/panels/{fed.panel.id}/responses"' in page
    assert "contributed to the capability “Building coalitions and partnerships”" in page
    assert "37.5 %" in page and "Delete this record" not in page
    # Through another organisation's address, even a site administrator finds nothing.
    assert as_user("admin").get(f"/o/elsewhere/evidence/records/{record_id}").status_code == 404


def test_a_feed_record_cannot_be_deleted(app, fed, as_user):
    record_id = _records(app, source="feed")[0][0]
    response = as_user("organiser").post(f"/o/testville/evidence/records/{record_id}/delete", follow_redirects=True)
    assert "cannot be deleted" in response.get_data(as_text=True)
    assert _records(app, id=record_id)


def test_entering_evidence_by_hand_with_a_link_then_deleting_it(app, world, as_user):
    client = as_user("organiser")
    data = {"capability": "transforming_teams", "indicator": "Staff trained in deliberation", "value": "12",
            "unit": "people", "observed_on": "2026-02-01", "panel": str(world.panel.id),
            "source_url": "https://testville.example/training-report.pdf", "confidence": "documented",
            "note": "Two-day course."}
    response = client.post("/o/testville/evidence/records/new", data=data)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Staff trained in deliberation" in page and "12 people" in page and "Entered by hand" in page
    assert "contributed to the capability “Transforming teams”" in page
    [(record_id, source, _, _)] = _records(app)
    assert source == "manual"
    client.post(f"/o/testville/evidence/records/{record_id}/delete")
    assert _records(app) == []


@pytest.mark.parametrize("change, message", [
    ({"value": "twelve"}, "Not a valid float value"),
    ({"capability": "nonsense"}, "Not a valid choice"),
    ({"source_url": "testville.example/report"}, "starting with https://"),
    ({"source_url": ""}, "Give a link to the source document, or upload it."),
    ({"observed_on": "01/02/2026"}, "Not a valid date value"),
])
def test_a_bad_hand_entry_fails_whole_and_says_what_to_fix(app, world, as_user, change, message):
    data = {"capability": "coalitions", "indicator": "Partners", "value": "3", "observed_on": "2026-02-01",
            "source_url": "https://testville.example/x", "confidence": "documented", **change}
    response = as_user("organiser").post("/o/testville/evidence/records/new", data=data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _records(app) == []


def test_an_uploaded_source_document_can_be_downloaded_by_staff(app, world, as_user):
    client = as_user("organiser")
    data = {"capability": "experimentation", "indicator": "Evaluations commissioned", "value": "2",
            "observed_on": "2026-02-01", "confidence": "independently_evaluated",
            "document": (io.BytesIO(b"%PDF-1.4\n% evaluation\n"), "evaluation.pdf")}
    response = client.post("/o/testville/evidence/records/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 302
    [(record_id, _, _, _)] = _records(app)
    download = as_user("observer").get(f"/o/testville/evidence/records/{record_id}/document")
    assert download.status_code == 200 and download.data.startswith(b"%PDF")
    bad = {**data, "document": (io.BytesIO(b"MZ\x90\x00"), "evaluation.pdf")}
    response = client.post("/o/testville/evidence/records/new", data=bad, content_type="multipart/form-data")
    assert response.status_code == 422 and "is not a PDF file" in response.get_data(as_text=True)


def test_the_button_runs_the_feed_in_the_background(app, world, as_user):
    from panels import jobs

    with app.app_context():
        build_lifecycle(world.panel.id)
    response = as_user("organiser").post("/o/testville/evidence/feed")
    assert response.status_code == 302 and "/jobs/" in response.headers["Location"]
    job_id = response.headers["Location"].rstrip("/").rsplit("/", 1)[1]
    with app.app_context():
        job = jobs.wait(job_id)
        assert job.status == "succeeded", job.error
        assert job.result["created"] > 0
    assert as_user("organiser").get(f"/jobs/{job_id}").status_code == 200
    assert _records(app, source="feed")


@pytest.mark.parametrize("panel", ["²", "99999999999999999999999999", "-1", "x"])
def test_an_odd_panel_filter_matches_nothing_and_never_fails(app, fed, as_user, panel):
    response = as_user("observer").get("/o/testville/evidence/records", query_string={"panel": panel})
    assert response.status_code == 200
    assert "0 records match the filters" in response.get_data(as_text=True)


@pytest.mark.parametrize("value", ["nan", "inf", "-Infinity", "1e400"])
def test_a_value_that_is_not_an_ordinary_number_is_refused(app, world, as_user, value):
    data = {"capability": "coalitions", "indicator": "Partners", "value": value, "observed_on": "2026-02-01",
            "source_url": "https://testville.example/x", "confidence": "documented"}
    response = as_user("organiser").post("/o/testville/evidence/records/new", data=data)
    assert response.status_code == 422
    assert "Give the value as an ordinary number" in response.get_data(as_text=True)
    assert _records(app) == []
