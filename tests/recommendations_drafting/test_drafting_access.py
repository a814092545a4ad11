"""Who reads and who writes: the panel reads its drafts; co-authors and staff edit; nobody after reporting."""

from __future__ import annotations

import pytest

from tests.conftest import login
from tests.recommendations_drafting import drafting_helpers as h


def _count(app, model_name):
    from panels.extensions import db
    from panels.recommendations import models

    with app.app_context():
        return db.session.query(getattr(models, model_name)).count()


def test_a_member_of_another_panel_cannot_read_drafts(app, world):
    rec_id = h.draft(app, world, title="Secret draft")
    stranger = h.add_member(app, world, email="stranger@test.example", name="Stranger",
                            panel_id=world.other_panel.id)
    client = app.test_client()
    login(client, stranger.email)
    for url in (f"/panels/{world.panel.id}/recommendations", h.rec_url(world, rec_id),
                h.rec_url(world, rec_id, "/compare")):
        response = client.get(url)
        assert response.status_code == 403 and "Secret draft" not in response.get_data(as_text=True)
    # nor reach this panel's recommendation through their own panel's URL
    assert client.get(f"/panels/{world.other_panel.id}/recommendations/{rec_id}").status_code == 404


def test_anonymous_is_sent_to_log_in(app, world, client):
    rec_id = h.draft(app, world)
    for url in (f"/panels/{world.panel.id}/recommendations", h.rec_url(world, rec_id)):
        response = client.get(url)
        assert response.status_code == 302 and "/login?next=" in response.headers["Location"]


def test_an_observer_reads_but_cannot_write(app, world, as_user):
    rec_id = h.draft(app, world, title="Bus lanes")
    client = as_user("observer")
    page = client.get(h.rec_url(world, rec_id)).get_data(as_text=True)
    assert "Bus lanes" in page
    assert "Edit</a>" not in page and "Add the comment" not in page and "Propose an amendment" not in page
    assert client.post(h.rec_url(world, rec_id, "/edit"), data={"title": "X", "text": "Y"}).status_code == 403
    assert client.post(h.rec_url(world, rec_id, "/comments"), data={"text": "Hi"}).status_code == 403
    assert client.post(h.rec_url(world, rec_id, "/amendments/new"),
                       data={"section": "text", "new_text": "Z"}).status_code == 403
    assert client.post(f"/panels/{world.panel.id}/recommendations/new",
                       data={"title": "X", "text": "Y"}).status_code == 403
    assert _count(app, "RecommendationVersion") == 1 and _count(app, "Comment") == 0


def test_a_member_who_is_not_a_co_author_comments_and_amends_but_does_not_edit(app, world):
    rec_id = h.draft(app, world)
    other = h.add_member(app, world)
    client = app.test_client()
    login(client, other.email)
    assert client.get(h.rec_url(world, rec_id, "/edit")).status_code == 403
    assert client.post(h.rec_url(world, rec_id, "/edit"), data={"title": "X", "text": "Y"}).status_code == 403
    assert client.post(h.rec_url(world, rec_id, "/comments"), data={"text": "Good idea"}).status_code == 302
    assert _count(app, "Comment") == 1 and _count(app, "RecommendationVersion") == 1
    # once added as a co-author they can edit
    login_member = app.test_client()
    login(login_member, world.member.email)
    login_member.post(h.rec_url(world, rec_id, "/authors"), data={"user": other.id})
    assert client.post(h.rec_url(world, rec_id, "/edit"), data={"title": "X", "text": "Y"}).status_code == 302
    assert _count(app, "RecommendationVersion") == 2


def test_only_members_of_the_panel_can_be_co_authors(app, world, as_user):
    rec_id = h.draft(app, world)
    stranger = h.add_member(app, world, email="stranger@test.example", name="Stranger",
                            panel_id=world.other_panel.id)
    response = as_user("member").post(h.rec_url(world, rec_id, "/authors"), data={"user": stranger.id},
                                      follow_redirects=True)
    assert "Co-author: choose a member of this panel" in response.get_data(as_text=True)
    from panels.extensions import db
    from panels.recommendations.models import Recommendation

    with app.app_context():
        assert [a.id for a in db.session.get(Recommendation, rec_id).authors] == [world.member.id]


