"""How good a seating is: do tables mirror the panel, and do people meet new people?

*Diversity score*: the mean, over every table and every value of every chosen category
(values of the members present), of ``|share of the table with that value - share of
the panel with it|``; 0 means every table is a small copy of the panel. It is reported
with two reference points: a *bound* no seating can beat (each category seated as well
as possible on its own, an exact small integer program) and the *random* expectation (a uniformly random split
into the same table sizes, from the hypergeometric law). The *normalised* score is
``(random - score) / (random - bound)`` clipped to 0-1: 1 = as good as the bound,
0 = no better than chance.

*Meeting score*: pairs who sit together for the first time (not in the history) divided
by the most new pairs possible: no more than the table places allow (the sum of
``size * (size - 1) / 2``), no more than the pairs not yet met, and no more than each
member can meet (one less than the largest table, per session).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.stats import hypergeom

MISSING = "(missing)"


def encode(attributes: Sequence[dict[str, str]], categories: Sequence[str]) -> tuple[np.ndarray, list[tuple[str, str]]]:
    """(codes, labels): ``codes[i, c]`` is a column of the one-hot value table ``labels``."""
    labels: list[tuple[str, str]] = []
    codes = np.zeros((len(attributes), len(categories)), dtype=np.int64)
    for c, cat in enumerate(categories):
        values = [str(a.get(cat, "") or MISSING) for a in attributes]
        uniq = sorted(set(values))
        base = len(labels)
        labels += [(cat, v) for v in uniq]
        pos = {v: base + k for k, v in enumerate(uniq)}
        codes[:, c] = [pos[v] for v in values]
    return codes, labels


def table_counts(tab: np.ndarray, codes: np.ndarray, n_values: int, n_tables: int) -> np.ndarray:
    """(tables x values) counts of members."""
    counts = np.zeros((n_tables, n_values))
    for c in range(codes.shape[1]):
        np.add.at(counts, (tab, codes[:, c]), 1)
    return counts


def deviation(tab: np.ndarray, codes: np.ndarray, n_values: int, sizes: np.ndarray) -> float:
    """The diversity score of a seating (``tab[i]`` = table of member i)."""
    if not n_values or not len(sizes):
        return 0.0
    counts = table_counts(tab, codes, n_values, len(sizes))
    panel = counts.sum(0) / len(tab)
    return float(np.abs(counts / sizes[:, None] - panel).mean())


def _value_counts(codes: np.ndarray, n_values: int) -> list[np.ndarray]:
    return [np.bincount(codes[:, c], minlength=n_values)[np.unique(codes[:, c])] for c in range(codes.shape[1])]


def deviation_bound(codes: np.ndarray, n_values: int, sizes: np.ndarray) -> float:
    """No seating has a lower diversity score: each category seated at its best on its own."""
    if not n_values or not len(sizes):
        return 0.0
    key = tuple(int(s) for s in sizes)
    total = sum(category_bound(tuple(int(c) for c in counts), key) for counts in _value_counts(codes, n_values))
    return total / (len(sizes) * n_values)


@lru_cache(maxsize=256)
def category_bound(counts: tuple[int, ...], sizes: tuple[int, ...]) -> float:
    """Least sum over tables and values of |k/n_t - p_v| for one category (a small integer program).

    Tables share the members, so a lone member of a value raises one table's deviation:
    rounding each table on its own would promise more than any seating can give. The
    program is solved by HiGHS; if it runs out of time its proven lower bound is used.
    """
    T, V, n = len(sizes), len(counts), sum(counts)
    share = np.array(counts) / n
    size = np.array(sizes, dtype=float)
    target = (size[:, None] * share[None, :]).ravel()  # k_tv aims at n_t p_v
    cells = T * V
    cost = np.concatenate([np.zeros(cells), np.repeat(1.0 / size, V)])  # |k - target| / n_t
    rows_t = np.kron(np.eye(T), np.ones((1, V)))
    rows_v = np.kron(np.ones((1, T)), np.eye(V))
    eye = np.eye(cells)
    constraints = [
        LinearConstraint(np.hstack([rows_t, np.zeros((T, cells))]), size, size),
        LinearConstraint(np.hstack([rows_v, np.zeros((V, cells))]), np.array(counts, float), np.array(counts, float)),
        LinearConstraint(np.hstack([-eye, eye]), -target, np.inf),
        LinearConstraint(np.hstack([eye, eye]), target, np.inf),
    ]
    res = milp(cost, constraints=constraints, integrality=np.r_[np.ones(cells), np.zeros(cells)],
               bounds=Bounds(0, np.r_[np.repeat(size, V), np.full(cells, np.inf)]),
               options={"time_limit": 2.0})
    if res.status == 0 and res.fun is not None:
        return float(res.fun)
    bound = getattr(res, "mip_dual_bound", None)
    return float(bound) if bound is not None and np.isfinite(bound) else 0.0


def deviation_random(codes: np.ndarray, n_values: int, sizes: np.ndarray) -> float:
    """Expected diversity score of a uniformly random split into tables of these sizes."""
    if not n_values or not len(sizes):
        return 0.0
    total, n = 0.0, len(codes)
    uniq, times = np.unique(np.asarray(sizes, dtype=np.int64), return_counts=True)
    for counts in _value_counts(codes, n_values):
        share = counts / n
        for size, many in zip(uniq, times, strict=True):
            k = np.arange(size + 1)[:, None]
            pmf = hypergeom.pmf(k, n, counts[None, :], size)
            total += many * float((pmf * np.abs(k / size - share[None, :])).sum())
    return total / (len(sizes) * n_values)


def normalised(score: float, bound: float, random: float) -> float:
    """1 = as good as the bound, 0 = no better than a random split."""
    if random - bound <= 1e-12:
        return 1.0 if score <= bound + 1e-12 else 0.0
    return float(min(1.0, max(0.0, (random - score) / (random - bound))))


def pairs(tables: Iterable[Iterable[str]]) -> set[tuple[str, str]]:
    """Every pair sitting at the same table, as (smaller id, larger id)."""
    out = set()
    for table in tables:
        ids = sorted(str(x) for x in table)
        out.update((a, b) for k, a in enumerate(ids) for b in ids[k + 1:])
    return out


def _fewest_pairs(n: int, caps: tuple[int, ...]) -> int:
    """Fewest pairs from one group when n people are drawn from groups of these sizes (spread evenly)."""
    taken = [0] * len(caps)
    for _ in range(n):
        j = min((k for k in range(len(caps)) if taken[k] < caps[k]), key=taken.__getitem__, default=None)
        if j is None:
            break
        taken[j] += 1
    return sum(a * (a - 1) // 2 for a in taken)


def forced_repeats(tables: Sequence[Sequence[str]], earlier: Sequence[Sequence[Sequence[str]]]) -> int:
    """Pairs who must meet again at these table sizes, whoever sits where (pigeonhole).

    A table of 8 drawn from the 6 tables of an earlier session holds at least two pairs
    who sat together then. The largest such count over the earlier sessions is a limit
    on new pairs.
    """
    present = {str(m) for t in tables for m in t}
    sizes = [len(t) for t in tables]
    worst = 0
    for old in earlier:
        caps = [sum(str(m) in present for m in t) for t in old]
        caps += [1] * (len(present) - sum(caps))
        key = tuple(sorted((c for c in caps if c > 1), reverse=True)) + (1,) * sum(c == 1 for c in caps)
        worst = max(worst, sum(_fewest_pairs(n, key) for n in sizes))
    return worst


def meetings(sessions: Sequence[Sequence[Sequence[str]]], history: Sequence[Sequence[Sequence[str]]] = ()
             ) -> dict[str, float]:
    """New pairs met over ``sessions`` (each a list of tables), against the most possible.

    ``repeat_pairs`` counts, session by session, pairs seated together who had met before.
    The most possible is the smallest of: the table places less the pairs the pigeonhole
    forces to meet again (:func:`forced_repeats`), the pairs not met yet, and what each
    member can meet (one less than the largest table, per session).
    """
    ids = sorted({str(m) for s in (*history, *sessions) for t in s for m in t})
    index = {m: i for i, m in enumerate(ids)}
    n = len(ids)

    def together(tables: Sequence[Sequence[str]]) -> np.ndarray:
        mat = np.zeros((n, n), dtype=bool)
        for t in tables:
            ix = [index[str(m)] for m in t]
            mat[np.ix_(ix, ix)] = True
        np.fill_diagonal(mat, False)
        return mat

    met = np.zeros((n, n), dtype=bool)
    for tables in history:
        met |= together(tables)
    seen, new, eligible = met.copy(), np.zeros((n, n), dtype=bool), np.zeros((n, n), dtype=bool)
    reach = np.zeros(n, dtype=np.int64)
    repeats = places = 0
    for k, tables in enumerate(sessions):
        here = together(tables)
        repeats += int((here & seen).sum()) // 2
        new |= here & ~met
        seen |= here
        places += sum(len(t) * (len(t) - 1) // 2 for t in tables)
        places -= forced_repeats(tables, [*history, *sessions[:k]])
        present = np.zeros(n, dtype=bool)
        present[[index[str(m)] for t in tables for m in t]] = True
        eligible |= present[:, None] & present[None, :]
        reach[present] += max((len(t) for t in tables), default=1) - 1
    np.fill_diagonal(eligible, False)
    eligible &= ~met
    per_member = int(np.minimum(eligible.sum(1), reach).sum()) // 2
    possible = min(places, int(eligible.sum()) // 2, per_member)
    found = int(new.sum()) // 2
    return {"new_pairs": found, "repeat_pairs": repeats, "possible_new_pairs": possible,
            "meeting_score": found / possible if possible else 1.0}
