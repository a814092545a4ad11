"""Seating panel members at small tables, session after session.

Each table should mirror the panel on the chosen categories (age band, gender, area...),
members should meet as many new people as possible over the sessions, and the hard
rules always hold (see :mod:`curriculum.table_rules`). :func:`allocate` seats one
session given the past ones, :func:`plan_sessions` seats several in a row,
:func:`reallocate` re-seats later sessions after drop-outs without touching the past,
and :func:`random_baseline` seats at random (rules kept) for comparison. Scores are
defined in :mod:`curriculum.table_scores`. The same inputs and seed give the same
seating; member ids are compared as strings.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from .table_rules import AllocationError, build_rules, construct, resolve_sizes, seed_int
from .table_scores import deviation, deviation_bound, deviation_random, encode, meetings, normalised
from .table_search import GreedyChooser, RandomChooser, Seating, improve

DIVERSITY_WEIGHT = 6.0
MEETING_WEIGHT = 1.0
SEARCH_STEPS = 200

Tables = list[list[str]]


@dataclass
class Member:
    """A panel member and their values in the categories (``{"age": "30-44", ...}``)."""

    id: str
    attributes: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Member:
        """From ``{"id", "attributes"}`` or a flat row ``{"id": ..., "age": ..., ...}``."""
        if "attributes" in data:
            return cls(str(data["id"]), {str(k): str(v) for k, v in data["attributes"].items()})
        return cls(str(data["id"]), {str(k): str(v) for k, v in data.items() if k != "id"})

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "attributes": dict(self.attributes)}


@dataclass
class Allocation:
    """One session's tables (member ids per table) and how good they are."""

    session: int
    tables: Tables
    method: str
    seed: int | str
    diversity_score: float
    diversity_normalised: float
    diversity_bound: float
    diversity_random: float
    new_pairs: int
    repeat_pairs: int
    possible_new_pairs: int
    meeting_score: float
    objective: float | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def sizes(self) -> list[int]:
        return [len(t) for t in self.tables]

    def table_of(self) -> dict[str, int]:
        return {m: t for t, table in enumerate(self.tables) for m in table}

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Allocation:
        names = cls.__dataclass_fields__
        return cls(**{k: v for k, v in data.items() if k in names})


@dataclass
class Plan:
    """Allocations for consecutive sessions, with meeting figures over all of them."""

    allocations: list[Allocation]
    new_pairs: int
    repeat_pairs: int
    possible_new_pairs: int
    meeting_score: float
    diversity_score: float
    diversity_normalised: float

    def tables(self) -> list[Tables]:
        return [a.tables for a in self.allocations]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Plan:
        d = dict(data)
        d["allocations"] = [Allocation.from_dict(a) for a in d["allocations"]]
        return cls(**d)


def _members(members: Iterable[Member | Mapping[str, Any]]) -> list[Member]:
    out = [m if isinstance(m, Member) else Member.from_dict(m) for m in members]
    out = [Member(str(m.id), m.attributes) for m in out]
    counts: dict[str, int] = {}
    for m in out:
        counts[m.id] = counts.get(m.id, 0) + 1
    if any(c > 1 for c in counts.values()):
        raise AllocationError([f"member {m} is listed {c} times" for m, c in counts.items() if c > 1])
    return out


def _history(history: Iterable[Any] | None) -> list[Tables]:
    out = []
    for h in history or ():
        tables = h.tables if isinstance(h, Allocation) else h["tables"] if isinstance(h, Mapping) else h
        out.append([[str(m) for m in t] for t in tables])
    return out


def _categories(members: list[Member], categories: Sequence[str] | None) -> list[str]:
    if categories is not None:
        return list(categories)
    return sorted({k for m in members for k in m.attributes})


