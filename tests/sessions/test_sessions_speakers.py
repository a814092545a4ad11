"""Speakers with perspectives and declared interests; materials linked to sessions; the panel page link."""

from __future__ import annotations

from sessions_helpers import add_session


def test_speaker_is_saved_and_shows_where_they_speak(app, world, as_user):
    client = as_user("facilitator")
    r = client.post(f"/panels/{world.panel.id}/speakers/new",
                    data={"name": "Helen Price", "affiliation": "Landlords' Association", "perspective": "against",
                          "tags": "landlords, small business", "evidence_type": "advocacy",
                          "interests": "Owns four rented flats\nNone", "expenses": "38.50",
                          "biography": "Represents small landlords."})
    assert r.status_code == 302
    from panels.extensions import db
    from panels.sessions.models import Speaker

    with app.app_context():
        sp = db.session.scalar(db.select(Speaker))
        assert sp.tags == ["landlords", "small business"] and float(sp.expenses) == 38.5
        assert sp.interest_list == ["Owns four rented flats"]
        speaker_id = sp.id
    add_session(app, world.panel.id, 2, title="Renting", agenda=[
        {"title": "Talk", "type": "presentation", "start": "10:00", "end": "10:45", "speakers": [str(speaker_id)],
         "items": []}])
    page = as_user("member").get(f"/panels/{world.panel.id}/speakers").get_data(as_text=True)
    assert "Helen Price" in page and "Owns four rented flats" in page and "session 2" in page
    assert "38.50" not in page  # expenses are for the planners
    assert "38.50" in client.get(f"/panels/{world.panel.id}/speakers").get_data(as_text=True)
    r = client.post(f"/panels/{world.panel.id}/speakers/{speaker_id}/edit", data={"name": ""})
    assert r.status_code == 422 and "Enter the speaker" in r.get_data(as_text=True)


def test_material_links_must_be_web_addresses_and_sessions_can_be_changed(app, world, as_user):
    s1 = add_session(app, world.panel.id, 1)
    s2 = add_session(app, world.panel.id, 2)
    client = as_user("organiser")
    r = client.post(f"/panels/{world.panel.id}/materials/new",
                    data={"title": "Bad", "language": "en", "evidence_type": "", "url": "javascript://x.com/%0aalert(1)"})
    assert r.status_code == 422
    r = client.post(f"/panels/{world.panel.id}/materials/new",
                    data={"title": "Needs", "language": "en", "evidence_type": "", "url": "https://example.org/n",
                          "sessions": [s1]})
    assert r.status_code == 302
    from panels.extensions import db
    from panels.sessions.models import Material

    with app.app_context():
        material_id = db.session.scalar(db.select(Material.id))
    r = client.post(f"/panels/{world.panel.id}/materials/{material_id}/edit",
                    data={"title": "Housing needs", "summary": "Plain words.", "language": "cy", "evidence_type": "",
                          "sessions": [s1, s2]})
    assert r.status_code == 302
    with app.app_context():
        m = db.session.get(Material, material_id)
        assert (m.title, m.language, [s.number for s in m.sessions]) == ("Housing needs", "cy", [1, 2])
        assert len(m.versions) == 1
    text = as_user("anonymous").get(f"/p/{world.panel.id}/curriculum").get_data(as_text=True)
    assert "Housing needs" in text and "Plain words." in text


def test_panel_page_links_to_the_programme(app, world, as_user):
    for role in ("member", "observer", "facilitator"):
        page = as_user(role).get(f"/panels/{world.panel.id}/").get_data(as_text=True)
        assert f"/panels/{world.panel.id}/programme" in page, role
