"""Programme templates and agenda validation."""

from __future__ import annotations

import json

import pytest

from curriculum import (
    PHASES,
    AgendaItem,
    Programme,
    Session,
    fmt_time,
    template,
    time_budget,
    to_minutes,
    validate_agenda,
    validate_programme,
)
from curriculum.plans import walk


def session(*items: AgendaItem, start="09:30", end="16:30", phase="orientation_learning") -> Session:
    return Session(1, "Day one", phase, start, end, list(items))


@pytest.mark.parametrize("n", [6, 8, 11])
def test_templates_have_the_four_phases_in_order_and_meet_the_norms(n):
    programme = template(n)
    assert [s.number for s in programme.sessions] == list(range(1, n + 1))
    phases = [phase for s in programme.sessions for _, item, phase in walk(s.items, s.phase) if item.type != "break"]
    order = [PHASES.index(p) for p in phases]
    assert order == sorted(order)
    assert set(phases) == set(PHASES)
    assert validate_programme(programme) == []
    budget = time_budget(programme)
    assert 0.5 <= budget.learning_share <= 0.75
    assert budget.total_hours >= 30
    assert budget.warnings == []
    assert programme.sessions[0].phase == "orientation_learning"
    assert programme.sessions[-1].phase == "drafting"


@pytest.mark.parametrize("n", [6, 8, 11])
def test_templates_are_learning_heavy_early_and_have_breaks(n):
    programme = template(n)
    first, last = programme.sessions[1], programme.sessions[-1]

    def learning(s):
        return sum(i.minutes for i in s.items if i.type in ("presentation", "questions", "site_visit"))

    assert learning(first) > learning(last)
    for s in programme.sessions:
        assert s.start == "09:30" and s.end == "16:30"
        assert sum(i.type == "break" for i in s.items) == 3


def test_template_scales_to_other_days_and_round_trips_as_json():
    programme = template(6, day_hours=("09:00", "17:00"))
    assert validate_programme(programme) == []
    assert programme.sessions[0].items[-1].end == "17:00"
    again = Programme.from_dict(json.loads(json.dumps(programme.to_dict())))
    assert again == programme


def test_template_refuses_other_sizes_and_short_days():
    with pytest.raises(ValueError, match="6, 8, 11"):
        template(7)
    with pytest.raises(ValueError, match="too short"):
        template(6, day_hours=("09:30", "11:00"))


def test_times_in_both_forms():
    assert to_minutes("09:30") == 570 == to_minutes(570)
    assert fmt_time(570) == "09:30"
    for bad in ("9.30", "25:00", "10:75", -5, True):
        with pytest.raises(ValueError):
            to_minutes(bad)


def test_overlap_is_refused_with_its_reason():
    s = session(
        AgendaItem("Welcome", "plenary", "09:30", "10:00"),
        AgendaItem("Speaker", "presentation", "10:00", "11:30"),
        AgendaItem("Questions", "questions", "11:30", "12:15"),
        AgendaItem("Tables", "small_group", "12:00", "12:45"),
    )
    problems = validate_agenda(s)
    assert [p.code for p in problems] == ["overlap"]
    assert problems[0].message == "Item 3 “Questions” (11:30-12:15) overlaps item 4 “Tables” (12:00-12:45)"
    assert problems[0].item == "4" and problems[0].session == 1


def test_touching_items_and_minutes_are_fine():
    s = session(AgendaItem("A", "plenary", 570, 600), AgendaItem("B", "break", "10:00", "10:15"))
    assert validate_agenda(s) == []


def test_each_kind_of_problem_is_reported():
    s = session(
        AgendaItem("Early", "plenary", "09:00", "09:45"),
        AgendaItem("Backwards", "plenary", "11:00", "10:00"),
        AgendaItem("Dance", "dance", "12:00", "12:30"),
        AgendaItem("Garbled", "plenary", "noon", "13:00"),
        AgendaItem("Zero", "plenary", "14:00", "14:00"),
        AgendaItem("Odd phase", "plenary", "15:00", "15:30", phase="voting"),
    )
    codes = [p.code for p in validate_agenda(s)]
    assert sorted(codes) == sorted(["outside", "end_before_start", "unknown_type", "bad_time",
                                    "end_before_start", "unknown_phase"])
    messages = " | ".join(p.message for p in validate_agenda(s))
    assert "Item 1 “Early” (09:00-09:45) is outside the session (09:30-16:30)" in messages
    assert "Item 2 “Backwards” (11:00-10:00) ends before it starts" in messages
    assert "unknown type “dance”" in messages


def test_nested_items_must_fit_their_parent_and_not_overlap_each_other():
    block = AgendaItem("Learning block", "presentation", "10:00", "12:00", items=[
        AgendaItem("Talk", "presentation", "10:00", "10:45"),
        AgendaItem("Q&A", "questions", "10:40", "11:15"),
        AgendaItem("Late", "small_group", "11:30", "12:30"),
    ])
    problems = validate_agenda(session(block))
    by_code = {p.code: p for p in problems}
    assert set(by_code) == {"overlap", "outside"}
    assert by_code["overlap"].message == "Item 1.1 “Talk” (10:00-10:45) overlaps item 1.2 “Q&A” (10:40-11:15)"
    assert by_code["outside"].message == "Item 1.3 “Late” (11:30-12:30) is outside item 1 (10:00-12:00)"


def test_session_problems():
    problems = validate_agenda(Session(2, "Bad", "voting", "16:00", "09:00"))
    assert {p.code for p in problems} == {"unknown_phase", "end_before_start"}
    garbled = Session.from_dict({"number": 3, "phase": "drafting", "start": "9", "end": "10:00"})
    assert [p.code for p in validate_agenda(garbled)] == ["bad_time"]


def test_programme_phase_order_and_duplicate_numbers():
    programme = template(6)
    programme.sessions[1].phase = "drafting"
    programme.sessions[2].number = 1
    codes = {p.code for p in validate_programme(programme)}
    assert codes == {"phase_order", "duplicate_session"}
