"""Recording responses, results, milestones and ratings through the services."""

from __future__ import annotations

import io
from datetime import date

import pytest
from werkzeug.datastructures import FileStorage

from panels.access import PermissionDenied
from panels.accounts.models import User
from panels.extensions import db
from panels.recommendations import implementation as impl
from panels.recommendations import responses
from panels.recommendations.models import Recommendation
from panels.recommendations.responses import ResponseError
from tests.recommendations_response.response_helpers import adopted_recommendations, delivered_report


@pytest.fixture
def setup(app_ctx, world):
    ids = adopted_recommendations(world.panel.id, 2)
    delivered_report(world.panel.id, date(2027, 1, 31))
    return (db.session.get(User, world.organiser.id), [db.session.get(Recommendation, i) for i in ids])


@pytest.mark.parametrize("kind", ["accepted_in_part", "under_consideration", "rejected"])
def test_reasons_are_required_for_anything_but_accepted(setup, kind):
    organiser, (rec, _) = setup
    with pytest.raises(ResponseError) as exc:
        responses.record_response(organiser, rec, response=kind, reasons="   ")
    assert "reasons" in exc.value.problems and rec.response is None
    responses.record_response(organiser, rec, response=kind, reasons="Because.")
    assert rec.response.response == kind


def test_accepted_needs_no_reasons_and_values_are_cleaned(setup):
    organiser, (rec, _) = setup
    row = responses.record_response(organiser, rec, response="Accepted", department="Parks",
                                    other_departments="Highways; Finance ;", cost="£125,000.5", timeframe="2028",
                                    responsible_email="parks@council.example", responded_on="2027-05-02")
    assert (row.response, row.other_departments, float(row.cost), row.responded_on) == (
        "accepted", ["Highways", "Finance"], 125000.5, date(2027, 5, 2))


def test_bad_values_name_the_field_and_the_fix(setup):
    organiser, (rec, _) = setup
    with pytest.raises(ResponseError) as exc:
        responses.record_response(organiser, rec, response="maybe", cost="lots", responsible_email="nobody",
                                  responded_on="31/05/2027")
    assert set(exc.value.problems) == {"response", "cost", "responsible_email", "responded_on"}
    assert "Accepted in part" in exc.value.problems["response"]


TERMS = dict(response_due_months=4, first_progress_months=3, progress_every_months=6, reminder_days=14)


def test_a_delivery_date_off_the_calendar_is_refused(setup):
    from panels.recommendations import report_review
    from panels.recommendations.report_review import ReportError

    organiser, (rec, _) = setup
    with pytest.raises(ResponseError) as exc:
        responses.save_terms(organiser, rec.panel, delivered_on=date(9999, 12, 1), **TERMS)
    assert set(exc.value.problems) == {"delivered_on"} and "check the year" in exc.value.problems["delivered_on"]
    with pytest.raises(ReportError):
        report_review.save_foreword(organiser, rec.panel, "Foreword", date(9999, 12, 1))
    db.session.rollback()
    assert responses.report_of(rec.panel).delivered_on == date(2027, 1, 31)


def test_a_year_typed_wrong_never_breaks_the_response_page(app, world, as_user):
    # 9999-12-01 + 4 months is off the calendar: it used to be saved, then every page of the clock failed.
    response = as_user("organiser").post(f"/panels/{world.panel.id}/response/terms",
                                         data={"delivered_on": "9999-12-01", **TERMS})
    assert response.status_code == 422 and "check the year" in response.get_data(as_text=True)
    assert as_user("organiser").get(f"/panels/{world.panel.id}/response").status_code == 200


def test_only_managers_record_and_only_adopted_recommendations(setup, world):
    organiser, (rec, _) = setup
    for role in ("facilitator", "member", "observer"):
        with pytest.raises(PermissionDenied):
            responses.record_response(db.session.get(User, getattr(world, role).id), rec, response="accepted")
    draft = db.session.get(Recommendation, adopted_recommendations(world.panel.id, 1, first=7, status="draft")[0])
    with pytest.raises(ResponseError):
        responses.record_response(organiser, draft, response="accepted")


def test_adding_or_linking_a_result_never_changes_the_response(setup):
    organiser, (rec, _) = setup
    responses.record_response(organiser, rec, response="under_consideration", reasons="Costing it first.")
    parent = impl.save_result(organiser, rec, title="Programme", status="in_progress", progress=0)
    child = impl.save_result(organiser, rec, title="Pilot", status="completed", progress=100, parent_id=parent.id,
                             is_pilot=True, evaluation_url="https://example.org/eval")
    other = impl.save_result(organiser, rec, title="Rollout", status="not_started", progress=0)
    impl.save_result(organiser, rec, other, title="Rollout", status="completed", progress=100,
                     parent_id=parent.id)  # linked under the parent
    db.session.expire_all()
    assert rec.response.response == "under_consideration" and rec.response.reasons == "Costing it first."
    view = impl.summary(rec)
    assert view.progress == pytest.approx(100) and [r.id for _, r, _ in view.results] == [parent.id, child.id,
                                                                                         other.id]


