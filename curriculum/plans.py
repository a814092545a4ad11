"""A panel's programme as plain data: sessions, phases and timed agenda items.

A panel is not a vote: members spend most of their time learning, then identify issues
and priorities, reach consensus and draft recommendations (the four phases of MASS LBP's
reference panels). A :class:`Programme` is data the app copies from a :func:`template`
and then edits; :func:`validate_agenda` says, item by item, what does not fit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from .problems import Problem


class Phase(StrEnum):
    """The four phases, in the order a panel goes through them."""

    ORIENTATION_LEARNING = "orientation_learning"
    ISSUES_PRIORITIES = "issues_priorities"
    CONSENSUS = "consensus"
    DRAFTING = "drafting"


PHASES: tuple[str, ...] = tuple(p.value for p in Phase)
PHASE_LABELS = {
    Phase.ORIENTATION_LEARNING: "Orientation and learning",
    Phase.ISSUES_PRIORITIES: "Issues and priorities",
    Phase.CONSENSUS: "Reaching consensus",
    Phase.DRAFTING: "Drafting recommendations",
}


class ItemType(StrEnum):
    """What members do during an agenda item."""

    PRESENTATION = "presentation"
    QUESTIONS = "questions"  # questions to speakers
    SMALL_GROUP = "small_group"  # small-group deliberation at tables
    PLENARY = "plenary"
    SITE_VISIT = "site_visit"
    PUBLIC_ROUNDTABLE = "public_roundtable"
    BREAK = "break"


ITEM_TYPES: tuple[str, ...] = tuple(t.value for t in ItemType)
ITEM_TYPE_LABELS = {
    ItemType.PRESENTATION: "Presentation",
    ItemType.QUESTIONS: "Questions to speakers",
    ItemType.SMALL_GROUP: "Small-group deliberation",
    ItemType.PLENARY: "Plenary",
    ItemType.SITE_VISIT: "Site visit",
    ItemType.PUBLIC_ROUNDTABLE: "Public roundtable",
    ItemType.BREAK: "Break",
}

Time = str | int  # 'HH:MM' or minutes after midnight
_HHMM = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*$")


def to_minutes(value: Time) -> int:
    """Minutes after midnight from 'HH:MM' or an int; ValueError if it is not a time of day."""
    if isinstance(value, bool):
        raise ValueError(f"not a time: {value!r}")
    if isinstance(value, int):
        minutes = value
    else:
        m = _HHMM.match(str(value))
        if not m or int(m.group(2)) > 59:
            raise ValueError(f"not a time (HH:MM): {value!r}")
        minutes = int(m.group(1)) * 60 + int(m.group(2))
    if not 0 <= minutes <= 24 * 60:
        raise ValueError(f"not a time of day: {value!r}")
    return minutes


def fmt_time(value: Time) -> str:
    """'HH:MM' for minutes after midnight (or an 'HH:MM' string, normalised)."""
    minutes = to_minutes(value)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@dataclass
class AgendaItem:
    """A timed item; ``items`` nests sub-items inside it (they must fit in its times).

    ``phase`` is only set when the item belongs to another phase than its session.
    """

    title: str
    type: str
    start: Time
    end: Time
    phase: str | None = None
    topic: str | None = None
    speakers: list[str] = field(default_factory=list)
    items: list[AgendaItem] = field(default_factory=list)

    @property
    def minutes(self) -> int:
        return to_minutes(self.end) - to_minutes(self.start)

    def to_dict(self) -> dict[str, Any]:
        return {"title": self.title, "type": str(self.type), "start": self.start, "end": self.end,
                "phase": None if self.phase is None else str(self.phase), "topic": self.topic,
                "speakers": list(self.speakers), "items": [i.to_dict() for i in self.items]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AgendaItem:
        return cls(title=data.get("title", ""), type=data.get("type", ""), start=data.get("start", ""),
                   end=data.get("end", ""), phase=data.get("phase"), topic=data.get("topic"),
                   speakers=list(data.get("speakers") or []),
                   items=[cls.from_dict(i) for i in data.get("items") or []])


@dataclass
class Session:
    """One meeting day of the panel; ``number`` counts from 1."""

    number: int
    title: str
    phase: str
    start: Time
    end: Time
    items: list[AgendaItem] = field(default_factory=list)
    date: str | None = None

    @property
    def minutes(self) -> int:
        return to_minutes(self.end) - to_minutes(self.start)

    def to_dict(self) -> dict[str, Any]:
        return {"number": self.number, "title": self.title, "phase": str(self.phase), "start": self.start,
                "end": self.end, "date": self.date, "items": [i.to_dict() for i in self.items]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Session:
        return cls(number=int(data.get("number", 0)), title=data.get("title", ""), phase=data.get("phase", ""),
                   start=data.get("start", ""), end=data.get("end", ""), date=data.get("date"),
                   items=[AgendaItem.from_dict(i) for i in data.get("items") or []])


@dataclass
class Programme:
    """A panel's sessions in order."""

    title: str
    sessions: list[Session] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"title": self.title, "sessions": [s.to_dict() for s in self.sessions]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Programme:
        return cls(title=data.get("title", ""), sessions=[Session.from_dict(s) for s in data.get("sessions") or []])


