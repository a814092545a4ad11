"""Agendas through the form: items must fit in the session and not overlap; nothing saved otherwise."""

from __future__ import annotations

from datetime import date

from sessions_helpers import add_session


def _agenda(app, session_id):
    from panels.extensions import db
    from panels.sessions.models import ProgrammeSession

    with app.app_context():
        return db.session.get(ProgrammeSession, session_id).agenda


def _add(client, panel_id, session_id, **data):
    return client.post(f"/panels/{panel_id}/programme/sessions/{session_id}/items", data=data)


def test_items_are_added_and_overlap_is_refused_with_the_reason(app, world, as_user):
    sid = add_session(app, world.panel.id)
    client = as_user("facilitator")
    r = _add(client, world.panel.id, sid, title="Questions", type="questions", start="11:30", end="12:15")
    assert r.status_code == 302
    r = _add(client, world.panel.id, sid, title="Tables", type="small_group", start="12:00", end="12:45")
    assert r.status_code == 422
    page = r.get_data(as_text=True)
    assert "Nothing was saved" in page
    assert "overlaps item 2 “Tables” (12:00-12:45)" in page
    assert [i["title"] for i in _agenda(app, sid)] == ["Questions"]


def test_item_outside_the_session_is_refused(app, world, as_user):
    sid = add_session(app, world.panel.id, start="10:00", end="13:00")
    r = _add(as_user("organiser"), world.panel.id, sid, title="Late plenary", type="plenary", start="12:30",
             end="13:30")
    assert r.status_code == 422
    assert "is outside the session (10:00-13:00)" in r.get_data(as_text=True)
    assert _agenda(app, sid) == []


def test_nested_item_must_fit_inside_its_parent(app, world, as_user):
    sid = add_session(app, world.panel.id)
    client = as_user("facilitator")
    assert _add(client, world.panel.id, sid, title="Plenary", type="plenary", start="10:00", end="11:00"
                ).status_code == 302
    r = _add(client, world.panel.id, sid, parent="1", title="Table talk", type="small_group", start="10:30",
             end="11:15")
    assert r.status_code == 422
    assert "is outside item 1 (10:00-11:00)" in r.get_data(as_text=True)
    assert _add(client, world.panel.id, sid, parent="1", title="Table talk", type="small_group", start="10:15",
                end="10:45").status_code == 302
    agenda = _agenda(app, sid)
    assert agenda[0]["items"][0]["title"] == "Table talk"
    page = client.get(f"/panels/{world.panel.id}/programme/sessions/{sid}").get_data(as_text=True)
    assert "1.1" in page and "Table talk" in page


def test_items_are_kept_in_time_order_and_can_be_removed(app, world, as_user):
    sid = add_session(app, world.panel.id)
    client = as_user("facilitator")
    _add(client, world.panel.id, sid, title="Afternoon", type="plenary", start="14:00", end="15:00")
    _add(client, world.panel.id, sid, title="Morning", type="presentation", start="10:00", end="11:00")
    assert [i["title"] for i in _agenda(app, sid)] == ["Morning", "Afternoon"]
    r = client.post(f"/panels/{world.panel.id}/programme/sessions/{sid}/items/1/delete")
    assert r.status_code == 302
    assert [i["title"] for i in _agenda(app, sid)] == ["Afternoon"]


def test_session_times_cannot_shrink_around_its_agenda(app, world, as_user):
    sid = add_session(app, world.panel.id)
    client = as_user("facilitator")
    _add(client, world.panel.id, sid, title="Afternoon", type="plenary", start="14:00", end="15:00")
    r = client.post(f"/panels/{world.panel.id}/programme/sessions/{sid}/edit",
                    data={"number": 1, "title": "Short day", "phase": "orientation_learning", "start": "09:30",
                          "end": "12:00", "venue_name": "Town hall", "accessibility": "Step-free access"})
    assert r.status_code == 422
    assert "is outside the session (09:30-12:00)" in r.get_data(as_text=True)
    from panels.extensions import db
    from panels.sessions.models import ProgrammeSession

    with app.app_context():
        s = db.session.get(ProgrammeSession, sid)
        assert (s.title, s.end, s.venue_name) == ("Session 1", "16:30", None)


