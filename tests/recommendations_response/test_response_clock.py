"""The commitment clock on plain dates: month ends, deadlines, overdue, and which reminder is due."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from panels.recommendations import clock
from panels.recommendations.clock import Deadline, Progress, Terms, add_months, deadlines, reminder_kind

DAYS = st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31))


def test_month_ends_are_clamped_not_overflowed():
    assert add_months(date(2027, 1, 31), 1) == date(2027, 2, 28)
    assert add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)  # leap year
    assert add_months(date(2027, 8, 31), 4) == date(2027, 12, 31)
    assert add_months(date(2027, 10, 31), 4) == date(2028, 2, 29)
    assert add_months(date(2027, 11, 30), 3) == date(2028, 2, 29)
    assert add_months(date(2027, 3, 15), -3) == date(2026, 12, 15)


@given(DAYS, st.integers(min_value=-120, max_value=120))
def test_add_months_moves_whole_months_and_keeps_the_day_when_it_can(day, months):
    moved = add_months(day, months)
    assert (moved.year * 12 + moved.month) - (day.year * 12 + day.month) == months
    assert moved.day == day.day or (moved.day < day.day and (moved + timedelta(days=1)).day == 1)


@given(DAYS, st.integers(min_value=0, max_value=60), st.integers(min_value=0, max_value=60))
def test_add_months_is_monotone(day, a, b):
    if a <= b:
        assert add_months(day, a) <= add_months(day, b)


def test_default_terms_give_the_response_at_four_months_and_progress_at_3_9_15_21():
    items = deadlines(Terms(date(2027, 1, 31)))
    assert [(d.key, d.due_on) for d in items] == [
        ("progress-1", date(2027, 4, 30)), ("response", date(2027, 5, 31)), ("progress-2", date(2027, 10, 31)),
        ("progress-3", date(2028, 4, 30)), ("progress-4", date(2028, 10, 31))]  # counted from delivery: no drift


def test_progress_reports_stop_when_the_panel_closes():
    items = deadlines(Terms(date(2027, 1, 10), until=date(2027, 12, 1)))
    assert [d.key for d in items] == ["progress-1", "response", "progress-2"]


@given(DAYS, st.integers(1, 36), st.integers(1, 36), st.integers(1, 24), st.one_of(st.none(), DAYS))
def test_deadlines_are_ordered_and_within_the_horizon(delivered, response, first, every, until):
    terms = Terms(delivered, response, first, every, until=until)
    items = deadlines(terms)
    assert [d.due_on for d in items] == sorted(d.due_on for d in items)
    assert sum(d.key == "response" for d in items) == 1
    progress = [d for d in items if d.key != "response"]
    assert all(d.due_on <= terms.horizon for d in progress)
    assert [d.number for d in progress] == list(range(1, len(progress) + 1))


def test_met_deadlines_follow_what_was_delivered():
    progress = Progress(responded=True, responded_on=date(2027, 5, 2), reports={1: date(2027, 4, 28)})
    items = {d.key: d for d in deadlines(Terms(date(2027, 1, 31)), progress)}
    assert items["response"].met and items["response"].met_on == date(2027, 5, 2)
    assert items["progress-1"].met and not items["progress-2"].met


def test_before_on_and_after_a_deadline():
    due = date(2027, 5, 31)
    d = Deadline("response", "Government response", due)
    cases = {due - timedelta(days=15): (None, "upcoming", False),
             due - timedelta(days=14): ("before", "upcoming", False),
             due - timedelta(days=1): ("before", "upcoming", False),
             due: ("due", "due", False),
             due + timedelta(days=1): ("overdue", "overdue", True),
             due + timedelta(days=40): ("overdue", "overdue", True)}
    for today, (kind, state, late) in cases.items():
        assert reminder_kind(d, today, 14) == kind, today
        assert d.state(today) == state and d.overdue(today) is late
    assert d.days_late(due + timedelta(days=3)) == 3


def test_a_met_deadline_is_never_overdue_and_needs_no_reminder():
    d = Deadline("progress-1", "Progress report 1", date(2027, 4, 30), met=True, met_on=date(2027, 5, 20))
    for offset in (-14, 0, 1, 100):
        today = d.due_on + timedelta(days=offset)
        assert reminder_kind(d, today, 14) is None and not d.overdue(today) and d.state(today) == "met"


@given(DAYS, st.integers(-400, 400), st.integers(0, 90), st.booleans())
def test_at_most_one_reminder_kind_a_day_and_none_when_met(due, offset, days, met):
    d = Deadline("response", "Response", due, met=met)
    today = due + timedelta(days=offset)
    kind = reminder_kind(d, today, days)
    if met:
        assert kind is None
    elif offset > 0:
        assert kind == "overdue"
    elif offset == 0:
        assert kind == "due"
    else:
        assert kind == ("before" if -offset <= days else None)
    assert clock.reminders_due([d], today, days) == ([(d, kind)] if kind else [])


def test_overdue_and_next_open():
    items = deadlines(Terms(date(2027, 1, 31)), Progress(reports={1: date(2027, 4, 30)}))
    today = date(2027, 6, 5)
    assert [d.key for d in clock.overdue(items, today)] == ["response"]
    assert clock.next_open(items, today).key == "progress-2"
