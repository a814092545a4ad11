"""Time budget arithmetic and the norms' warnings, at their boundaries."""

from __future__ import annotations

import pytest

from curriculum import AgendaItem, Budget, Programme, Session, template, time_budget


def day(number: int, phase: str, *blocks: tuple[str, int], start: int = 9 * 60) -> Session:
    """A session made of consecutive (type, minutes) blocks."""
    items, at = [], start
    for typ, minutes in blocks:
        items.append(AgendaItem(f"{typ} {len(items) + 1}", typ, at, at + minutes))
        at += minutes
    return Session(number, f"Day {number}", phase, start, max(at, start + 1), items)


def programme(learning: int, other: int, questions: int = 60, drafting: int | None = None,
              sessions: int = 4) -> Programme:
    """``sessions`` days: learning minutes (presentations + ``questions``) spread over the first
    three, deliberation elsewhere; the last day is drafting with ``drafting`` minutes."""
    per = [0] * sessions
    drafting = 300 if drafting is None else drafting
    out = []
    rest = other - drafting
    for k in range(sessions - 1):
        lp = (learning - questions) // (sessions - 1) + (k < (learning - questions) % (sessions - 1))
        q = questions if k == 0 else 0
        g = rest // (sessions - 1) + (k < rest % (sessions - 1))
        phase = ("orientation_learning", "issues_priorities", "consensus")[min(k, 2)]
        blocks = [b for b in (("presentation", lp), ("questions", q), ("break", 30), ("small_group", g)) if b[1]]
        out.append(day(k + 1, phase, *blocks))
        per[k] = lp + q + g
    out.append(day(sessions, "drafting", ("plenary", drafting)))
    return Programme("test", out)


def codes(budget: Budget) -> set[str]:
    return {w.code for w in budget.warnings}


def test_arithmetic_by_phase_type_and_session():
    p = Programme("p", [
        day(1, "orientation_learning", ("presentation", 60), ("questions", 30), ("break", 15),
            ("site_visit", 90), ("small_group", 45)),
        day(2, "drafting", ("plenary", 60), ("small_group", 120), ("break", 60), ("public_roundtable", 30)),
    ])
    b = time_budget(p)
    assert b.sessions == 2
    assert b.total_hours == pytest.approx((60 + 30 + 90 + 45 + 60 + 120 + 30) / 60)
    assert b.break_hours == pytest.approx(75 / 60)
    assert b.learning_hours == pytest.approx(3.0)
    assert b.learning_share == pytest.approx(180 / 435)
    assert b.deliberation_hours == pytest.approx((45 + 60 + 120) / 60)
    assert b.question_hours == pytest.approx(0.5)
    assert b.hours_by_phase == pytest.approx({"orientation_learning": 225 / 60, "issues_priorities": 0,
                                              "consensus": 0, "drafting": 210 / 60})
    assert b.hours_by_type["break"] == pytest.approx(1.25)
    assert b.hours_by_type["public_roundtable"] == pytest.approx(0.5)
    assert b.hours_by_session == pytest.approx([225 / 60, 210 / 60])
    assert Budget.from_dict(b.to_dict()) == b


def test_nested_items_count_once_under_their_own_type_and_phase():
    block = AgendaItem("Block", "plenary", "10:00", "12:00", items=[
        AgendaItem("Talk", "presentation", "10:00", "10:45"),
        AgendaItem("Drafting clinic", "small_group", "11:00", "11:30", phase="drafting"),
    ])
    b = time_budget(Programme("p", [Session(1, "d", "orientation_learning", "09:30", "16:30", [block])]))
    assert b.total_hours == pytest.approx(2.0)
    assert b.hours_by_type["plenary"] == pytest.approx(0.75)
    assert b.hours_by_type["presentation"] == pytest.approx(0.75)
    assert b.hours_by_phase["drafting"] == pytest.approx(0.5)
    assert b.hours_by_phase["orientation_learning"] == pytest.approx(1.5)


def test_total_hours_boundary():
    assert "total_hours_low" not in codes(time_budget(programme(1080, 720)))  # exactly 30 h
    assert "total_hours_low" in codes(time_budget(programme(1080, 719)))  # 29 h 59
    assert "total_hours_low" in codes(time_budget(programme(900, 700)))


def test_learning_share_boundaries():
    assert codes(time_budget(programme(1000, 1000))) & {"learning_share_low", "learning_share_high"} == set()
    assert "learning_share_low" in codes(time_budget(programme(999, 1001)))
    assert "learning_share_low" in codes(time_budget(programme(700, 1300)))
    assert codes(time_budget(programme(1500, 500))) & {"learning_share_low", "learning_share_high"} == set()
    assert "learning_share_high" in codes(time_budget(programme(1501, 499)))
    assert "learning_share_high" in codes(time_budget(programme(1800, 400)))


def test_no_questions_boundary():
    assert "no_questions" in codes(time_budget(programme(1200, 800, questions=0)))
    assert "no_questions" not in codes(time_budget(programme(1200, 800, questions=1)))


def test_drafting_boundary_is_one_session():
    learning_days = [day(k, ph, ("presentation", 300), ("questions", 60), ("small_group", 120))
                     for k, ph in enumerate(["orientation_learning", "issues_priorities", "consensus"], 1)]
    p = Programme("p", learning_days + [day(4, "drafting", ("small_group", 480))])  # sessions of 8 h each
    assert "drafting_short" not in codes(time_budget(p))
    p.sessions[3].items[0].end = 9 * 60 + 479
    assert "drafting_short" in codes(time_budget(p))
    p.sessions[3].items[0].end = 9 * 60 + 240
    warning = next(w for w in time_budget(p).warnings if w.code == "drafting_short")
    assert warning.message == "Drafting recommendations has 4.0 hours, less than one session (8.0 hours)"


def test_missing_drafting_and_phases_are_warned():
    p = Programme("p", [day(k, "orientation_learning", ("presentation", 400), ("questions", 100),
                            ("small_group", 150)) for k in range(1, 4)])
    assert {"drafting_short", "phase_missing"} <= codes(time_budget(p))
    assert sum(w.code == "phase_missing" for w in time_budget(p).warnings) == 3


def test_invalid_agenda_is_warned_and_empty_programme_is_quiet():
    p = template(8)
    p.sessions[0].items[1].start = "09:00"
    assert "invalid_agenda" in codes(time_budget(p))
    empty = time_budget(Programme("empty"))
    assert empty.total_hours == 0 and codes(empty) == {"total_hours_low"}


def test_dict_input_and_custom_norms():
    p = template(6).to_dict()
    assert "total_hours_low" in codes(time_budget(p, min_hours=40))
    assert "learning_share_low" in codes(time_budget(p, learning_range=(0.6, 0.75)))
