"""The clock in the database: reminders go exactly once per deadline and kind, to the right people,
and the overdue flag clears when the response is recorded."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from panels.accounts.models import User
from panels.extensions import db
from panels.outbox import OutboxMessage
from panels.recommendations import responses
from panels.recommendations.models import DeadlineReminder, Recommendation
from tests.recommendations_response.response_helpers import adopted_recommendations, delivered_report

DELIVERED = date(2027, 1, 31)
RESPONSE_DUE = date(2027, 5, 31)
PROGRESS_1 = date(2027, 4, 30)


@pytest.fixture
def panel(app_ctx, world):
    from panels.panel.models import Panel

    adopted_recommendations(world.panel.id, 2)
    delivered_report(world.panel.id, DELIVERED)
    return db.session.get(Panel, world.panel.id)


def mail(subject_start: str = "") -> list[OutboxMessage]:
    return [m for m in db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
            if m.subject.startswith(subject_start) and m.recipient != "someone@test.example"]


def test_each_reminder_goes_once_even_when_run_twice_a_day_and_on_later_days(panel):
    assert responses.send_due_reminders(today=RESPONSE_DUE - timedelta(days=15)) == 1  # progress 1 is overdue
    assert [m.subject for m in mail()] == [f"Overdue: Progress report 1 for {panel.title} was due on 30 April 2027"]
    assert responses.send_due_reminders(today=RESPONSE_DUE - timedelta(days=14)) == 1
    assert responses.send_due_reminders(today=RESPONSE_DUE - timedelta(days=14)) == 0  # the same day again
    assert responses.send_due_reminders(today=RESPONSE_DUE - timedelta(days=3)) == 0  # a later day, same window
    assert len(mail("Reminder: Government response")) == 1
    assert responses.send_due_reminders(today=RESPONSE_DUE) == 1
    assert responses.send_due_reminders(today=RESPONSE_DUE) == 0
    assert len(mail("Due today: Government response")) == 1
    assert responses.send_due_reminders(today=RESPONSE_DUE + timedelta(days=1)) == 1
    assert responses.send_due_reminders(today=RESPONSE_DUE + timedelta(days=9)) == 0
    assert len(mail("Overdue: Government response")) == 1
    kinds = {(r.deadline, r.kind) for r in db.session.scalars(select(DeadlineReminder))}
    assert kinds == {("progress-1", "overdue"), ("response", "before"), ("response", "due"), ("response", "overdue")}
    assert all(m.recipient == "lead@council.example" and "/response" in m.body_text for m in mail())


def test_nothing_is_sent_before_the_window_or_once_the_deadline_is_met(panel, world):
    assert responses.send_due_reminders(today=PROGRESS_1 - timedelta(days=15)) == 0
    organiser = db.session.get(User, world.organiser.id)
    responses.record_progress_report(organiser, panel, number=1, delivered_on=PROGRESS_1 - timedelta(days=20))
    for rec in responses.adopted(panel):
        responses.record_response(organiser, rec, response="accepted", responded_on=RESPONSE_DUE - timedelta(days=30))
    for offset in (-14, 0, 1, 30):
        assert responses.send_due_reminders(today=RESPONSE_DUE + timedelta(days=offset)) == 0
    assert [m for m in mail() if not m.subject.startswith(ASKED)] == []


ASKED = "How did the government do?"


def test_members_are_asked_to_rate_once_at_each_progress_report(panel, world):
    organiser = db.session.get(User, world.organiser.id)
    responses.record_progress_report(organiser, panel, number=1, delivered_on=PROGRESS_1)
    responses.record_progress_report(organiser, panel, number=1, delivered_on=PROGRESS_1,
                                     summary="A correction")  # the same report again: no second e-mail
    asked = mail(ASKED)
    assert [m.recipient for m in asked] == ["member@test.example"]
    assert "progress report 1" in asked[0].subject and f"/panels/{panel.id}/response" in asked[0].body_text
    responses.record_progress_report(organiser, panel, number=2, delivered_on=PROGRESS_1 + timedelta(days=180))
    assert [m.subject.split(" Rate ")[1] for m in mail(ASKED)] == [
        f"progress report 1 to {panel.title}", f"progress report 2 to {panel.title}"]


def test_progress_reminders_also_go_to_each_responses_officer(panel, world):
    organiser = db.session.get(User, world.organiser.id)
    recs = responses.adopted(panel)
    responses.record_response(organiser, recs[0], response="accepted", responsible_email="parks@council.example")
    responses.record_response(organiser, recs[1], response="rejected", reasons="No budget.",
                              responsible_email="LEAD@council.example")  # the same person, once
    assert responses.send_due_reminders(today=PROGRESS_1) == 1
    assert sorted(m.recipient for m in mail("Due today: Progress report 1")) == [
        "lead@council.example", "parks@council.example"]


def test_without_anyone_to_tell_nothing_is_recorded_and_it_catches_up_later(app_ctx, world):
    from panels.panel.models import Panel

    adopted_recommendations(world.panel.id, 1)
    delivered_report(world.panel.id, DELIVERED, email=None)
    assert responses.send_due_reminders(today=RESPONSE_DUE) == 0
    assert db.session.scalar(select(DeadlineReminder)) is None
    delivered_report(world.panel.id, DELIVERED, email="late@council.example")
    assert responses.send_due_reminders(today=RESPONSE_DUE) == 2  # progress 1 overdue, response due today
    assert db.session.get(Panel, world.panel.id) is not None


def test_a_second_worker_that_loses_the_race_sends_nothing(panel):
    db.session.add(DeadlineReminder(panel_id=panel.id, deadline="response", kind="due"))
    db.session.commit()
    # The first worker's row is there; this run skips it (its own insert would fail on the unique key).
    assert responses.send_due_reminders(today=RESPONSE_DUE) == 1  # only progress-1 overdue
    assert mail("Due today") == []


def test_the_overdue_flag_clears_when_every_response_is_recorded(panel, world):
    organiser = db.session.get(User, world.organiser.id)
    late = RESPONSE_DUE + timedelta(days=5)
    items = {d.key: d for d in responses.deadlines_of(panel)}
    assert items["response"].overdue(late)
    recs = responses.adopted(panel)
    responses.record_response(organiser, recs[0], response="accepted")
    assert {d.key: d for d in responses.deadlines_of(panel)}["response"].overdue(late)  # one still missing
    responses.record_response(organiser, recs[1], response="under_consideration", reasons="Costing it.")
    items = {d.key: d for d in responses.deadlines_of(panel)}
    assert items["response"].met and not items["response"].overdue(late)


def test_the_command_runs_both_kinds_of_reminder(app, panel):
    result = app.test_cli_runner().invoke(args=["reminders"])
    assert result.exit_code == 0, result.output
    assert "reminder(s) sent" in result.output and "government-response reminder(s) queued" in result.output


def test_only_adopted_recommendations_count(panel, world):
    adopted_recommendations(world.panel.id, 1, first=10, status="not_adopted")
    assert len(responses.adopted(panel)) == 2
    assert db.session.scalar(select(Recommendation).filter_by(number=10)).status == "not_adopted"


def test_the_unique_row_stops_a_reminder_claimed_during_the_run(panel, monkeypatch):
    """The race itself: the same reminder comes up twice in one run, as if a second worker had
    claimed it between the read and the write; the unique key refuses it and no e-mail doubles."""
    from panels.recommendations import clock

    original = clock.reminders_due
    monkeypatch.setattr(clock, "reminders_due", lambda *args: original(*args) * 2)
    assert responses.send_due_reminders(today=RESPONSE_DUE) == 2  # progress-1 overdue, response due
    assert len(mail("Due today: Government response")) == 1 and len(mail("Overdue: Progress report 1")) == 1
