"""Where a programme's time goes, and whether it meets the norms of good panels.

The norms come from the panels the OECD studied and MASS LBP's reference panels: at
least 30 hours together, most of it learning (we warn under 50 % or over 75 %), time for
members to question speakers, and at least a full session to draft recommendations.

Definitions (all times exclude breaks unless said otherwise):

- *total hours*: the time of every agenda item that is not a break;
- *learning share*: presentations + questions to speakers + site visits, divided by
  the total hours;
- *deliberation hours*: small-group deliberation + plenary;
- an item with nested items counts only the time its children leave uncovered; each
  child counts under its own type and phase (an item without a phase takes its
  parent's, then its session's);
- *one session*, for the drafting norm, is the median length of the programme's
  sessions with any time in them.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from .plans import ITEM_TYPES, PHASE_LABELS, PHASES, AgendaItem, ItemType, Phase, Programme, validate_programme
from .problems import Problem

LEARNING_TYPES = (ItemType.PRESENTATION.value, ItemType.QUESTIONS.value, ItemType.SITE_VISIT.value)
DELIBERATION_TYPES = (ItemType.SMALL_GROUP.value, ItemType.PLENARY.value)
MIN_HOURS = 30
LEARNING_RANGE = (0.5, 0.75)


@dataclass
class Budget:
    """Hours of a programme by phase, by item type and by session, with warnings."""

    sessions: int
    total_hours: float
    break_hours: float
    learning_hours: float
    learning_share: float
    deliberation_hours: float
    question_hours: float
    hours_by_phase: dict[str, float] = field(default_factory=dict)
    hours_by_type: dict[str, float] = field(default_factory=dict)
    hours_by_session: list[float] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        d = dict(self.__dict__)
        d["hours_by_phase"] = dict(self.hours_by_phase)
        d["hours_by_type"] = dict(self.hours_by_type)
        d["hours_by_session"] = list(self.hours_by_session)
        d["warnings"] = [w.to_dict() for w in self.warnings]
        return d

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Budget:
        d = dict(data)
        d["warnings"] = [Problem.from_dict(w) for w in d.get("warnings", [])]
        return cls(**d)


def _own_minutes(items: list[AgendaItem], phase: str, out: list[tuple[str, str, int]]) -> None:
    """(type, phase, minutes) of each item's own time, children counted separately."""
    for item in items:
        item_phase = str(item.phase or phase)
        try:
            own = item.minutes - sum(max(0, c.minutes) for c in item.items)
        except ValueError:
            own = 0  # unreadable times: validate_agenda reports them
        out.append((str(item.type), item_phase, max(0, own)))
        _own_minutes(item.items, item_phase, out)


def _warn(code: str, message: str) -> Problem:
    return Problem(code, message, severity="warning")


def time_budget(programme: Programme | dict, *, min_hours: float = MIN_HOURS,
                learning_range: tuple[float, float] = LEARNING_RANGE,
                learning_types: tuple[str, ...] = LEARNING_TYPES) -> Budget:
    """Hours per phase, per item type and per session, the learning share, and warnings.

    Warnings (codes): ``total_hours_low`` under ``min_hours``; ``learning_share_low`` /
    ``learning_share_high`` outside ``learning_range`` (the bounds themselves are fine);
    ``no_questions`` when no time is left to question speakers; ``drafting_short`` when
    drafting is shorter than one session; ``phase_missing`` when a phase has no time;
    ``invalid_agenda`` when an agenda has errors (see ``validate_agenda``).
    """
    if isinstance(programme, dict):
        programme = Programme.from_dict(programme)
    by_type = dict.fromkeys(ITEM_TYPES, 0)
    by_phase = dict.fromkeys(PHASES, 0)
    per_session = []
    for s in programme.sessions:
        rows: list[tuple[str, str, int]] = []
        _own_minutes(s.items, str(s.phase), rows)
        per_session.append(sum(m for t, _, m in rows if t != ItemType.BREAK))
        for typ, phase, minutes in rows:
            by_type[typ] = by_type.get(typ, 0) + minutes
            if typ != ItemType.BREAK:
                by_phase[phase] = by_phase.get(phase, 0) + minutes
    total = sum(per_session)
    learning = sum(by_type.get(t, 0) for t in learning_types)
    questions = by_type[ItemType.QUESTIONS]
    share = Fraction(learning, total) if total else Fraction(0)

    warnings: list[Problem] = []
    errors = [p for p in validate_programme(programme) if p.severity == "error"]
    if errors:
        warnings.append(_warn("invalid_agenda", f"{len(errors)} problem(s) in the agendas, so these figures "
                              f"may be wrong; first: {errors[0].message}"))
    if total < Fraction(str(min_hours)) * 60:
        warnings.append(_warn("total_hours_low", f"The programme has {total / 60:.1f} hours of work; good panels "
                              f"have at least {min_hours:g} hours"))
    lo, hi = (Fraction(str(x)) for x in learning_range)
    if total and share < lo:
        warnings.append(_warn("learning_share_low", f"Learning is {float(share):.0%} of the time; members need at "
                              f"least {float(lo):.0%} to learn before they deliberate"))
    if total and share > hi:
        warnings.append(_warn("learning_share_high", f"Learning is {float(share):.0%} of the time; above "
                              f"{float(hi):.0%} there is too little time to deliberate and draft"))
    if total and questions == 0:
        warnings.append(_warn("no_questions", "There is no time for members to question speakers; add "
                              "'questions to speakers' items after presentations"))
    for phase in PHASES:
        if total and by_phase[phase] == 0:
            warnings.append(_warn("phase_missing", f"The phase “{PHASE_LABELS[Phase(phase)]}” has no time"))
    worked = [m for m in per_session if m > 0]
    one_session = Fraction(statistics.median(worked)) if worked else Fraction(0)
    if total and by_phase[Phase.DRAFTING] < one_session:
        warnings.append(_warn("drafting_short", f"Drafting recommendations has {by_phase[Phase.DRAFTING] / 60:.1f} "
                              f"hours, less than one session ({float(one_session) / 60:.1f} hours)"))

    def hours(m: int) -> float:
        return m / 60

    return Budget(
        sessions=len(programme.sessions), total_hours=hours(total), break_hours=hours(by_type[ItemType.BREAK]),
        learning_hours=hours(learning), learning_share=float(share),
        deliberation_hours=hours(sum(by_type[t] for t in DELIBERATION_TYPES)), question_hours=hours(questions),
        hours_by_phase={k: hours(v) for k, v in by_phase.items()},
        hours_by_type={k: hours(v) for k, v in by_type.items()},
        hours_by_session=[hours(m) for m in per_session], warnings=warnings)
