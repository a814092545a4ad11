"""The feed turns a scripted panel lifecycle into exactly the expected evidence records, idempotently."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tests.evidence_feed.evidence_feed_helpers import EXPECTED, PERSONAL, TODAY, build_lifecycle


@pytest.fixture
def lifecycle(app, world):
    with app.app_context():
        return build_lifecycle(world.panel.id)


def _records():
    from panels.evidence.models import EvidenceRecord
    from panels.extensions import db

    return list(db.session.scalars(select(EvidenceRecord).order_by(EvidenceRecord.id)))


def _mapping():
    from panels.evidence import mapping

    return {i.key: i for i in mapping.load()}


def test_the_feed_records_exactly_the_expected_values(app, lifecycle):
    from panels.evidence.feed import run_feed

    with app.app_context():
        summary = run_feed(today=TODAY)
        records = _records()
        indicators = _mapping()
        got = {(r.indicator, r.capability, r.feed_key.rsplit(":", 1)[1]): r.value for r in records}
        expected = {(ind, cap, period): value for (ind, period), value in EXPECTED.items()
                    for cap in indicators[ind].capabilities}
        assert got == expected
        assert summary.created == len(expected) and summary.removed == 0
        assert indicators["response_rate"].capabilities == ("coalitions", "inclusiveness", "data_use")
        for r in records:
            assert r.source == "feed" and r.attribution == "contributed to"
            assert r.organisation_id == lifecycle["organisation_id"] and r.panel_id == lifecycle["panel_id"]
            assert r.unit == indicators[r.indicator].unit and r.confidence == indicators[r.indicator].confidence
            assert r.feed_key.startswith(f"{r.organisation_id}:{r.panel_id}:{r.indicator}:{r.capability}:")
            assert r.source_url and r.source_kind


def test_each_record_links_back_to_what_produced_it(app, lifecycle):
    from panels.evidence.feed import run_feed

    with app.app_context():
        run_feed(today=TODAY)
        by_indicator = {r.indicator: r for r in _records()}
        pid = lifecycle["panel_id"]
        assert by_indicator["response_rate"].source_url == f"/panels/{pid}/responses"
        assert by_indicator["response_rate"].observed_on == date(2026, 1, 14)  # the last household that answered
        assert by_indicator["panel_census_distance"].source_url == f"/p/{pid}/selection"
        assert by_indicator["panel_census_distance"].source_kind == "selection_run"
        assert by_indicator["panel_census_distance"].observed_on == date(2026, 3, 1)
        assert by_indicator["speakers"].source_url == f"/panels/{pid}/speakers"
        assert by_indicator["retention"].source_url == f"/panels/{pid}/attendance"
        assert by_indicator["evaluation_heard"].source_url == f"/panels/{pid}/evaluations"
        assert by_indicator["response_days"].observed_on == date(2026, 8, 10)
        checkpoints = {r.feed_key.rsplit(":", 1)[1]: r.observed_on for r in _records()
                       if r.indicator == "implementation_progress" and r.capability == "adapting_focus"}
        assert checkpoints == {"3m": date(2026, 7, 1), "6m": date(2026, 10, 1), "12m": date(2027, 4, 1)}


def test_running_again_changes_nothing_and_keeps_the_ids(app, lifecycle):
    from panels.evidence.feed import run_feed

    with app.app_context():
        run_feed(today=TODAY)
        first = [(r.id, r.feed_key, r.value, r.updated_at) for r in _records()]
        summary = run_feed(today=TODAY)
        assert [(r.id, r.feed_key, r.value, r.updated_at) for r in _records()] == first
        assert (summary.created, summary.updated, summary.removed) == (0, 0, 0)
        assert summary.unchanged == len(first)


def test_a_later_run_updates_values_in_place_and_adds_new_checkpoints(app, lifecycle):
    from panels.evidence.feed import run_feed
    from panels.evidence.models import EvidenceRecord
    from panels.extensions import db
    from panels.sessions.models import Speaker

    with app.app_context():
        run_feed(today=TODAY)
        ids = {r.feed_key: r.id for r in _records()}
        db.session.add(Speaker(panel_id=lifecycle["panel_id"], name="New Person", affiliation="Trade Union",
                               perspective="neutral"))
        db.session.commit()
        summary = run_feed(today=date(2028, 6, 1))  # now the 24-month checkpoint has passed too
        after = {r.feed_key: r for r in _records()}
        assert {k: after[k].id for k in ids} == ids  # same rows
        speakers = db.session.scalar(select(EvidenceRecord).filter_by(indicator="speakers", capability="coalitions"))
        assert speakers.value == 4.0
        assert any(k.endswith("implementation_progress:adapting_focus:24m") for k in after)
        assert summary.created == 2 and summary.updated > 0


def test_records_of_a_value_that_disappears_are_removed_but_hand_entered_ones_stay(app, lifecycle):
    from panels.evidence.feed import run_feed
    from panels.evidence.models import EvidenceRecord
    from panels.extensions import db
    from panels.sessions.models import Speaker

    with app.app_context():
        run_feed(today=TODAY)
        db.session.add(EvidenceRecord(organisation_id=lifecycle["organisation_id"], panel_id=lifecycle["panel_id"],
                                      framework="psci", capability="coalitions", indicator="speakers", value=9,
                                      observed_on=TODAY, source="manual"))
        db.session.query(Speaker).delete()
        db.session.commit()
        summary = run_feed(today=TODAY)
        left = _records()
        assert not [r for r in left if r.source == "feed" and r.indicator.startswith(("speaker", "external"))]
        assert [r.value for r in left if r.source == "manual"] == [9]
        assert summary.removed == 2 + 2 + 1  # speakers, perspectives (2 capabilities each), organisations (1)


def test_scoped_runs_touch_only_their_scope(app, world, lifecycle):
    from panels.accounts.models import Organisation
    from panels.evidence.feed import run_feed
    from panels.extensions import db
    from panels.panel.models import Panel

    with app.app_context():
        run_feed(today=TODAY)
        count = len(_records())
        other = db.session.get(Organisation, world.other_org.id)
        assert run_feed(organisation=other, today=TODAY).removed == 0
        panel = db.session.get(Panel, world.panel.id)
        summary = run_feed(panel=panel, today=TODAY)
        assert (summary.created, summary.removed, summary.unchanged) == (0, 0, count)


def test_no_personal_data_ever_reaches_a_record(app, lifecycle):
    from panels.evidence.feed import run_feed
    from panels.evidence.models import EvidenceRecord

    with app.app_context():
        run_feed(today=TODAY)
        text_columns = [c.key for c in EvidenceRecord.__table__.columns if str(c.type).startswith(("VARCHAR", "TEXT"))]
        assert {"indicator", "note", "source_url", "feed_key", "unit"} <= set(text_columns)
        records = _records()
        assert records
        for record in records:
            for column in text_columns:
                text = (getattr(record, column) or "").casefold()
                for personal in PERSONAL:
                    assert personal.casefold() not in text, (column, record.indicator)
            assert record.created_by_id is None