# --------------------------------------------------------------------------- validation

def _span(item: AgendaItem | Session) -> str:
    try:
        return f"{fmt_time(item.start)}-{fmt_time(item.end)}"
    except ValueError:
        return f"{item.start}-{item.end}"


def _name(path: str, item: AgendaItem) -> str:
    return f"Item {path} “{item.title}” ({_span(item)})"


def _check_items(items: list[AgendaItem], lo: int | None, hi: int | None, container: str,
                 prefix: str, session: int | None) -> list[Problem]:
    problems: list[Problem] = []
    timed: list[tuple[int, int, str, AgendaItem]] = []

    def add(code: str, message: str, path: str) -> None:
        problems.append(Problem(code, message, session, path))

    for pos, item in enumerate(items, start=1):
        path = f"{prefix}{pos}"
        if str(item.type) not in ITEM_TYPES:
            add("unknown_type", f"Item {path} “{item.title}” has an unknown type “{item.type}” "
                f"(use one of: {', '.join(ITEM_TYPES)})", path)
        if item.phase is not None and str(item.phase) not in PHASES:
            add("unknown_phase", f"Item {path} “{item.title}” has an unknown phase “{item.phase}”", path)
        try:
            start, end = to_minutes(item.start), to_minutes(item.end)
        except ValueError as exc:
            add("bad_time", f"Item {path} “{item.title}”: {exc}", path)
            continue
        if end <= start:
            add("end_before_start", f"{_name(path, item)} ends before it starts", path)
            continue
        if lo is not None and hi is not None and (start < lo or end > hi):
            add("outside", f"{_name(path, item)} is outside {container}", path)
        timed.append((start, end, path, item))
        problems += _check_items(item.items, start, end, f"item {path} ({_span(item)})", f"{path}.", session)

    for a in range(len(timed)):
        for b in range(a + 1, len(timed)):
            s1, e1, p1, i1 = timed[a]
            s2, e2, p2, i2 = timed[b]
            if s1 < e2 and s2 < e1:
                add("overlap", f"{_name(p1, i1)} overlaps {_name(p2, i2).replace('Item', 'item', 1)}", p2)
    return problems


def validate_agenda(session: Session | dict) -> list[Problem]:
    """Every problem with a session's agenda, each with a reason a person can act on.

    Items must have a known type, end after they start, fit inside the session (nested
    items inside their parent) and not overlap their siblings; touching is fine.
    """
    if isinstance(session, dict):
        session = Session.from_dict(session)
    problems: list[Problem] = []
    n = session.number
    if str(session.phase) not in PHASES:
        problems.append(Problem("unknown_phase", f"Session {n} has an unknown phase “{session.phase}” "
                                f"(use one of: {', '.join(PHASES)})", n))
    lo = hi = None
    try:
        lo, hi = to_minutes(session.start), to_minutes(session.end)
    except ValueError as exc:
        problems.append(Problem("bad_time", f"Session {n}: {exc}", n))
    if lo is not None and hi is not None and hi <= lo:
        problems.append(Problem("end_before_start", f"Session {n} ({_span(session)}) ends before it starts", n))
        lo = hi = None
    return problems + _check_items(session.items, lo, hi, f"the session ({_span(session)})", "", n)


def validate_programme(programme: Programme | dict) -> list[Problem]:
    """Agenda problems of every session, plus sessions numbered twice or phases going backwards."""
    if isinstance(programme, dict):
        programme = Programme.from_dict(programme)
    problems: list[Problem] = []
    seen: set[int] = set()
    last = -1
    for s in programme.sessions:
        if s.number in seen:
            problems.append(Problem("duplicate_session", f"Session number {s.number} is used twice", s.number))
        seen.add(s.number)
        problems += validate_agenda(s)
        for path, item, phase in walk(s.items, str(s.phase)):
            if phase in PHASES and item.type != ItemType.BREAK:
                if PHASES.index(phase) < last:
                    problems.append(Problem(
                        "phase_order", f"Session {s.number}, item {path} “{item.title}” goes back to phase "
                        f"“{PHASE_LABELS[Phase(phase)]}” after a later phase", s.number, path, "warning"))
                last = max(last, PHASES.index(phase))
    return problems


