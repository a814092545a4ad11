"""iCalendar feeds: well-formed per RFC 5545, per panel and per member (secret link)."""

from __future__ import annotations

import re
from datetime import date

from sessions_helpers import add_session


def _unfold(body: str) -> list[str]:
    return body.replace("\r\n ", "").split("\r\n")


def _check_wellformed(raw: bytes) -> list[str]:
    assert raw.endswith(b"\r\n")
    assert b"\n" not in raw.replace(b"\r\n", b"")  # every line ends with CRLF
    for line in raw.split(b"\r\n"):
        assert len(line) <= 75, line
    lines = _unfold(raw.decode("utf-8"))[:-1]
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    stack = []
    for line in lines:
        if line.startswith("BEGIN:"):
            stack.append(line[6:])
        elif line.startswith("END:"):
            assert stack.pop() == line[4:]
    assert stack == []
    assert "VERSION:2.0" in lines and any(line.startswith("PRODID:") for line in lines)
    return lines


def _events(lines: list[str]) -> list[dict]:
    events, current = [], None
    for line in lines:
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            events.append(current)
            current = None
        elif current is not None:
            key, _, value = line.partition(":")
            current[key] = value
    return events


def test_panel_feed_parses_and_contains_the_sessions(app, world, as_user):
    long_title = "Learning about housing: " + "rents, repairs, and the right to a secure tenancy; " * 3
    add_session(app, world.panel.id, 1, title=long_title, date=date(2026, 11, 7), venue_name="Riverton Library",
                venue_address="1 High Street\nRiverton", accessibility="Step-free")
    add_session(app, world.panel.id, 2, title="Café session é", date=date(2026, 7, 4), start="10:00", end="15:00",
                online_url="https://meet.example/abc")
    add_session(app, world.panel.id, 3, title="Not dated yet")
    r = as_user("anonymous").get(f"/p/{world.panel.id}/calendar.ics")
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/calendar")
    lines = _check_wellformed(r.data)
    events = _events(lines)
    assert len(events) == 2
    first, second = events
    for event in events:
        assert {"UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY"} <= event.keys()
        assert re.fullmatch(r"\d{8}T\d{6}Z", event["DTSTART"])
    assert first["DTSTART"] == "20261107T093000Z"  # London is on UTC in November
    assert second["DTSTART"] == "20260704T090000Z"  # and UTC+1 in July
    assert "rents\\, repairs\\, and the right to a secure tenancy\\;" in first["SUMMARY"]
    assert first["LOCATION"] == "Riverton Library\\, 1 High Street\\, Riverton"
    assert "Café session é" in second["SUMMARY"]
    assert any(len(line) == 75 for line in r.data.split(b"\r\n"))  # a long line was folded at 75 octets


def test_member_feed_has_only_their_panels(app, world, as_user):
    add_session(app, world.panel.id, 1, title="Our panel session", date=date(2026, 11, 7))
    add_session(app, world.other_panel.id, 1, title="Another panel's session", date=date(2026, 11, 8))
    page = as_user("member").get(f"/panels/{world.panel.id}/programme").get_data(as_text=True)
    feed = re.search(r"<code>(http[^<]+)</code>", page).group(1)
    path = feed.split("localhost", 1)[1]
    r = as_user("anonymous").get(path)  # calendar apps subscribe without logging in
    assert r.status_code == 200
    text = "\r\n".join(_unfold(r.data.decode()))
    _check_wellformed(r.data)
    assert "Our panel session" in text and "Another panel's session" not in text
    assert as_user("anonymous").get("/calendar/forged-token.ics").status_code == 404
    assert as_user("anonymous").get(path.replace(".ics", "x.ics")).status_code == 404


def test_fold_never_splits_a_character():
    from panels.sessions.ical import fold

    line = "SUMMARY:" + "é" * 80
    folded = fold(line)
    for piece in folded.split("\r\n"):
        assert len(piece.encode()) <= 75
        piece.encode().decode("utf-8")
    assert folded.replace("\r\n ", "") == line
