"""Does the panel hear every side? Speaking time and materials by perspective.

Speakers and materials carry a perspective (organiser-defined: for / against / neutral
on the question, or stakeholder groups), a type of evidence and their declared
interests. The report flags a perspective nobody speaks for and one that has more than
half the speaking time, and lists members' requests for witnesses still waiting for an
answer, because an unanswered request is how a panel comes to distrust its programme.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from .plans import ItemType, Programme, to_minutes, walk
from .problems import Problem

EVIDENCE_TYPES = ("lived_experience", "academic", "practitioner", "government", "advocacy")
SPEAKING_TYPES = (ItemType.PRESENTATION.value, ItemType.QUESTIONS.value, ItemType.SITE_VISIT.value,
                  ItemType.PUBLIC_ROUNDTABLE.value)
UNTAGGED = "(not tagged)"


class _Plain:
    def to_dict(self) -> dict[str, Any]:
        return asdict(self)  # type: ignore[call-overload]

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]):
        names = cls.__dataclass_fields__  # type: ignore[attr-defined]
        return cls(**{k: v for k, v in data.items() if k in names})


@dataclass
class Speaker(_Plain):
    id: str
    name: str
    perspective: str = ""
    evidence_type: str = ""
    interests: list[str] = field(default_factory=list)
    organisation: str = ""


@dataclass
class Material(_Plain):
    id: str
    title: str
    perspective: str = ""
    evidence_type: str = ""
    interests: list[str] = field(default_factory=list)


@dataclass
class Appearance(_Plain):
    """A speaker's time in front of the panel (presenting, answering, hosting)."""

    speaker_id: str
    minutes: float
    session: int | None = None
    item: str | None = None


@dataclass
class WitnessRequest(_Plain):
    """A member's request to hear someone; it is open until ``answer`` says what was done."""

    id: str
    requested_by: str
    request: str
    perspective: str | None = None
    session: int | None = None
    answer: str | None = None

    @property
    def answered(self) -> bool:
        return bool(self.answer and self.answer.strip())


@dataclass
class BalanceReport:
    """Per perspective and per evidence type: speakers, appearances, minutes, share, materials."""

    total_minutes: float
    by_perspective: dict[str, dict[str, float]]
    by_evidence_type: dict[str, dict[str, float]]
    flags: list[Problem]
    interests: list[dict[str, Any]]
    open_requests: list[WitnessRequest]

    def to_dict(self) -> dict[str, Any]:
        return {"total_minutes": self.total_minutes, "by_perspective": self.by_perspective,
                "by_evidence_type": self.by_evidence_type, "flags": [f.to_dict() for f in self.flags],
                "interests": self.interests, "open_requests": [r.to_dict() for r in self.open_requests]}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> BalanceReport:
        return cls(data["total_minutes"], data["by_perspective"], data["by_evidence_type"],
                   [Problem.from_dict(f) for f in data["flags"]], data["interests"],
                   [WitnessRequest.from_dict(r) for r in data["open_requests"]])


def appearances_from_programme(programme: Programme | dict) -> list[Appearance]:
    """Speaking time from a programme: each speaking item's minutes shared by its speakers."""
    if isinstance(programme, dict):
        programme = Programme.from_dict(programme)
    out = []
    for s in programme.sessions:
        for path, item, _ in walk(s.items, str(s.phase)):
            if item.speakers and item.type in SPEAKING_TYPES:
                try:
                    minutes = to_minutes(item.end) - to_minutes(item.start)
                except ValueError:
                    continue
                out += [Appearance(sp, minutes / len(item.speakers), s.number, path) for sp in item.speakers]
    return out


def _coerce(rows: Iterable[Any] | None, cls):
    return [r if isinstance(r, cls) else cls.from_dict(r) for r in rows or ()]


def _label(tag: str | None) -> str:
    return tag.strip() if tag and tag.strip() else UNTAGGED


