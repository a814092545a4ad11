"""The master with panels relaxed to fractional ones, and what it is good for.

Its variables are expected seats per type inside the panel polytope (quotas, size,
households), so it is small and solves in milliseconds. Its optimum bounds the master's
at every level, its duals are feasible duals of the master, and its own leximin
profile is where the fair distribution usually lies: :func:`split_profile` cuts that
profile into real panels that start the master close to the answer.
"""

from __future__ import annotations

import time

import highspy
import numpy as np
from scipy import sparse

from .compress import TypeSpace
from .milp import INF, PanelSolver, new_highs
from .rounding import Rounder

DUAL_EPS = 1e-7    # types with a larger dual price are fixed at the current level
FIX_TOL = 1e-10    # slack allowed on fixed levels, for the LP's floating point
SPLIT_RETRIES = 8  # random objectives tried on a face before the split gives up


class CompactLP:
    """The master with panels relaxed to fractional ones: variables are expected seats
    per type, inside the panel polytope (quotas, size, households). Its optimum bounds
    the master's at every level (proof without the integer program when the master
    reaches it), and its type duals are feasible duals of the full master, used as the
    stability centre of the pricing and, once the master reaches the bound, to choose
    the types to fix (they are optimal duals of the full master then)."""

    def __init__(self, ts: TypeSpace):
        self.ts = ts
        T = ts.n_types
        self.h = h = new_highs()
        h.setOptionValue("presolve", "off")
        h.addVars(T, np.zeros(T), ts.sizes.astype(float))
        h.addVar(0.0, 1.0)
        h.changeColCost(T, -1.0)
        lo, hi, starts, index, value = [], [], [0], [], []

        def add(cols, vals, rlo: float, rhi: float) -> None:
            lo.append(rlo)
            hi.append(rhi)
            index.extend(cols)
            value.extend(vals)
            starts.append(len(index))

        for t in range(T):  # rows 0..T-1: x_t / s_t - z >= 0
            add([t, T], [1.0 / ts.sizes[t], -1.0], 0.0, INF)
        for v in range(ts.A.shape[0]):
            cols = np.flatnonzero(ts.A[v]).tolist()
            add(cols, [1.0] * len(cols), float(ts.lo[v]), float(ts.hi[v]))
        add(list(range(T)), [1.0] * T, float(ts.k), float(ts.k))
        for grp in ts.households:
            add(grp.tolist(), [1.0] * len(grp), -INF, 1.0)
        h.addRows(len(lo), np.array(lo), np.array(hi), len(index),
                  np.array(starts[:-1], dtype=np.int32), np.array(index, dtype=np.int32),
                  np.array(value, dtype=float))

    def fix(self, types: np.ndarray, level: float) -> None:
        T = self.ts.n_types
        for t in types:
            self.h.changeCoeff(int(t), T, 0.0)
            self.h.changeRowBounds(int(t), max(0.0, level - FIX_TOL), INF)

    def solve(self) -> tuple[float, np.ndarray] | None:
        """Bound on the master's optimum and the type duals, or None on trouble."""
        h = self.h
        h.run()
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            h.clearSolver()   # numerical trouble: retry from scratch once
            h.run()
            if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
                return None
        T = self.ts.n_types
        sol = h.getSolution()
        return float(sol.col_value[T]), np.maximum(np.array(sol.row_dual[:T]), 0.0)

    def seats(self) -> np.ndarray:
        return np.array(self.h.getSolution().col_value[:self.ts.n_types])


def types_to_fix(free: np.ndarray, duals: np.ndarray) -> np.ndarray:
    """The free types whose level is reached: a positive dual price means their row is
    tight in every optimal solution (the one with the largest price if none is)."""
    fix = np.flatnonzero(free & (duals > DUAL_EPS))
    return fix if len(fix) else np.flatnonzero(free)[[int(np.argmax(duals[free]))]]


def relaxed_profile(ts: TypeSpace) -> np.ndarray | None:
    """Expected seats per type under the leximin of the relaxation (None on trouble).
    It is the leximin of the panels themselves whenever it can be split into panels;
    it only guides the search, so a level lost to floating point costs nothing."""
    c = CompactLP(ts)
    fixed = np.full(ts.n_types, np.nan)
    seats = None
    while np.isnan(fixed).any():
        res = c.solve()
        if res is None:   # floating point on a high level: the last point will do
            break
        z, duals = res
        seats = c.seats()
        fix = types_to_fix(np.isnan(fixed), duals)
        fixed[fix] = z
        c.fix(fix, z)
    return None if seats is None else np.clip(seats, 0.0, ts.sizes)