def walk(items: list[AgendaItem], phase: str = "", prefix: str = ""):
    """(path, item, phase) for every item, depth first; an item without a phase takes its parent's."""
    for pos, item in enumerate(items, start=1):
        path, item_phase = f"{prefix}{pos}", str(item.phase or phase)
        yield path, item, item_phase
        yield from walk(item.items, item_phase, f"{path}.")


# --------------------------------------------------------------------------- templates
# Each kind of day as (type, title, minutes, phase override); 420 minutes, 09:30-16:30.
P, Q, G, PL, SV, RT, B = ("presentation", "questions", "small_group", "plenary", "site_visit",
                          "public_roundtable", "break")
L_, I_, C_, D_ = PHASES

_DAYS: dict[str, list[tuple[str, str, int, str | None]]] = {
    "orientation": [
        (PL, "Welcome, purpose and ground rules", 40, None), (G, "Meet your table", 30, None),
        (P, "The remit: our question and what happens to our recommendations", 45, None),
        (B, "Break", 15, None), (Q, "Questions to the commissioning body", 30, None),
        (P, "Overview of the topic", 45, None), (Q, "Questions to the speaker", 35, None),
        (B, "Lunch", 45, None), (P, "Weighing evidence and spotting bias", 40, None),
        (Q, "Questions to the speaker", 25, None), (B, "Break", 15, None),
        (G, "Tables: first impressions and questions for speakers", 35, None),
        (PL, "What we heard; the next session", 20, None)],
    "learning": [
        (PL, "Welcome back and recap", 15, None), (P, "Speaker 1", 45, None), (Q, "Questions to speaker 1", 45, None),
        (B, "Break", 15, None), (P, "Speaker 2", 45, None), (Q, "Questions to speaker 2", 45, None),
        (B, "Lunch", 45, None), (P, "Speaker 3", 40, None),
        (Q, "Speakers' carousel: questions at the tables", 45, None), (B, "Break", 15, None),
        (G, "Tables: what did we learn, what is missing?", 40, None),
        (PL, "Requests for witnesses; close", 30, None)],
    "site_visit": [
        (PL, "Welcome back and briefing", 15, None), (SV, "Site visit", 105, None), (B, "Break", 15, None),
        (Q, "Questions to the hosts", 30, None), (B, "Lunch", 45, None),
        (P, "Speaker: what we saw, in context", 40, None), (Q, "Questions to the speaker", 40, None),
        (B, "Break", 15, None), (G, "Tables: what did we learn, what is missing?", 40, None),
        (P, "Speaker: the evidence elsewhere", 40, None), (PL, "Requests for witnesses; close", 35, None)],
    "issues": [
        (PL, "Recap: from learning to issues", 15, None), (P, "Witnesses requested by members", 40, None),
        (Q, "Questions to the witnesses", 40, None), (B, "Break", 15, None),
        (G, "Tables: identify the issues", 70, None), (B, "Lunch", 45, None),
        (PL, "Tables report back; cluster the issues", 45, None),
        (Q, "Expert check: questions on the issues", 30, None), (B, "Break", 15, None),
        (G, "Tables: set priorities", 60, None), (PL, "Our priorities", 45, None)],
    "roundtable": [
        (PL, "Recap: from learning to issues", 15, None), (RT, "Public roundtable", 110, None),
        (B, "Break", 15, None), (G, "Tables: what the public told us", 45, None), (B, "Lunch", 45, None),
        (P, "Witnesses requested by members", 40, None), (Q, "Questions to the witnesses", 40, None),
        (B, "Break", 15, None), (G, "Tables: identify the issues", 60, None),
        (PL, "Issues so far", 35, None)],
    "issues_consensus": [
        (PL, "Recap: from learning to issues", 15, I_), (P, "Witnesses requested by members", 40, I_),
        (Q, "Questions to the witnesses", 40, I_), (B, "Break", 15, None),
        (G, "Tables: identify the issues and set priorities", 70, I_), (B, "Lunch", 45, None),
        (PL, "Our priorities", 30, I_), (G, "Tables: weigh the options", 60, C_), (B, "Break", 15, None),
        (PL, "Where do we agree? Test consensus", 90, C_)],
    "consensus": [
        (PL, "Recap of our priorities", 15, None), (P, "Feasibility and trade-offs of the options", 40, None),
        (Q, "Questions to the speakers", 40, None), (B, "Break", 15, None),
        (G, "Tables: weigh the options", 75, None), (B, "Lunch", 45, None),
        (PL, "Where do we agree? Where not?", 45, None), (G, "Tables: find common ground", 60, None),
        (B, "Break", 15, None), (PL, "Test consensus: levels of support", 70, None)],
    "drafting": [
        (PL, "Recap and how we draft", 15, None), (Q, "Drafting clinic: questions to the experts", 30, None),
        (G, "Tables: draft recommendations", 60, None), (B, "Break", 15, None),
        (G, "Tables: finish the drafts", 60, None), (B, "Lunch", 45, None),
        (PL, "Read the drafts; propose amendments", 60, None), (G, "Tables: amend and finalise", 45, None),
        (B, "Break", 15, None), (PL, "Levels of support and minority reports", 75, None)],
}
_SESSION_PHASE = {"orientation": L_, "learning": L_, "site_visit": L_, "issues": I_, "roundtable": I_,
                  "issues_consensus": I_, "consensus": C_, "drafting": D_}
