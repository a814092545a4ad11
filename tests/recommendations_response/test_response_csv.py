"""Responses and progress as CSV: a round trip changes nothing; a bad file changes nothing and says why."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from panels.accounts.models import User
from panels.extensions import db
from panels.recommendations import implementation as impl
from panels.recommendations import response_csv, responses
from panels.recommendations.models import GovernmentResponse, Recommendation
from tests.recommendations_response.response_helpers import adopted_recommendations


@pytest.fixture
def setup(app_ctx, world):
    ids = adopted_recommendations(world.panel.id, 3)
    organiser = db.session.get(User, world.organiser.id)
    recs = [db.session.get(Recommendation, i) for i in ids]
    responses.record_response(organiser, recs[0], response="accepted", department="Parks",
                              other_departments=["Highways", "Finance"], cost="125000", timeframe="By 2028",
                              responded_on=date(2027, 5, 2), responsible_email="parks@council.example")
    responses.record_response(organiser, recs[1], response="rejected", reasons="No budget, \"sadly\".\nMaybe later.",
                              responded_on=date(2027, 5, 3))
    parent = impl.save_result(organiser, recs[0], title="Programme", progress=0)
    impl.save_result(organiser, recs[0], title="A", status="completed", progress=100, parent_id=parent.id)
    impl.save_result(organiser, recs[0], title="B", status="in_progress", progress=20, parent_id=parent.id)
    return organiser, recs


def rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def snapshot(recs):
    db.session.expire_all()
    return [(r.response.response, r.response.reasons, r.response.department, r.response.other_departments,
             r.response.cost, r.response.timeframe, r.response.responded_on, r.response.responsible_email)
            if r.response else None for r in recs]


def test_export_has_one_row_per_adopted_recommendation(setup):
    _, recs = setup
    exported = rows(response_csv.export(recs[0].panel))
    assert [r["code"] for r in exported] == ["R1", "R2", "R3"]
    first = exported[0]
    assert (first["response"], first["other departments"], first["cost"], first["status"], first["progress %"]) == (
        "Accepted", "Highways; Finance", "125000.00", "In progress", "60")
    assert exported[1]["reasons"] == "No budget, \"sadly\".\nMaybe later." and exported[2]["response"] == ""


def test_a_round_trip_changes_nothing(setup):
    organiser, recs = setup
    before = snapshot(recs)
    text = response_csv.export(recs[0].panel)
    checked = response_csv.apply(organiser, recs[0].panel, text)
    assert checked.problems == []
    assert snapshot(recs) == before and response_csv.export(recs[0].panel) == text


def test_an_import_records_new_responses_and_a_simple_progress(setup):
    organiser, recs = setup
    table = rows(response_csv.export(recs[0].panel))
    table[2].update({"response": "under consideration", "reasons": "Waiting for the budget.", "department": "Transport",
                     "status": "In progress", "progress %": "40"})
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=response_csv.COLUMNS)
    writer.writeheader()
    writer.writerows(table)
    assert response_csv.apply(organiser, recs[0].panel, out.getvalue()).problems == []
    db.session.expire_all()
    assert recs[2].response.response == "under_consideration" and recs[2].response.department == "Transport"
    assert impl.summary(recs[2]).progress == 40 and impl.summary(recs[2]).status == "in_progress"


def test_bad_rows_name_the_row_column_and_fix_and_nothing_is_saved(setup):
    organiser, recs = setup
    before = snapshot(recs)
    text = ("code,title,response,reasons,department,other departments,cost,timeframe,responded on,status,progress %\n"
            "R1,x,Accepted,,Parks,,12x,,2027-05-02,,\n"
            "R9,x,Accepted,,,,,,,,\n"
            "R2,x,Rejected,,,,,,,,\n"
            "R3,x,Probably,,,,,,31/05/2027,Finished,140\n")
    checked = response_csv.apply(organiser, recs[0].panel, text)
    found = {(p["row"], p["column"]) for p in checked.problems}
    assert found == {(2, "cost"), (3, "code"), (4, "reasons"), (5, "response"), (5, "responded on"), (5, "status"),
                     (5, "progress %")}
    assert all(p["fix"] for p in checked.problems)
    by_cell = {(p["row"], p["column"]): p for p in checked.problems}
    assert "R9" in by_cell[(3, "code")]["problem"] and "R1" in by_cell[(3, "code")]["fix"]
    assert "YYYY-MM-DD" in by_cell[(5, "responded on")]["fix"]
    assert snapshot(recs) == before
    assert db.session.query(GovernmentResponse).count() == 2


def test_a_missing_column_or_a_nested_progress_is_refused(setup):
    organiser, recs = setup
    checked = response_csv.apply(organiser, recs[0].panel, "code,title\nR1,x\n")
    assert [(p["row"], p["column"]) for p in checked.problems] == [(1, "response")]
    table = rows(response_csv.export(recs[0].panel))
    table[0]["progress %"] = "90"  # R1 rolls up from three results
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=response_csv.COLUMNS)
    writer.writeheader()
    writer.writerows(table)
    checked = response_csv.apply(organiser, recs[0].panel, out.getvalue())
    assert [(p["row"], p["column"]) for p in checked.problems] == [(2, "progress %")]
    assert "rolls up" in checked.problems[0]["problem"]


def test_malformed_files_are_problems_not_errors(setup):
    organiser, recs = setup
    before = snapshot(recs)
    header = ",".join(response_csv.COLUMNS) + "\n"
    checked = response_csv.apply(organiser, recs[0].panel, header + "R3,x,,,,,,,,In progress,inf\n")
    assert [(p["row"], p["column"]) for p in checked.problems] == [(2, "progress %")]
    huge = header + "R3,x,Rejected," + "a" * (csv.field_size_limit() + 10) + ",,,,,,,\n"
    checked = response_csv.apply(organiser, recs[0].panel, huge)
    assert [p["column"] for p in checked.problems] == ["file"] and checked.rows == []
    assert snapshot(recs) == before


def test_cells_a_spreadsheet_would_run_are_defused_and_the_round_trip_still_holds(setup):
    organiser, recs = setup
    recs[2].title = "=HYPERLINK(\"http://evil.example\",\"click\")"
    responses.record_response(organiser, recs[2], response="rejected", reasons="- no budget\n- no staff",
                              department="@Finance")
    before = snapshot(recs)
    text = response_csv.export(recs[0].panel)
    third = rows(text)[2]
    assert third["title"].startswith("'=") and third["reasons"].startswith("'-")
    assert third["department"] == "'@Finance"
    assert response_csv.apply(organiser, recs[0].panel, text).problems == []
    assert snapshot(recs) == before