def test_new_session_with_venue_and_topics_of_a_standing_panel(app, world, as_user):
    from panels.extensions import db
    from panels.panel.models import Panel, Topic

    with app.app_context():
        panel = db.session.get(Panel, world.panel.id)
        panel.kind = "standing"
        topics = [Topic(panel_id=panel.id, title=f"Topic {i}", question="?", position=i) for i in range(3)]
        db.session.add_all(topics)
        db.session.commit()
        ids = [t.id for t in topics]
    client = as_user("organiser")
    data = {"number": 1, "title": "Housing", "phase": "orientation_learning", "date": "2026-11-07",
            "start": "09:30", "end": "16:30", "venue_name": "Riverton Library", "venue_address": "1 High St",
            "accessibility": "Step-free; hearing loop", "topics": ids}
    r = client.post(f"/panels/{world.panel.id}/programme/sessions/new", data=data)
    assert r.status_code == 422 and "Choose one or two topics." in r.get_data(as_text=True)
    r = client.post(f"/panels/{world.panel.id}/programme/sessions/new", data={**data, "topics": ids[:2]})
    assert r.status_code == 302
    from panels.sessions.models import ProgrammeSession

    with app.app_context():
        s = db.session.scalar(db.select(ProgrammeSession))
        assert s.date == date(2026, 11, 7) and s.venue_name == "Riverton Library"
        assert [t.title for t in s.topics] == ["Topic 0", "Topic 1"]


def test_template_copy_dates_sessions_across_the_term(app, world, as_user):
    from panels.extensions import db
    from panels.panel.models import Panel
    from panels.sessions.models import ProgrammeSession

    with app.app_context():
        panel = db.session.get(Panel, world.panel.id)
        panel.term_start, panel.term_end = date(2026, 11, 7), date(2027, 2, 27)
        db.session.commit()
    client = as_user("facilitator")
    r = client.post(f"/panels/{world.panel.id}/programme/template", data={"sessions": 8})
    assert r.status_code == 302
    with app.app_context():
        rows = list(db.session.scalars(db.select(ProgrammeSession).order_by(ProgrammeSession.number)))
        assert len(rows) == 8
        assert rows[0].date == date(2026, 11, 7) and rows[-1].date == date(2027, 2, 27)
        assert all(r.agenda for r in rows)
        assert rows[-1].phase == "drafting"
    r = client.post(f"/panels/{world.panel.id}/programme/template", data={"sessions": 6}, follow_redirects=True)
    assert "already has sessions" in r.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(ProgrammeSession)) == 8


def test_time_budget_page_shows_warnings_and_the_chart(app, world, as_user):
    sid = add_session(app, world.panel.id)
    client = as_user("facilitator")
    _add(client, world.panel.id, sid, title="Talk", type="presentation", start="10:00", end="12:00")
    page = client.get(f"/panels/{world.panel.id}/programme/budget").get_data(as_text=True)
    assert "<svg" in page and "Hours per phase" in page
    assert "good panels have at least" in page  # total_hours_low
    assert "no time for members to question speakers" in page
    assert "has no time" in page  # phase_missing
    assert as_user("member").get(f"/panels/{world.panel.id}/programme/budget").status_code == 403


def test_full_template_budget_has_a_learning_share(app, world, as_user):
    client = as_user("organiser")
    client.post(f"/panels/{world.panel.id}/programme/template", data={"sessions": 11})
    page = client.get(f"/panels/{world.panel.id}/programme/budget").get_data(as_text=True)
    assert "11 sessions" in page and "Learning" in page