def test_a_result_cannot_sit_under_its_own_part_or_another_recommendation(setup):
    organiser, (rec, rec2) = setup
    parent = impl.save_result(organiser, rec, title="A", progress=10)
    child = impl.save_result(organiser, rec, title="B", progress=10, parent_id=parent.id)
    with pytest.raises(ResponseError) as exc:
        impl.save_result(organiser, rec, parent, title="A", progress=10, parent_id=child.id)
    assert "parent_id" in exc.value.problems
    with pytest.raises(ResponseError):
        impl.save_result(organiser, rec2, title="C", progress=10, parent_id=parent.id)
    with pytest.raises(ResponseError) as exc:
        impl.save_result(organiser, rec, title="", progress=140, weight=0)
    assert set(exc.value.problems) == {"title", "progress", "weight"}


def test_milestone_evidence_is_checked_by_type_and_size(setup, monkeypatch):
    organiser, (rec, _) = setup
    result = impl.save_result(organiser, rec, title="Works", progress=50)
    fake = FileStorage(io.BytesIO(b"MZ\x90\x00 not a pdf"), filename="report.pdf")
    with pytest.raises(ResponseError) as exc:
        impl.save_milestone(organiser, result, title="Done", evidence_file=fake)
    assert "not a PDF" in exc.value.problems["evidence_file"]
    exe = FileStorage(io.BytesIO(b"MZ\x90"), filename="tool.exe")
    with pytest.raises(ResponseError):
        impl.save_milestone(organiser, result, title="Done", evidence_file=exe)
    monkeypatch.setattr(impl, "EVIDENCE_MAX_BYTES", 100)
    big = FileStorage(io.BytesIO(b"%PDF-1.4\n" + b"x" * 200), filename="big.pdf")
    with pytest.raises(ResponseError) as exc:
        impl.save_milestone(organiser, result, title="Done", evidence_file=big)
    assert "larger than" in exc.value.problems["evidence_file"]
    good = FileStorage(io.BytesIO(b"%PDF-1.4\nfine"), filename="minutes.pdf")
    m = impl.save_milestone(organiser, result, title="Done", done_on=date(2027, 6, 1), evidence_file=good)
    assert m.evidence_filename == "minutes.pdf" and impl.evidence_path(m.evidence_stored_name).read_bytes().startswith(
        b"%PDF")


def test_members_rate_once_per_checkpoint_and_the_average_shows_from_three(setup, world):
    from panels.accounts.models import Membership
    from tests.conftest import make_user

    organiser, (rec, _) = setup
    member = db.session.get(User, world.member.id)
    with pytest.raises(ResponseError):  # nothing to rate yet
        impl.rate(member, rec, response_score=5, implementation_score=5)
    responses.record_response(organiser, rec, response="accepted")
    impl.rate(member, rec, response_score=8, implementation_score=4)
    with pytest.raises(ResponseError) as exc:
        impl.rate(member, rec, response_score=9, implementation_score=9)
    assert "already rated" in exc.value.problems["response_score"]
    assert impl.ratings(rec.panel)[rec.id].count == 1 and impl.ratings(rec.panel)[rec.id].response is None
    for i, score in enumerate((6, 10)):
        user = make_user(f"m{i}@test.example", f"M{i}")
        db.session.add(Membership(user=user, organisation_id=world.org.id, panel_id=world.panel.id, role="member"))
        db.session.commit()
        impl.rate(user, rec, response_score=score, implementation_score=score)
    summary = impl.ratings(rec.panel)[rec.id]
    assert (summary.count, summary.response, summary.implementation) == (3, 8.0, pytest.approx(6.7, abs=0.05))
    with pytest.raises(PermissionDenied):
        impl.rate(organiser, rec, response_score=1, implementation_score=1)
    # A progress report opens a new checkpoint: the member may rate again.
    responses.record_progress_report(organiser, rec.panel, number=1, delivered_on=date(2027, 4, 29))
    impl.rate(member, rec, response_score=3, implementation_score=3)
    assert impl.ratings(rec.panel)[rec.id].count == 1
    with pytest.raises(ResponseError):
        impl.rate(member, rec, response_score=11, implementation_score=0)


def test_a_report_with_nothing_adopted_has_no_response_falling_overdue(app, world):
    from panels.extensions import db
    from panels.panel.models import Panel
    from panels.recommendations import responses
    from tests.recommendations_response.response_helpers import adopted_recommendations, delivered_report

    with app.app_context():
        adopted_recommendations(world.panel.id, 2, status="not_adopted")
        delivered_report(world.panel.id, date(2026, 1, 10))
        panel = db.session.get(Panel, world.panel.id)
        response = next(d for d in responses.deadlines_of(panel) if d.key == "response")
        assert response.met and not response.overdue(date(2026, 12, 1))