_SESSION_TITLES = {"orientation": "Orientation and first evidence", "learning": "Learning",
                   "site_visit": "Learning: site visit", "issues": "Issues and priorities",
                   "roundtable": "Issues: public roundtable", "issues_consensus": "Priorities and common ground",
                   "consensus": "Reaching consensus", "drafting": "Drafting recommendations"}
# Learning-heavy early sessions: 6 days need a combined issues/consensus day to keep learning >= 50 %.
_PLANS = {
    6: ["orientation", "learning", "learning", "learning", "issues_consensus", "drafting"],
    8: ["orientation", "learning", "site_visit", "learning", "learning", "issues", "consensus", "drafting"],
    11: ["orientation", "learning", "learning", "site_visit", "learning", "learning", "learning",
         "roundtable", "issues", "consensus", "drafting"],
}
TEMPLATE_SIZES = tuple(_PLANS)


def _day(kind: str, start: int, end: int) -> list[AgendaItem]:
    """The kind's items stretched to the day: breaks keep their length, the rest scale (5-minute steps)."""
    rows = _DAYS[kind]
    breaks = sum(m for t, _, m, _ in rows if t == B)
    content = sum(m for t, _, m, _ in rows if t != B)
    room = end - start - breaks
    if room < 5 * sum(t != B for t, _, _, _ in rows):
        raise ValueError(f"a day of {fmt_time(start)}-{fmt_time(end)} is too short for the template")
    items, at, used, left = [], start, 0, [i for i, r in enumerate(rows) if r[0] != B][-1]
    for i, (typ, title, minutes, phase) in enumerate(rows):
        if typ != B:
            minutes = room - used if i == left else max(5, 5 * round(minutes * room / content / 5))
            used += minutes
        items.append(AgendaItem(title, typ, fmt_time(at), fmt_time(at + minutes), phase))
        at += minutes
    return items


def template(n_sessions: int = 8, day_hours: tuple[Time, Time] = ("09:30", "16:30"),
             title: str = "Citizens' panel") -> Programme:
    """A programme of 6, 8 or 11 full days in the four phases, to copy and edit.

    Early days are learning (presentations, questions to speakers, a site visit),
    then issues and priorities, consensus, and one day of drafting. Every day has a
    morning break, lunch and an afternoon break; other items scale with ``day_hours``.
    """
    if n_sessions not in _PLANS:
        raise ValueError(f"templates exist for {', '.join(map(str, TEMPLATE_SIZES))} sessions, not {n_sessions}")
    start, end = to_minutes(day_hours[0]), to_minutes(day_hours[1])
    if end <= start:
        raise ValueError("the day must end after it starts")
    sessions = []
    for number, kind in enumerate(_PLANS[n_sessions], start=1):
        items = _day(kind, start, end)
        phase = _SESSION_PHASE[kind]
        for item in items:
            if item.phase == phase:
                item.phase = None
        sessions.append(Session(number, f"Session {number}: {_SESSION_TITLES[kind]}", phase,
                                fmt_time(start), fmt_time(end), items))
    return Programme(title, sessions)