def balance_report(speakers: Iterable[Speaker | dict], appearances: Iterable[Appearance | dict] | Mapping[str, float]
                   | None = None, materials: Iterable[Material | dict] = (), perspectives: Iterable[str] | None = None,
                   witness_requests: Iterable[WitnessRequest | dict] = (), *, max_share: float = 0.5
                   ) -> BalanceReport:
    """Speaking minutes and materials per perspective and evidence type, with flags.

    ``appearances`` is a list of :class:`Appearance` or a mapping speaker id -> minutes.
    ``perspectives`` is the organiser's list; without it, the perspectives seen are used.
    Flags (codes): ``no_voice`` (a perspective with no speaking time), ``dominant``
    (more than ``max_share`` of the speaking time; exactly half is not flagged),
    ``unknown_perspective``, ``unknown_speaker``, ``open_requests``.
    """
    speakers, materials = _coerce(speakers, Speaker), _coerce(materials, Material)
    requests = _coerce(witness_requests, WitnessRequest)
    if isinstance(appearances, Mapping):
        appearances = [Appearance(k, v) for k, v in appearances.items()]
    apps = _coerce(appearances, Appearance)
    flags: list[Problem] = []
    by_id = {s.id: s for s in speakers}

    declared = [p.strip() for p in perspectives] if perspectives is not None else None
    seen = [_label(x.perspective) for x in [*speakers, *materials]]
    order = list(dict.fromkeys((declared or []) + seen))
    persp = {p: {"speakers": 0, "appearances": 0, "minutes": 0.0, "share": 0.0, "materials": 0} for p in order}
    evid = {e: {"speakers": 0, "appearances": 0, "minutes": 0.0, "share": 0.0, "materials": 0}
            for e in dict.fromkeys(list(EVIDENCE_TYPES) + [_label(x.evidence_type) for x in [*speakers, *materials]])}

    for s in speakers:
        persp[_label(s.perspective)]["speakers"] += 1
        evid[_label(s.evidence_type)]["speakers"] += 1
    for m in materials:
        persp[_label(m.perspective)]["materials"] += 1
        evid[_label(m.evidence_type)]["materials"] += 1
    total = 0.0
    for a in apps:
        s = by_id.get(a.speaker_id)
        if s is None:
            flags.append(Problem("unknown_speaker", f"An appearance names speaker “{a.speaker_id}”, who is not "
                                 "in the list of speakers", a.session, a.item, "warning"))
            continue
        for row in (persp[_label(s.perspective)], evid[_label(s.evidence_type)]):
            row["appearances"] += 1
            row["minutes"] += float(a.minutes)
        total += float(a.minutes)
    for table in (persp, evid):
        for row in table.values():
            row["share"] = row["minutes"] / total if total else 0.0

    if persp.get(UNTAGGED, {}).get("speakers") or persp.get(UNTAGGED, {}).get("materials"):
        row = persp[UNTAGGED]
        flags.append(Problem("untagged", f"{row['speakers']} speaker(s) and {row['materials']} material(s) have "
                             "no perspective", severity="warning"))
    if declared is not None:
        for p in order:
            if p not in declared and p != UNTAGGED:
                flags.append(Problem("unknown_perspective", f"Perspective “{p}” is not one of the organiser's "
                                     f"perspectives ({', '.join(declared)})", severity="warning"))
    for p in declared if declared is not None else order:
        row = persp[p]
        if p != UNTAGGED and row["minutes"] <= 0:
            extra = f" ({row['materials']} material(s) only)" if row["materials"] else ""
            flags.append(Problem("no_voice", f"Perspective “{p}” has no voice: no speaking time{extra}",
                                 severity="warning"))
    for p, row in persp.items():
        if total and row["minutes"] / total > max_share:
            flags.append(Problem("dominant", f"Perspective “{p}” has {row['minutes'] / total:.0%} of the speaking "
                                 f"time, more than {max_share:.0%}", severity="warning"))

    interests = [{"kind": kind, "id": x.id, "name": getattr(x, "name", None) or getattr(x, "title", ""),
                  "perspective": _label(x.perspective), "interests": list(x.interests)}
                 for kind, rows in (("speaker", speakers), ("material", materials)) for x in rows if x.interests]
    open_requests = sorted((r for r in requests if not r.answered),
                           key=lambda r: (r.session is None, r.session or 0, r.id))
    if open_requests:
        flags.append(Problem("open_requests", f"{len(open_requests)} request(s) for witnesses have no answer yet",
                             severity="warning"))
    return BalanceReport(total, persp, evid, flags, interests, open_requests)
