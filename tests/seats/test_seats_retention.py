"""Retention: personal data of never-selected volunteers is erased once the closed panel's retention
period has passed; the pseudonymous record stays and the published selection still verifies."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

import lottery
from panels import outbox
from panels.audit import AuditEvent
from panels.db import utcnow
from panels.extensions import db
from panels.panel.models import Panel
from panels.pool.models import RegistrationSettings, Volunteer
from panels.selection import inputs, retention
from panels.selection.models import SelectionRun
from tests.seats.seats_helpers import prepare, real_draw, volunteer


def _close(panel_id: int, months_ago: int, retention_months: int = 12) -> None:
    panel = db.session.get(Panel, panel_id)
    panel.status = "closed"
    panel.status_changed_at = retention.add_months(utcnow(), -months_ago)
    db.session.scalar(select(RegistrationSettings).filter_by(panel_id=panel_id)).retention_months = retention_months
    db.session.commit()


@pytest.fixture
def closed(app, world, as_user):
    """A drawn and published panel: one member declined, two pool volunteers withdrew."""
    with app.app_context():
        panel = prepare(world)
        panel_id = panel.id
        support = db.session.scalar(select(Volunteer).where(Volunteer.panel_id == panel_id,
                                                            Volunteer.public_id == "V-0039"))
        support.phone, support.address, support.support_details = "07700 900999", "1 High St", "Wheelchair"
        support.support_needs, support.availability = ["accessibility"], ["2026-03-07"]
        support.manage_token_hash = "a" * 64
        outbox.queue(support.email, "Your registration", "Dear Person39, thank you", related=support, panel=panel)
        db.session.commit()
        run = real_draw(panel, world.organiser.id, seed="retention seed")
        run.published_at = utcnow()
        db.session.commit()
        selected = list(run.selected)
        volunteer(selected[0]).status = "declined"
        pool = [v.public_id for v in db.session.scalars(select(Volunteer).where(
            Volunteer.panel_id == panel_id, Volunteer.status == "pool").order_by(Volunteer.public_id))]
        for pid in pool[:2]:
            volunteer(pid).status = "withdrawn"
        db.session.commit()
        db.session.remove()
    return panel_id, selected, pool


def test_nothing_is_erased_before_the_period_ends_or_while_the_panel_is_open(app_ctx, closed):
    panel_id, _, _ = closed
    assert retention.erase_expired() == 0  # the panel is not closed
    _close(panel_id, months_ago=11)
    assert retention.erase_expired() == 0
    assert retention.erase_expired(now=utcnow() + timedelta(days=62), dry_run=True) == 32
    assert db.session.scalar(select(Volunteer).where(Volunteer.erased_at.is_not(None))) is None


def test_retention_erases_only_never_selected_volunteers_and_the_draw_still_verifies(app, closed, tmp_path):
    panel_id, selected, pool = closed
    with app.app_context():
        _close(panel_id, months_ago=13)
        frame_before = inputs.pool_frame(db.session.get(Panel, panel_id), statuses=("pool", "withdrawn"))
        assert retention.erase_expired(dry_run=True) == 32
        assert db.session.scalar(select(Volunteer).where(Volunteer.erased_at.is_not(None))) is None
        assert retention.erase_expired() == 32  # 30 in the pool, 2 withdrawn; the 8 drawn are kept
        assert retention.erase_expired() == 0  # already done
        for v in db.session.scalars(select(Volunteer).where(Volunteer.panel_id == panel_id)):
            if v.public_id in selected:
                assert v.erased_at is None and v.first_name and v.email
            else:
                assert v.erased_at is not None and v.public_id in pool
                assert (v.first_name, v.last_name, v.email, v.phone, v.address, v.support_details) == (None,) * 6
                assert v.availability == [] and v.support_needs == [] and v.manage_token_hash is None
                assert v.answers and v.household_key.startswith("hh:") and "house" not in v.household_key
        # The household grouping survives (two erased volunteers who shared a home still do).
        frame_after = inputs.pool_frame(db.session.get(Panel, panel_id), statuses=("pool", "withdrawn"))
        groups = lambda f: sorted(sorted(g["id"]) for _, g in f.groupby("household") if len(g) > 1)  # noqa: E731
        assert groups(frame_after) == groups(frame_before)
        # Messages to them are redacted; the audit log has a count only.
        message = db.session.scalar(select(outbox.OutboxMessage).filter_by(related_type="Volunteer"))
        assert message.recipient == "[erased]" and "Person39" not in message.body_text
        event = db.session.scalar(select(AuditEvent).filter_by(action="retention.personal_data_erased"))
        assert event.details == {"count": 32, "retention_months": 12} and event.actor_id is None
        assert "@test.example" not in json.dumps(event.details)
    # The published selection still verifies from the published files.
    public = app.test_client()
    for name in ("report.json", "quotas.csv", "people.csv"):
        data = public.get(f"/p/{panel_id}/selection/{name}").data
        assert b"@test.example" not in data
        (tmp_path / name).write_bytes(data)
    report = json.loads((tmp_path / "report.json").read_text())
    assert lottery.verify_report(report, tmp_path / "quotas.csv", tmp_path / "people.csv") == []
    with app.app_context():
        run = db.session.scalar(select(SelectionRun))
        assert sorted(report["panel"]) == sorted(run.selected) == sorted(selected)


def test_the_retention_period_comes_from_the_privacy_notice(app_ctx, closed):
    panel_id, _, _ = closed
    _close(panel_id, months_ago=4, retention_months=3)
    assert retention.erase_expired() == 32


def test_retention_command_and_job(app, closed):
    panel_id, _, _ = closed
    with app.app_context():
        _close(panel_id, months_ago=13)
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["retention", "--dry-run"])
    assert dry.exit_code == 0 and "32 volunteer(s) would be erased" in dry.output
    with app.app_context():
        from panels.jobs import submit, wait

        job = submit("selection.retention", "Retention")
        assert wait(job.id, 30).status == "succeeded" and job.id
        assert db.session.get(type(job), job.id).result["erased"] == 32
    again = runner.invoke(args=["retention"])
    assert again.exit_code == 0 and "Erased the personal data of 0 volunteer(s)" in again.output
