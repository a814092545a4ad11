"""A person's change to a panel brings its evidence records up to date at once; a resident's does not."""

from __future__ import annotations

from sqlalchemy import func, select

from tests.evidence_feed.evidence_feed_helpers import build_lifecycle


def _count(app, panel_id: int) -> int:
    from panels.evidence.models import EvidenceRecord
    from panels.extensions import db

    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(EvidenceRecord)
                                 .where(EvidenceRecord.panel_id == panel_id))


def _add_topic(client, panel_id: int):
    return client.post(f"/panels/{panel_id}/topics", data={"title": "Parking", "question": "Where?"})


def test_a_staff_change_runs_the_feed_for_that_panel(app, world, as_user):
    with app.app_context():
        build_lifecycle(world.panel.id)
    assert _count(app, world.panel.id) == 0
    response = _add_topic(as_user("organiser"), world.panel.id)
    assert response.status_code in (302, 303)
    assert _count(app, world.panel.id) > 0


def test_the_feed_on_change_can_be_switched_off(app, world, as_user):
    app.config["EVIDENCE_FEED_ON_CHANGE"] = False
    try:
        with app.app_context():
            build_lifecycle(world.panel.id)
        _add_topic(as_user("organiser"), world.panel.id)
        assert _count(app, world.panel.id) == 0
    finally:
        app.config["EVIDENCE_FEED_ON_CHANGE"] = True


def test_a_refused_change_runs_nothing(app, world, as_user):
    with app.app_context():
        build_lifecycle(world.panel.id)
    response = _add_topic(as_user("member"), world.panel.id)
    assert response.status_code == 403
    assert _count(app, world.panel.id) == 0
