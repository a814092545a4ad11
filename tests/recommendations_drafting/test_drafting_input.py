"""Bad input gets a message naming the field; nothing is saved."""

from __future__ import annotations

from tests.recommendations_drafting import drafting_helpers as h


def _counts(app):
    from panels.extensions import db
    from panels.recommendations.models import Comment, Recommendation, RecommendationVersion, WorkingGroup

    with app.app_context():
        return tuple(db.session.query(m).count() for m in (Recommendation, RecommendationVersion, Comment,
                                                           WorkingGroup))


def test_an_empty_title_or_text_is_refused_whole(app, world, as_user):
    client = as_user("member")
    url = f"/panels/{world.panel.id}/recommendations/new"
    response = client.post(url, data={"title": "   ", "text": "Something"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Title" in page and "cannot be empty" in page
    response = client.post(url, data={"title": "Fine", "text": ""})
    assert response.status_code == 422 and "Recommendation" in response.get_data(as_text=True)
    response = client.post(url, data={"title": "x" * 301, "text": "Fine"})
    assert response.status_code == 422
    assert _counts(app) == (0, 0, 0, 0)


def test_an_edit_with_an_empty_title_keeps_the_last_version(app, world, as_user):
    rec_id = h.draft(app, world)
    response = as_user("member").post(h.rec_url(world, rec_id, "/edit"), data={"title": "", "text": "New"})
    assert response.status_code == 422 and "cannot be empty" in response.get_data(as_text=True)
    assert _counts(app)[:2] == (1, 1)


def test_an_empty_comment_is_refused(app, world, as_user):
    rec_id = h.draft(app, world)
    response = as_user("member").post(h.rec_url(world, rec_id, "/comments"), data={"text": "  "})
    assert response.status_code == 422 and "Your comment" in response.get_data(as_text=True)
    assert _counts(app)[2] == 0


def test_a_working_group_from_another_panel_is_refused(app, world, as_user):
    from panels.extensions import db
    from panels.recommendations.models import WorkingGroup

    with app.app_context():
        group = WorkingGroup(panel_id=world.other_panel.id, name="Elsewhere")
        db.session.add(group)
        db.session.commit()
        group_id = group.id
    response = as_user("member").post(f"/panels/{world.panel.id}/recommendations/new",
                                      data={"title": "T", "text": "X", "working_group": group_id})
    assert response.status_code == 422
    assert _counts(app)[:2] == (0, 0)


def test_working_groups_are_added_renamed_and_deleted_by_staff(app, world, as_user):
    client = as_user("facilitator")
    url = f"/panels/{world.panel.id}/working-groups"
    assert client.post(url, data={"name": ""}).status_code == 422
    client.post(url, data={"name": "Buses", "description": "Routes and fares"})
    assert client.post(url, data={"name": "buses"}).status_code == 422  # names are unique in the panel
    from panels.extensions import db
    from panels.recommendations.models import Recommendation, WorkingGroup

    with app.app_context():
        group_id = db.session.query(WorkingGroup).one().id
    client.post(url, data={"name": "Buses and trams", "group_id": group_id})
    member = as_user("member")
    member.post(f"/panels/{world.panel.id}/recommendations/new",
                data={"title": "Bus lanes", "text": "On the ring road.", "working_group": group_id})
    page = member.get(f"/panels/{world.panel.id}/recommendations").get_data(as_text=True)
    assert "Buses and trams" in page and "R1. Bus lanes" in page
    assert member.post(url, data={"name": "Members cannot"}).status_code == 403
    client.post(f"{url}/{group_id}/delete")
    with app.app_context():
        assert db.session.query(WorkingGroup).count() == 0
        assert db.session.query(Recommendation).one().working_group_id is None


def test_a_standing_panel_drafts_under_one_of_its_topics(app, world, as_user):
    from panels.extensions import db
    from panels.panel.models import Panel, Topic
    from panels.recommendations.models import Recommendation

    with app.app_context():
        panel = db.session.get(Panel, world.panel.id)
        panel.kind = "standing"
        topic = Topic(panel_id=panel.id, title="Riverside masterplan", question="What should the riverside be?")
        db.session.add(topic)
        db.session.commit()
        topic_id = topic.id
    client = as_user("member")
    url = f"/panels/{world.panel.id}/recommendations/new"
    response = client.post(url, data={"title": "Green riverside", "text": "Keep it green."})
    assert response.status_code == 422 and "Topic: choose the topic" in response.get_data(as_text=True)
    client.post(url, data={"title": "Green riverside", "text": "Keep it green.", "topic": topic_id})
    with app.app_context():
        assert db.session.query(Recommendation).one().topic_id == topic_id
    page = client.get(f"/panels/{world.panel.id}/recommendations").get_data(as_text=True)
    assert "Riverside masterplan" in page


def test_the_panel_page_links_to_the_recommendations(app, world, as_user):
    page = as_user("observer").get(f"/panels/{world.panel.id}/").get_data(as_text=True)
    assert f'href="/panels/{world.panel.id}/recommendations"' in page
