"""iCalendar (RFC 5545) written by hand: CRLF line ends, lines folded at 75 octets, UTC times."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from curriculum import to_minutes

PRODID = "-//Civic Panels//Sessions//EN"


def escape_text(value: str) -> str:
    """TEXT value escaping (RFC 5545 3.3.11)."""
    return (value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n"))


def fold(line: str) -> str:
    """Split a content line into pieces of at most 75 octets, never inside a UTF-8 character."""
    data = line.encode("utf-8")
    if len(data) <= 75:
        return line
    pieces, current, limit = [], b"", 75
    for ch in line:
        b = ch.encode("utf-8")
        if len(current) + len(b) > limit:
            pieces.append(current.decode("utf-8"))
            current, limit = b"", 74  # continuation lines start with a space
        current += b
    pieces.append(current.decode("utf-8"))
    return "\r\n ".join(pieces)


def _utc(day, hhmm: str, tz: ZoneInfo) -> str:
    minutes = to_minutes(hhmm)
    if minutes == 24 * 60:
        minutes = 24 * 60 - 1
    local = datetime.combine(day, time(minutes // 60, minutes % 60), tzinfo=tz)
    return local.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def calendar(name: str, sessions, *, host: str, timezone: str, now: datetime | None = None) -> str:
    """A VCALENDAR with one VEVENT per dated session (sessions without a date are left out)."""
    tz = ZoneInfo(timezone)
    stamp = (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
             f"X-WR-CALNAME:{escape_text(name)}"]
    for s in sessions:
        if s.date is None:
            continue
        panel_title = s.panel.title if s.panel is not None else ""
        description = [f"Session {s.number} of {panel_title}".strip()]
        if s.accessibility:
            description.append(f"Accessibility: {s.accessibility}")
        if s.online_url:
            description.append(f"Online: {s.online_url}")
        lines += ["BEGIN:VEVENT", f"UID:session-{s.id}@{host}", f"DTSTAMP:{stamp}",
                  f"DTSTART:{_utc(s.date, s.start, tz)}", f"DTEND:{_utc(s.date, s.end, tz)}",
                  f"SUMMARY:{escape_text(f'{panel_title}: {s.title}' if panel_title else s.title)}"]
        if s.location:
            lines.append(f"LOCATION:{escape_text(s.location)}")
        if s.online_url:
            lines.append(f"URL:{s.online_url}")
        lines += [f"DESCRIPTION:{escape_text(chr(10).join(description))}", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
