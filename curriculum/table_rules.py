"""The hard rules of a seating, and a first seating that keeps all of them.

Rules: every table has its exact size; pinned members sit at their table (a
facilitator's or an interpreter's table); members who must sit together (a shared
language, an access need) share a table; pairs who must sit apart do not. Members who
must sit together are handled as one *unit*; a unit takes its members' pin.

Table sizes: a list of sizes is used exactly when it adds up to the members present;
otherwise (after drop-outs) one seat at a time is taken from the largest table (or
added to the smallest). A single number is the largest table size: as few tables as
that allows, with sizes that differ by at most one.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

DFS_LIMIT = 200_000


class AllocationError(ValueError):
    """No seating can keep the rules; ``problems`` says why, one reason per line."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("cannot seat the members: " + "; ".join(self.problems))


def seed_int(seed: int | str) -> int:
    """A non-negative integer from a seed (strings, like the lottery's, are hashed)."""
    if isinstance(seed, int | np.integer) and not isinstance(seed, bool) and seed >= 0:
        return int(seed)
    return int.from_bytes(hashlib.sha256(str(seed).encode()).digest()[:8], "big")


def resolve_sizes(n: int, table_sizes: Sequence[int] | int) -> tuple[list[int], list[str]]:
    """(sizes adding up to ``n``, notes on any adjustment)."""
    if n <= 0:
        raise AllocationError(["there are no members to seat"])
    if isinstance(table_sizes, int | np.integer):
        if table_sizes < 1:
            raise AllocationError([f"table size must be at least 1, not {table_sizes}"])
        count = math.ceil(n / int(table_sizes))
        return [n // count + (k < n % count) for k in range(count)], []
    sizes = [int(s) for s in table_sizes]
    if not sizes or min(sizes) < 1:
        raise AllocationError(["every table needs a size of at least 1"])
    if len(sizes) > n:
        raise AllocationError([f"{len(sizes)} tables for {n} members: some tables would be empty"])
    if sum(sizes) == n:
        return sizes, []
    given = list(sizes)
    while sum(sizes) > n:
        sizes[int(np.argmax(sizes))] -= 1
    while sum(sizes) < n:
        sizes[int(np.argmin(sizes))] += 1
    return sizes, [f"table sizes {given} add up to {sum(given)} but {n} members are present; using {sizes}"]


@dataclass
class Rules:
    """Units (lists of member positions), each unit's pinned table (-1: free) and its conflicts."""

    units: list[list[int]]
    pin: list[int]
    conflicts: list[set[int]]
    unit_of: list[int]
    apart: list[tuple[int, int]]


def build_rules(ids: Sequence[str], sizes: Sequence[int], pinned: Mapping[str, int] | None = None,
                together: Iterable[Iterable[str]] | None = None,
                apart: Iterable[tuple[str, str]] | None = None) -> tuple[Rules, list[str]]:
    """Units and conflicts for the members present; raises AllocationError with every clash."""
    index = {m: i for i, m in enumerate(ids)}
    errors: list[str] = []
    notes: list[str] = []
    parent = list(range(len(ids)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for group in together or ():
        here = [index[str(m)] for m in group if str(m) in index]
        for other in here[1:]:
            parent[find(other)] = find(here[0])
    roots: dict[int, int] = {}
    units: list[list[int]] = []
    unit_of = [0] * len(ids)
    for i in range(len(ids)):
        u = roots.setdefault(find(i), len(units))
        if u == len(units):
            units.append([])
        units[u].append(i)
        unit_of[i] = u

    pin = [-1] * len(units)
    for m, t in (pinned or {}).items():
        m = str(m)
        if m not in index:
            notes.append(f"pinned member {m} is not present")
            continue
        if not 0 <= int(t) < len(sizes):
            errors.append(f"{m} is pinned to table {int(t) + 1}, but there are {len(sizes)} tables")
            continue
        u = unit_of[index[m]]
        if pin[u] not in (-1, int(t)):
            errors.append(f"{m} is pinned to table {int(t) + 1} but must sit with members pinned to table "
                          f"{pin[u] + 1}")
        pin[u] = int(t)
    largest = max(sizes)
    for unit in units:
        if len(unit) > largest:
            errors.append(f"{len(unit)} members must sit together ({', '.join(ids[i] for i in unit)}) but the "
                          f"largest table has {largest} seats")
    for t, size in enumerate(sizes):
        held = sum(len(units[u]) for u in range(len(units)) if pin[u] == t)
        if held > size:
            errors.append(f"{held} members are pinned to table {t + 1}, which has {size} seats")

    conflicts: list[set[int]] = [set() for _ in units]
    pairs = []
    for a, b in apart or ():
        a, b = str(a), str(b)
        if a not in index or b not in index:
            continue
        ua, ub = unit_of[index[a]], unit_of[index[b]]
        if ua == ub:
            errors.append(f"{a} and {b} must sit apart but also together")
        elif pin[ua] != -1 and pin[ua] == pin[ub]:
            errors.append(f"{a} and {b} must sit apart but are both pinned to table {pin[ua] + 1}")
        conflicts[ua].add(ub)
        conflicts[ub].add(ua)
        pairs.append((index[a], index[b]))
    if errors:
        raise AllocationError(errors)
    return Rules(units, pin, conflicts, unit_of, pairs), notes


Chooser = Callable[[int, list[int]], int]


def construct(rules: Rules, sizes: Sequence[int], rng: np.random.Generator, choose: Chooser,
              placed: Callable[[int, int], None] = lambda u, t: None) -> np.ndarray:
    """A seating keeping every rule: greedy with ``choose(unit, feasible tables)``, else exhaustive search.

    Pinned units go first, then the largest units and those with most conflicts.
    """
    n_units = len(rules.units)
    size = [len(u) for u in rules.units]
    noise = rng.random(n_units)
    order = sorted(range(n_units), key=lambda u: (rules.pin[u] == -1, -size[u], -len(rules.conflicts[u]), noise[u]))
    free = list(sizes)
    where = [-1] * n_units
    at: list[set[int]] = [set() for _ in sizes]
    for u in order:
        if rules.pin[u] != -1:
            options = [rules.pin[u]]
        else:
            options = [t for t in range(len(sizes)) if free[t] >= size[u] and not (rules.conflicts[u] & at[t])]
        if not options:
            break
        t = options[0] if len(options) == 1 else choose(u, options)
        where[u] = t
        free[t] -= size[u]
        at[t].add(u)
        placed(u, t)
    else:
        return _seats(rules, where)
    where = _exhaustive(rules, sizes, order)
    if where is None:
        raise AllocationError(["no seating keeps all the rules (pinned members, groups who sit together, pairs "
                               "who sit apart, table sizes); relax one of them"])
    return _seats(rules, where)


def _seats(rules: Rules, where: list[int]) -> np.ndarray:
    tab = np.zeros(len(rules.unit_of), dtype=np.int64)
    for u, members in enumerate(rules.units):
        tab[members] = where[u]
    return tab


def _exhaustive(rules: Rules, sizes: Sequence[int], order: list[int]) -> list[int] | None:
    """Depth-first search over units (tables of equal free size and no one seated are tried once)."""
    size = [len(u) for u in rules.units]
    free = list(sizes)
    where = [-1] * len(order)
    at: list[set[int]] = [set() for _ in sizes]
    nodes = 0

    def go(k: int) -> bool:
        nonlocal nodes
        if k == len(order):
            return True
        u = order[k]
        tried_empty: set[int] = set()
        options = [rules.pin[u]] if rules.pin[u] != -1 else sorted(range(len(sizes)), key=lambda t: -free[t])
        for t in options:
            if free[t] < size[u] or rules.conflicts[u] & at[t]:
                continue
            if not at[t]:
                if free[t] in tried_empty:
                    continue
                tried_empty.add(free[t])
            nodes += 1
            if nodes > DFS_LIMIT:
                return False
            where[u], free[t] = t, free[t] - size[u]
            at[t].add(u)
            if go(k + 1):
                return True
            at[t].discard(u)
            where[u], free[t] = -1, free[t] + size[u]
        return False

    return where if go(0) else None


def check_allocation(tables: Sequence[Sequence[str]], members: Iterable[str] | None = None,
                     table_sizes: Sequence[int] | None = None, pinned: Mapping[str, int] | None = None,
                     together: Iterable[Iterable[str]] | None = None,
                     apart: Iterable[tuple[str, str]] | None = None) -> list[str]:
    """Every broken rule of a seating (for example one edited by hand); empty when all hold."""
    problems = []
    table_of: dict[str, int] = {}
    for t, table in enumerate(tables):
        for m in table:
            if str(m) in table_of:
                problems.append(f"{m} is seated twice (tables {table_of[str(m)] + 1} and {t + 1})")
            table_of[str(m)] = t
    if members is not None:
        wanted = {str(m) for m in members}
        problems += [f"{m} has no seat" for m in sorted(wanted - set(table_of))]
        problems += [f"{m} is seated but not present" for m in sorted(set(table_of) - wanted)]
    if table_sizes is not None:
        if len(table_sizes) != len(tables):
            problems.append(f"{len(tables)} tables instead of {len(table_sizes)}")
        for t, (table, size) in enumerate(zip(tables, table_sizes, strict=False)):
            if len(table) != size:
                problems.append(f"table {t + 1} has {len(table)} members instead of {size}")
    for m, t in (pinned or {}).items():
        if str(m) in table_of and table_of[str(m)] != int(t):
            problems.append(f"{m} is pinned to table {int(t) + 1} but sits at table {table_of[str(m)] + 1}")
    for group in together or ():
        seated = {table_of[str(m)] for m in group if str(m) in table_of}
        if len(seated) > 1:
            problems.append(f"{', '.join(map(str, group))} must sit together but are at tables "
                            f"{', '.join(str(t + 1) for t in sorted(seated))}")
    for a, b in apart or ():
        if str(a) in table_of and table_of[str(a)] == table_of.get(str(b)):
            problems.append(f"{a} and {b} must sit apart but both sit at table {table_of[str(a)] + 1}")
    return problems