def score_allocation(tables: Sequence[Sequence[str]], members: Iterable[Member | Mapping[str, Any]],
                     categories: Sequence[str] | None = None, history: Iterable[Any] | None = None,
                     session: int | None = None, method: str = "given", seed: int | str = "",
                     objective: float | None = None, notes: list[str] | None = None) -> Allocation:
    """The scores of any seating of ``members`` (for example one edited by hand)."""
    people = _members(members)
    cats = _categories(people, categories)
    past = _history(history)
    index = {m.id: i for i, m in enumerate(people)}
    tables = [[str(m) for m in t] for t in tables]
    seated = [m for t in tables for m in t]
    if sorted(seated) != sorted(index):
        raise AllocationError(["the tables must seat every member exactly once"])
    order = [index[m] for m in seated]
    codes, labels = encode([people[i].attributes for i in order], cats)
    tab = np.repeat(np.arange(len(tables)), [len(t) for t in tables])
    sizes = np.array([len(t) for t in tables], dtype=float)
    score = deviation(tab, codes, len(labels), sizes)
    bound = deviation_bound(codes, len(labels), sizes)
    rand = deviation_random(codes, len(labels), sizes)
    meet = meetings([tables], past)
    rank = {m.id: k for k, m in enumerate(people)}
    return Allocation(
        session=len(past) if session is None else int(session),
        tables=[sorted(t, key=rank.__getitem__) for t in tables], method=method, seed=seed,
        diversity_score=score, diversity_normalised=normalised(score, bound, rand), diversity_bound=bound,
        diversity_random=rand, new_pairs=int(meet["new_pairs"]), repeat_pairs=int(meet["repeat_pairs"]),
        possible_new_pairs=int(meet["possible_new_pairs"]), meeting_score=float(meet["meeting_score"]),
        objective=objective, notes=list(notes or []))


def allocate(members: Iterable[Member | Mapping[str, Any]], table_sizes: Sequence[int] | int,
             session: int | None = None, history: Iterable[Any] | None = None,
             categories: Sequence[str] | None = None, pinned: Mapping[str, int] | None = None,
             together: Iterable[Iterable[str]] | None = None, apart: Iterable[tuple[str, str]] | None = None,
             seed: int | str = 0, *, category_weights: Mapping[str, float] | None = None,
             diversity_weight: float = DIVERSITY_WEIGHT, meeting_weight: float = MEETING_WEIGHT,
             steps: int = SEARCH_STEPS, method: str = "search") -> Allocation:
    """Seat ``members`` (those present) for one session, after the sessions in ``history``.

    ``table_sizes``: sizes of the tables, or the largest size (see ``table_rules``);
    ``pinned``: member id -> table index (from 0); ``together``: groups who share a table;
    ``apart``: pairs who do not; ``session``: this session's index (default: after the
    history), which with ``seed`` fixes the random choices. ``diversity_weight``,
    ``meeting_weight`` and ``category_weights`` weigh the objective (see ``table_search``);
    ``steps`` bounds the tabu search. ``method="random"`` only builds a random seating that
    keeps the rules. Raises :class:`AllocationError` if the rules cannot all hold.
    """
    if method not in ("search", "random"):
        raise ValueError(f"method must be 'search' or 'random', not {method!r}")
    people = _members(members)
    cats = _categories(people, categories)
    past = _history(history)
    session = len(past) if session is None else int(session)
    ids = [m.id for m in people]
    sizes, notes = resolve_sizes(len(people), table_sizes)
    rules, more = build_rules(ids, sizes, pinned, together, apart)
    rng = np.random.default_rng(np.random.SeedSequence([seed_int(seed), max(0, session)]))

    codes, labels = encode([m.attributes for m in people], cats)
    weights = np.array([float((category_weights or {}).get(cat, 1.0)) for cat, _ in labels])
    index = {m: i for i, m in enumerate(ids)}
    met = np.zeros((len(ids), len(ids)))  # 1 for pairs who have met: a second meeting is no worse than a third
    for tables in past:
        for table in tables:
            here = [index[m] for m in table if m in index]
            met[np.ix_(here, here)] = 1.0
    np.fill_diagonal(met, 0)
    seating = Seating(codes, len(labels), weights, sizes, met, rules, diversity_weight, meeting_weight)
    if method == "random":
        chooser: GreedyChooser | RandomChooser = RandomChooser(sizes, rules, rng)
    else:
        chooser = GreedyChooser(seating, rng)
    tab = construct(rules, sizes, rng, chooser.choose, chooser.placed)
    if method == "search":
        tab = improve(seating, tab, rng, steps)
    seating.reset(tab)
    tables = [[ids[i] for i in np.flatnonzero(tab == t)] for t in range(len(sizes))]
    return score_allocation(tables, people, cats, past, session, method, seed, seating.objective(), notes + more)


def _plan(allocations: list[Allocation], history: list[Tables]) -> Plan:
    meet = meetings([a.tables for a in allocations], history)
    n = max(1, len(allocations))
    return Plan(allocations, int(meet["new_pairs"]), int(meet["repeat_pairs"]), int(meet["possible_new_pairs"]),
                float(meet["meeting_score"]), sum(a.diversity_score for a in allocations) / n,
                sum(a.diversity_normalised for a in allocations) / n)