def _room(d: np.ndarray, above: np.ndarray, below: np.ndarray, up: np.ndarray,
          down: np.ndarray) -> float:
    """How far the point can move along ``d`` before a bound is met: ``above``/``below``
    are the room to each bound, ``up``/``down`` the bounds not already tight."""
    up, down = up & (d > 1e-12), down & (d < -1e-12)
    steps = [INF]
    steps += [(above[up] / d[up]).min()] if up.any() else []
    steps += [(below[down] / -d[down]).min()] if down.any() else []
    return min(steps)


def split_profile(ts: TypeSpace, m: np.ndarray, deadline: float,
                  rng: np.random.Generator) -> tuple[list[np.ndarray], np.ndarray, float]:
    """Panels, weights and the share left over: ``m`` cut into valid panels by
    Carathéodory ray shooting (a panel on the smallest face of the relaxation that holds
    the current point; step away from it until a new bound is met; repeat). Each step
    pins one more bound, so about as many panels as types come out, in milliseconds each.
    Stops when a face's LP optimum cannot be rounded to a panel (no integer program:
    the master finishes the job), at the deadline, or when nothing is left."""
    T, V, H = ts.n_types, ts.A.shape[0], len(ts.households)
    s = ts.sizes.astype(float)
    A = sparse.csr_matrix(ts.A.astype(float))
    lo, hi = ts.lo.astype(float), ts.hi.astype(float)
    rows = [t for grp in ts.households for t in grp]
    hh = sparse.csr_matrix((np.ones(len(rows)), (np.repeat(
        np.arange(H), [len(g) for g in ts.households]), rows)), shape=(H, T))
    lp = PanelSolver._build(ts, ts.lo, ts.hi, None, integer=False)
    lp.setOptionValue("time_limit", 5.0)
    rounder = Rounder(ts)
    allc = np.arange(T, dtype=np.int32)
    qrows, hrows = np.arange(V, dtype=np.int32), np.arange(V + 1, V + 1 + H, dtype=np.int32)
    cur, remaining = np.asarray(m, dtype=float).copy(), 1.0
    panels: list[np.ndarray] = []
    weights: list[float] = []
    w = rng.standard_normal(T)
    while remaining > 1e-12 and time.perf_counter() < deadline:
        whole = np.rint(cur)
        if np.abs(cur - whole).max() < 1e-7:
            x = whole.astype(np.int64)
            if ts.panel_ok(x):
                panels.append(x)
                weights.append(remaining)
                remaining = 0.0
            break
        at0, atS = cur <= 1e-9, cur >= s - 1e-9
        cnt, hcnt = A @ cur, hh @ cur
        tlo, thi, th = cnt <= lo + 1e-7, cnt >= hi - 1e-7, hcnt >= 1 - 1e-7
        xlo, xhi = np.where(atS, s, 0.0), np.where(at0, 0.0, s)
        qlo, qhi = np.where(thi, hi, lo), np.where(tlo, lo, hi)
        lp.changeColsBounds(T, allc, xlo, xhi)
        lp.changeRowsBounds(V, qrows, qlo, qhi)
        if H:
            lp.changeRowsBounds(H, hrows, np.where(th, 1.0, -INF), np.ones(H))
        rounder.set_bounds(xlo, xhi, qlo, qhi, th if H else None)
        x = None
        for attempt in range(SPLIT_RETRIES):
            obj = w if attempt == 0 else rng.standard_normal(T)
            lp.changeColsCost(T, allc, obj)
            lp.run()
            if lp.getModelStatus() != highspy.HighsModelStatus.kOptimal:
                break
            xf = np.array(lp.getSolution().col_value)
            x = np.rint(xf).astype(np.int64)
            if np.abs(xf - x).max() > 1e-9:
                x = rounder.round(xf, obj, ascend=False)
            if x is not None:
                break
        if x is None or not ts.panel_ok(x) or (x < xlo).any() or (x > xhi).any():
            break
        d = cur - x
        free = ~(at0 | atS)
        mu = max(0.0, min(_room(d, s - cur, cur, free, free),
                          _room(A @ d, hi - cnt, cnt - lo, ~thi, ~tlo),
                          _room(hh @ d, 1 - hcnt, np.zeros(H), ~th, np.zeros(H, dtype=bool))))
        if mu < 1e-12:
            break
        panels.append(x)
        if mu >= INF:   # the point is the panel itself
            weights.append(remaining)
            remaining = 0.0
            break
        weights.append(remaining * mu / (1 + mu))
        remaining /= 1 + mu
        cur = np.clip(cur + mu * d, 0.0, s)
    return panels, np.array(weights), remaining