def test_sources_must_belong_to_the_panel(app, world, as_user):
    from tests.sessions.sessions_helpers import add_session, add_speaker

    rec_id = h.draft(app, world)
    session_id = add_session(app, world.panel.id, title="Learning day")
    foreign = add_speaker(app, world.other_panel.id, "Someone Else")
    client = as_user("member")
    response = client.post(h.rec_url(world, rec_id, "/sources"), data={"target": f"speaker:{foreign}"},
                           follow_redirects=True)
    assert "is not part of this panel" in response.get_data(as_text=True)
    client.post(h.rec_url(world, rec_id, "/sources"), data={"target": f"session:{session_id}", "note": "Day one"})
    page = client.get(h.rec_url(world, rec_id)).get_data(as_text=True)
    assert f"/programme/sessions/{session_id}" in page and "Session 1: Learning day" in page
    assert _count(app, "RecommendationSource") == 1


@pytest.mark.parametrize("status", ["responded", "closed"])
def test_nothing_can_be_changed_past_reporting(app, world, as_user, status):
    rec_id = h.draft(app, world)
    other = h.add_member(app, world)
    amendment_id = h.propose(app, rec_id, other.id, "Run buses every 5 minutes.")
    h.set_panel_status(app, world.panel.id, status)
    client = as_user("member")
    response = client.post(h.rec_url(world, rec_id, "/edit"), data={"title": "X", "text": "Y"},
                           follow_redirects=True)
    assert "can no longer be changed" in response.get_data(as_text=True)
    client.post(h.rec_url(world, rec_id, "/comments"), data={"text": "Late"})
    client.post(h.amendment_url(world, rec_id, amendment_id, "accept"))
    assert as_user("facilitator").post(f"/panels/{world.panel.id}/recommendations/new",
                                       data={"title": "Late", "text": "Too late"}).status_code == 422
    assert _count(app, "RecommendationVersion") == 1 and _count(app, "Comment") == 0
    assert _count(app, "Recommendation") == 1
    page = client.get(h.rec_url(world, rec_id)).get_data(as_text=True)
    assert "Buses every ten minutes" in page and "Propose an amendment" not in page


def test_staff_set_the_status_and_members_cannot(app, world, as_user):
    rec_id = h.draft(app, world)
    assert as_user("member").post(h.rec_url(world, rec_id, "/status"), data={"status": "ready"}).status_code == 403
    as_user("facilitator").post(h.rec_url(world, rec_id, "/status"), data={"status": "ready"})
    page = as_user("member").get(f"/panels/{world.panel.id}/recommendations").get_data(as_text=True)
    assert "Ready for a vote" in page
    response = as_user("facilitator").post(h.rec_url(world, rec_id, "/status"), data={"status": "adopted"},
                                           follow_redirects=True)
    assert "Status: choose draft" in response.get_data(as_text=True)


def test_nothing_can_be_changed_once_the_final_report_is_published(app, world, as_user):
    """The public report shows the recommendations' texts: edits after publication would rewrite it."""
    from panels.db import utcnow
    from panels.extensions import db
    from panels.recommendations.models import FinalReport

    rec_id = h.draft(app, world)
    other = h.add_member(app, world)
    amendment_id = h.propose(app, rec_id, other.id, "Run buses every 5 minutes.")
    h.set_panel_status(app, world.panel.id, "reporting")
    with app.app_context():
        db.session.add(FinalReport(panel_id=world.panel.id, status="published", published_at=utcnow()))
        db.session.commit()
    client = as_user("member")
    response = client.post(h.rec_url(world, rec_id, "/edit"), data={"title": "X", "text": "Y"},
                           follow_redirects=True)
    assert "final report is published" in response.get_data(as_text=True)
    client.post(h.amendment_url(world, rec_id, amendment_id, "accept"))
    client.post(h.rec_url(world, rec_id, "/amendments/new"), data={"section": "text", "new_text": "Later"})
    as_user("facilitator").post(h.rec_url(world, rec_id, "/status"), data={"status": "withdrawn"})
    assert _count(app, "RecommendationVersion") == 1 and _count(app, "Amendment") == 1
    page = client.get(h.rec_url(world, rec_id)).get_data(as_text=True)
    assert "Buses every ten minutes" in page and "Propose an amendment" not in page and "Withdrawn" not in page


def test_a_status_set_by_the_vote_cannot_be_undone_by_hand(app, world, as_user):
    from panels.extensions import db
    from panels.recommendations.models import Recommendation

    rec_id = h.draft(app, world)
    with app.app_context():
        db.session.get(Recommendation, rec_id).status = "adopted"
        db.session.commit()
    response = as_user("facilitator").post(h.rec_url(world, rec_id, "/status"), data={"status": "draft"},
                                           follow_redirects=True)
    assert "vote decided it" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Recommendation, rec_id).status == "adopted"
