"""Portfolios over individual panels, built from type-level portfolios.

A type-level panel says *how many* members of each type sit on it. To name them, each
type's seats are shared out so that every member ends with the same probability: a
greedy "largest remaining need first" fill decides, panel by panel, which members take
which seats (most shares are whole seats; a few are fractions), and members holding a
fraction of a seat are chosen by systematic sampling with one phase per panel. This
keeps the number of distinct individual panels close to the number of type panels
(a member-by-member rotation would multiply it by the type sizes). If the greedy fill
cannot finish for a type, that type falls back to the symmetric share ``x/s`` in every
panel, which is always correct. Every panel is checked with integer arithmetic.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .compress import TypeSpace, value_matrix
from .leximin import TypePortfolio
from .pool import Instance

CLEAN_EPS = 1e-12  # probabilities below this are dropped before renormalising


@dataclass
class Portfolio:
    """Distinct panels (tuples of person indices, sorted by id) and their probabilities.

    ``probs`` sum to 1; ``canonical()`` gives the order used by the draw.
    """

    panels: list[tuple[int, ...]]
    probs: np.ndarray
    n: int
    algorithm: str = ""
    lp_bound: float = float("nan")
    stats: dict = field(default_factory=dict)

    def probabilities(self) -> np.ndarray:
        """Each volunteer's selection probability: the sum over the panels they sit on."""
        p = np.zeros(self.n)
        for panel, q in zip(self.panels, self.probs, strict=True):
            p[list(panel)] += q
        return p

    def canonical(self, ids: tuple[str, ...]) -> Portfolio:
        """Panels sorted by their sorted member ids (the draw's order)."""
        keyed = sorted(
            (tuple(sorted(ids[i] for i in panel)), panel, q)
            for panel, q in zip(self.panels, self.probs, strict=True)
        )
        return Portfolio([tuple(sorted(p, key=lambda i: ids[i])) for _, p, _ in keyed],
                         np.array([q for _, _, q in keyed]), self.n, self.algorithm,
                         self.lp_bound, dict(self.stats))


def clean(panels: list[tuple[int, ...]], probs: np.ndarray) -> tuple[list, np.ndarray]:
    """Merge duplicates, drop tiny or negative probabilities, renormalise to sum 1."""
    merged: dict[tuple[int, ...], float] = {}
    for p, q in zip(panels, probs, strict=True):
        key = tuple(sorted(int(i) for i in p))
        merged[key] = merged.get(key, 0.0) + float(q)
    items = [(p, q) for p, q in merged.items() if q > CLEAN_EPS]
    if not items:
        raise ValueError("empty portfolio")
    total = sum(q for _, q in items)
    return [p for p, _ in items], np.array([q / total for _, q in items])


def _assign_type(q: np.ndarray, x: np.ndarray, s: int) -> np.ndarray:
    """(s x m) conditional seat shares of one type's members in each of m panels."""
    m = len(q)
    p = float(q @ x) / s
    rem = np.full(s, p)
    share = np.zeros((s, m))
    order_panels = sorted(range(m), key=lambda j: (-x[j], j))
    for j in order_panels:
        if x[j] == 0:
            continue
        need = x[j] * q[j]
        for i in np.argsort(-np.round(rem, 15), kind="stable"):
            give = min(q[j], rem[i], need)
            if give <= 0:
                break
            share[i, j] = give / q[j]
            rem[i] -= give
            need -= give
            if need <= 1e-15:
                break
        if need > 1e-12 * max(1.0, x[j]):
            return np.tile(x / s, (s, 1))  # fallback: symmetric shares
    return np.clip(share, 0.0, 1.0)


def _systematic(members: np.ndarray, share: np.ndarray, phase: float) -> list[int]:
    """Members chosen by systematic sampling at ``phase``: the member whose stretch of
    the running sum contains ``z + phase``, for each whole ``z`` below the total. Always
    exactly ``round(total)`` distinct members (shares are at most 1)."""
    r = int(round(float(share.sum())))
    if r == 0:
        return []
    cum = np.cumsum(share)
    cum = cum * (r / cum[-1])
    pos = np.searchsorted(cum, np.arange(r) + phase, side="right")
    return [int(i) for i in members[np.minimum(pos, len(members) - 1)]]


def expand(ts: TypeSpace, tp: TypePortfolio) -> tuple[list[tuple[int, ...]], np.ndarray]:
    """Individual panels and probabilities with each member's probability equal to
    their type's."""
    q = tp.probs
    X = tp.panels
    shares = {}
    for t in range(ts.n_types):
        s = int(ts.sizes[t])
        if s > 1 and X[:, t].any():
            shares[t] = _assign_type(q, X[:, t], s)
    panels: list[tuple[int, ...]] = []
    probs: list[float] = []
    for j in range(len(q)):
        fixed: list[int] = []
        frac: list[tuple[np.ndarray, np.ndarray]] = []
        cuts = {0.0}
        for t in np.flatnonzero(X[j]):
            mem = ts.members[t]
            if len(mem) == 1:
                fixed.append(int(mem[0]))
                continue
            sh = shares[t][:, j]
            whole = sh >= 1 - 1e-12
            fixed.extend(int(i) for i in mem[whole])
            part = (sh > 1e-12) & ~whole
            if part.any():
                frac.append((mem[part], sh[part]))
                cs = np.cumsum(sh[part])
                # quantise so that float noise in the running sums does not split panels
                # (a sum just below a whole number is that whole number: cut at 0, not -1e-9)
                cuts.update(max(0.0, round(float(c - np.floor(c + 1e-9)), 9)) for c in cs)
        edges = sorted(c for c in cuts if c < 1 - 1e-9) + [1.0]
        for a, b in zip(edges[:-1], edges[1:], strict=True):
            if b - a <= 1e-12:
                continue
            mid = (a + b) / 2
            chosen = list(fixed)
            for mem, sh in frac:
                chosen.extend(_systematic(mem, sh, mid))
            panels.append(tuple(chosen))
            probs.append(q[j] * (b - a))
    return clean(panels, np.array(probs))


def panel_problems(instance: Instance, panel: tuple[int, ...] | list[int]) -> list[str]:
    """Every rule the panel breaks (empty list when it is valid), by exact counting."""
    out = []
    idx = np.asarray(panel, dtype=np.int64)
    if len(idx) != instance.k:
        out.append(f"has {len(idx)} members, not {instance.k}")
    if len(set(idx.tolist())) != len(idx):
        out.append("names someone twice")
    codes = instance.pool.codes[idx]
    counts = value_matrix(instance, codes).astype(np.int64).sum(axis=1)
    for q, c in zip(instance.quotas, counts, strict=True):
        if c < q.min or c > q.max:
            out.append(f"{q.category} = {q.value}: {c} not in [{q.min}, {q.max}]")
    if instance.household_rule:
        hh = instance.pool.households[idx]
        hh = hh[hh >= 0]
        if len(set(hh.tolist())) != len(hh):
            out.append("two members share a household")
    return out


def check_portfolio(instance: Instance, portfolio: Portfolio) -> list[str]:
    """Problems with a portfolio: invalid panels, probabilities not summing to 1."""
    out = []
    for j, panel in enumerate(portfolio.panels):
        for msg in panel_problems(instance, panel):
            out.append(f"panel {j} {msg}")
    if abs(float(portfolio.probs.sum()) - 1) > 1e-9 or (portfolio.probs < 0).any():
        out.append("probabilities do not form a distribution")
    return out
