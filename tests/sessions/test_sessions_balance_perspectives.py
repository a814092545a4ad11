"""The organiser's list of perspectives: one with no speaking time is flagged on the balance page."""

from __future__ import annotations

from tests.sessions.sessions_helpers import add_session, add_speaker


def test_a_listed_perspective_without_a_voice_is_flagged(app, world, as_user):
    speaker = add_speaker(app, world.panel.id, "Dr For", perspective="for")
    add_session(app, world.panel.id, 1, agenda=[{"title": "Talk", "type": "presentation", "start": "10:00",
                                                 "end": "10:45", "speakers": [str(speaker)], "items": []}])
    client = as_user("facilitator")
    client.post(f"/panels/{world.panel.id}/programme/balance/perspectives",
                data={"perspectives": "for\nagainst\nneutral\n"})
    page = client.get(f"/panels/{world.panel.id}/programme/balance")
    assert b"against" in page.data and b"neutral" in page.data
    assert "Perspective “against” has no voice".encode() in page.data
    assert "Perspective “for” has no voice".encode() not in page.data