def plan_sessions(members: Iterable[Member | Mapping[str, Any]], table_sizes: Sequence[int] | int, sessions: int,
                  history: Iterable[Any] | None = None, categories: Sequence[str] | None = None,
                  pinned: Mapping[str, int] | None = None, together: Iterable[Iterable[str]] | None = None,
                  apart: Iterable[tuple[str, str]] | None = None, seed: int | str = 0, *,
                  absent: Mapping[int, Iterable[str]] | None = None, first_session: int | None = None,
                  **options: Any) -> Plan:
    """Seat ``sessions`` sessions in a row, each after the ones before it.

    ``absent`` maps a session index to members who will miss it. Sessions are numbered
    from ``first_session`` (default: after the history). ``options`` go to :func:`allocate`.
    """
    people = _members(members)
    past = _history(history)
    first = len(past) if first_session is None else int(first_session)
    together, apart = list(together or ()), list(apart or ())
    done: list[Allocation] = []
    for s in range(first, first + int(sessions)):
        away = {str(m) for m in (absent or {}).get(s, ())}
        here = [m for m in people if m.id not in away]
        done.append(allocate(here, table_sizes, s, past + [a.tables for a in done], categories, pinned, together,
                             apart, seed, **options))
    return _plan(done, past)


def random_baseline(members: Iterable[Member | Mapping[str, Any]], table_sizes: Sequence[int] | int,
                    sessions: int = 1, history: Iterable[Any] | None = None, categories: Sequence[str] | None = None,
                    pinned: Mapping[str, int] | None = None, together: Iterable[Iterable[str]] | None = None,
                    apart: Iterable[tuple[str, str]] | None = None, seed: int | str = 0, **options: Any) -> Plan:
    """Random seatings that keep every rule, scored like the others, for comparison."""
    return plan_sessions(members, table_sizes, sessions, history, categories, pinned, together, apart, seed,
                         method="random", **options)


def reallocate(plan: Plan | Sequence[Any], members: Iterable[Member | Mapping[str, Any]], from_session: int,
               dropped: Iterable[str] = (), table_sizes: Sequence[int] | int | None = None,
               history: Iterable[Any] | None = None, categories: Sequence[str] | None = None,
               pinned: Mapping[str, int] | None = None, together: Iterable[Iterable[str]] | None = None,
               apart: Iterable[tuple[str, str]] | None = None, seed: int | str = 0, *,
               sessions: int | None = None, **options: Any) -> Plan:
    """Re-seat the sessions from ``from_session`` on without the ``dropped`` members.

    Sessions before ``from_session`` are returned unchanged and count as history. The
    plan is a :class:`Plan` or a list of allocations (or of tables), numbered after
    ``history``. Without ``table_sizes`` each session keeps its number of tables and
    loses seats at its largest tables. ``sessions``: how many to re-seat (default: all
    the later sessions in the plan, at least one).
    """
    entries = plan.allocations if isinstance(plan, Plan) else list(plan)
    people = _members(members)
    known = {m.id: m for m in people}
    base = _history(history)
    kept: list[Allocation] = []
    later: dict[int, Tables] = {}
    for k, entry in enumerate(entries):
        number = entry.session if isinstance(entry, Allocation) else len(base) + k
        tables = _history([entry])[0]
        if number >= from_session:
            later[number] = tables
        elif isinstance(entry, Allocation):
            kept.append(entry)
        else:  # score it; members who have left since keep their seat, without attributes
            seated = [known.get(m, Member(m)) for t in tables for m in t]
            kept.append(score_allocation(tables, seated, categories, base + [a.tables for a in kept], number))
    away = {str(m) for m in dropped}
    here = [m for m in people if m.id not in away]
    count = sessions if sessions is not None else max(1, len(later))
    shape = kept[-1].tables if kept else None
    done: list[Allocation] = []
    for s in range(from_session, from_session + count):
        shape = later.get(s, shape)
        if table_sizes is not None:
            sizes: Sequence[int] | int = table_sizes
        elif shape is not None:
            sizes = [len(t) for t in shape]
        else:
            raise AllocationError(["give table_sizes: there is no earlier seating to copy them from"])
        done.append(allocate(here, sizes, s, base + [a.tables for a in kept + done], categories, pinned, together,
                             apart, seed, **options))
    return _plan(kept + done, base)
