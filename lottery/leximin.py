"""LEXIMIN and MAXIMIN selection probabilities by column generation over types.

Flanigan, Gölz, Gupta, Hennig and Procaccia (Nature 2021): give every volunteer as
high a chance as the quotas allow, the least lucky first. The master LP chooses
probabilities for a growing set of panels; its dual prices the types; the panel
integer program (:mod:`lottery.milp`) finds the panel worth most at those prices.
When no panel improves the master, the types with a positive price cannot do better
than the current level: they are fixed, and the next level is raised.

Master at one level (types ``t`` of size ``s_t``, panel ``P`` with ``x_t(P)`` seats):
maximise ``z`` s.t. ``sum_P q_P = 1``, ``sum_P q_P x_t(P)/s_t >= z`` for unfixed types,
``>= f_t - tol`` for fixed ones, ``q >= 0``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import highspy
import numpy as np

from .compress import TypeSpace
from .milp import INF, PanelSolver, new_highs

Progress = Callable[[float, str], None]

PRICE_EPS = 1e-9   # a new panel must improve the master by more than this
DUAL_EPS = 1e-7    # types with a larger dual price are fixed at the current level
FIX_TOL = 1e-10    # slack allowed on fixed levels, for the LP's floating point


@dataclass
class TypePortfolio:
    """Distribution over type-count panels; ``panels`` is (m x T) int, ``probs`` (m,)."""

    panels: np.ndarray
    probs: np.ndarray
    lp_bound: float = float("nan")   # proven upper bound on the smallest probability
    stats: dict = field(default_factory=dict)

    def type_probs(self, sizes: np.ndarray) -> np.ndarray:
        return (self.probs @ self.panels) / sizes


def _noop(_f: float, _m: str) -> None:
    return None


class Master:
    """The master LP in HiGHS, grown one column (panel) at a time with warm starts."""

    def __init__(self, ts: TypeSpace):
        self.ts = ts
        self.h = h = new_highs()
        T = ts.n_types
        # column 0 is z (bounded to [0, 1] so the LP never becomes unbounded)
        h.addVar(0.0, 1.0)
        h.changeColCost(0, -1.0)
        h.addRow(1.0, 1.0, 0, np.array([], dtype=np.int32), np.array([]))
        for _ in range(T):
            h.addRow(0.0, INF, 1, np.array([0], dtype=np.int32), np.array([-1.0]))
        self.columns: list[np.ndarray] = []
        self.keys: set[bytes] = set()
        self.fixed = np.full(T, np.nan)

    def add(self, x: np.ndarray) -> bool:
        key = x.tobytes()
        if key in self.keys:
            return False
        self.keys.add(key)
        self.columns.append(x.copy())
        nz = np.flatnonzero(x)
        idx = np.concatenate([[0], nz + 1]).astype(np.int32)
        val = np.concatenate([[1.0], x[nz] / self.ts.sizes[nz]])
        self.h.addCol(0.0, 0.0, INF, len(idx), idx, val)
        return True

    def fix(self, types: np.ndarray, level: float) -> None:
        for t in types:
            self.fixed[t] = level
            self.h.changeCoeff(int(t) + 1, 0, 0.0)
            self.h.changeRowBounds(int(t) + 1, max(0.0, level - FIX_TOL), INF)

    def solve(self) -> tuple[float, np.ndarray, float, np.ndarray]:
        """Returns z, type duals (>= 0), the pricing threshold and panel probabilities."""
        h = self.h
        h.run()
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            # numerical trouble: retry from scratch once
            h.clearSolver()
            h.run()
        sol = h.getSolution()
        col = np.array(sol.col_value)
        dual = np.array(sol.row_dual)
        return float(col[0]), np.maximum(dual[1:], 0.0), float(-dual[0]), col[1:]


def initial_panels(ts: TypeSpace, solver: PanelSolver, blocked: np.ndarray) -> tuple[
        list[np.ndarray], np.ndarray]:
    """Panels covering every type that can sit on any panel; also returns the types that
    cannot (probability 0 whatever we do)."""
    T = ts.n_types
    covered = blocked.copy()
    panels: list[np.ndarray] = []
    while not covered.all():
        w = np.where(covered, 0.0, 1.0 / ts.sizes)
        x, val, _ = solver.best(w)
        if x is None:
            break
        if val <= 0.5 / ts.sizes.max():
            break
        panels.append(x)
        covered |= x > 0
    impossible = ~covered
    if not panels:
        x = solver.any_panel()
        if x is not None:
            panels.append(x)
    return panels, impossible & ~blocked if T else impossible


def find_leximin(ts: TypeSpace, levels: bool = True, progress: Progress | None = None,
                 max_iterations: int = 100_000, time_limit: float | None = None
                 ) -> TypePortfolio:
    """LEXIMIN (``levels=True``) or MAXIMIN (first level only) over types.

    With ``time_limit`` (seconds) the search stops early and returns the best
    distribution found so far (``stats['stopped_early']``). Raises ``ValueError`` when
    no panel satisfies the quotas.
    """
    progress = progress or _noop
    deadline = time.perf_counter() + time_limit if time_limit else float("inf")
    stopped = False
    solver = PanelSolver(ts)
    T = ts.n_types
    never = np.zeros(T, dtype=bool)
    panels, never = initial_panels(ts, solver, never)
    if not panels:
        raise ValueError("no panel satisfies the quotas")
    master = Master(ts)
    for x in panels:
        master.add(x)
    if never.any():
        master.fix(np.flatnonzero(never), 0.0)
    progress(0.05, f"{len(panels)} starting panels, {T} types")
    lp_bound = float("nan")
    iterations = 0
    level_count = 0
    q = np.zeros(len(master.columns))
    while True:
        unfixed = np.isnan(master.fixed)
        if not unfixed.any():
            break
        while True:
            iterations += 1
            z, y, threshold, q = master.solve()
            x, val, bound = solver.price(y / ts.sizes, threshold, PRICE_EPS)
            if level_count == 0:
                lp_bound = bound
            if x is None or val <= threshold + PRICE_EPS or not master.add(x):
                break
            if iterations >= max_iterations or time.perf_counter() > deadline:
                stopped = True
                break
        level_count += 1
        if level_count == 1:
            lp_bound = min(lp_bound, max(bound, z))
        unfixed = np.isnan(master.fixed)
        fix = np.flatnonzero(unfixed & (y > DUAL_EPS))
        if len(fix) == 0:
            fix = np.flatnonzero(unfixed)[[int(np.argmax(y[unfixed]))]]
        master.fix(fix, z)
        done = 1 - np.isnan(master.fixed).mean()
        progress(0.05 + 0.9 * done, f"level {level_count}: {len(fix)} types at {z:.6f}")
        if not levels or stopped:
            break
    probs = np.maximum(np.concatenate([q, np.zeros(len(master.columns) - len(q))]), 0.0)
    cols = np.array(master.columns, dtype=np.int64)
    keep = probs > 1e-12
    probs = probs[keep] / probs[keep].sum()
    if never.any():  # someone can sit on no panel at all: the true optimum is 0
        lp_bound = 0.0
    return TypePortfolio(
        cols[keep], probs, lp_bound,
        {"iterations": iterations, "levels": level_count, "pricing_calls": solver.calls,
         "mip_calls": solver.mip_calls, "stopped_early": stopped,
         "columns": len(master.columns), "types": T, "impossible_types": int(never.sum())},
    )
