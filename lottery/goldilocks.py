"""GOLDILOCKS (Baharav and Flanigan, EC 2024): no probability too low, none too high.

Objective: minimise ``max_i p_i / (k/n) + gamma * max_i (k/n) / p_i``. Written with
``L = min p`` and ``U = max p`` it is ``U/(k/n) + gamma (k/n)/L``. For a fixed ``L`` the
smallest ``U`` is an LP (minimise U subject to ``L <= p_t <= U``), solved by the same
column generation as LEXIMIN; ``U*(L)`` is convex and non-decreasing in L and the
second term is convex, so the objective is convex in ``L`` and a golden-section search
over ``L`` in ``(0, maximin optimum]`` finds the best ``L`` (panels found for one ``L``
are kept for the next). Volunteers who can sit on no panel are left out of the
objective (their probability is 0 whatever we do).
"""

from __future__ import annotations

import math

import numpy as np

from .compress import TypeSpace
from .leximin import PRICE_EPS, Progress, TypePortfolio, find_leximin
from .milp import INF, PanelSolver, new_highs, one_blas_thread


class _MinMaxMaster:
    def __init__(self, ts: TypeSpace, active: np.ndarray):
        self.ts = ts
        self.h = h = new_highs()
        T = ts.n_types
        h.addVar(0.0, 1.0)  # U
        h.changeColCost(0, 1.0)
        h.addRow(1.0, 1.0, 0, np.array([], dtype=np.int32), np.array([]))
        for _ in range(T):
            h.addRow(0.0, INF, 0, np.array([], dtype=np.int32), np.array([]))
        for _ in range(T):
            h.addRow(-INF, 0.0, 1, np.array([0], dtype=np.int32), np.array([-1.0]))
        self.active = active
        self.columns: list[np.ndarray] = []
        self.keys: set[bytes] = set()

    def add(self, x: np.ndarray) -> bool:
        if x.tobytes() in self.keys:
            return False
        self.keys.add(x.tobytes())
        self.columns.append(x.copy())
        T = self.ts.n_types
        nz = np.flatnonzero(x)
        a = x[nz] / self.ts.sizes[nz]
        idx = np.concatenate([[0], nz + 1, nz + 1 + T]).astype(np.int32)
        self.h.addCol(0.0, 0.0, INF, len(idx), idx, np.concatenate([[1.0], a, a]))
        return True

    def set_lower(self, level: float) -> None:
        for t in np.flatnonzero(self.active):
            self.h.changeRowBounds(int(t) + 1, level, INF)

    def solve(self) -> tuple[bool, float, np.ndarray, float, np.ndarray]:
        h = self.h
        h.run()
        if h.getModelStatus().name != "kOptimal":
            return False, INF, np.zeros(0), 0.0, np.zeros(0)
        sol = h.getSolution()
        T = self.ts.n_types
        d = np.array(sol.row_dual)
        w = (d[1:T + 1] + d[T + 1:]) / self.ts.sizes
        return True, float(sol.col_value[0]), w, float(-d[0]), np.array(sol.col_value[1:])


@one_blas_thread
def find_goldilocks(ts: TypeSpace, gamma: float = 1.0, progress: Progress | None = None,
                    steps: int = 18) -> TypePortfolio:
    """GOLDILOCKS portfolio over types (see module docstring)."""
    base = find_leximin(ts, levels=False)
    n = int(ts.sizes.sum())
    avg = ts.k / n
    L_max = float(base.type_probs(ts.sizes).min())
    never = base.type_probs(ts.sizes) <= 0
    active = ~never if L_max <= 0 else np.ones(ts.n_types, dtype=bool)
    if L_max <= 0:  # some types can never be chosen: maximise the rest
        L_max = float(base.type_probs(ts.sizes)[active].min())
    solver = PanelSolver(ts)
    master = _MinMaxMaster(ts, active)
    for x in base.panels:
        master.add(x)
    cache: dict[float, tuple[float, np.ndarray, list]] = {}

    def evaluate(level: float) -> float:
        master.set_lower(level)
        for _ in range(10_000):
            ok, U, w, threshold, q = master.solve()
            if not ok:
                return INF
            x, val, _ = solver.price(w, threshold, PRICE_EPS)
            if x is None or val <= threshold + PRICE_EPS or not master.add(x):
                break
        f = U / avg + gamma * avg / level
        cache[level] = (f, q, list(master.columns[:len(q)]))
        return f

    f_top = evaluate(L_max * (1 - 1e-9))
    lo, hi = min(L_max, gamma * avg / max(f_top, 1e-12)), L_max * (1 - 1e-9)
    ratio = (math.sqrt(5) - 1) / 2
    a, b = lo, hi
    c, d = b - ratio * (b - a), a + ratio * (b - a)
    fc, fd = evaluate(c), evaluate(d)
    for i in range(steps):
        if fc <= fd:
            b, d, fd = d, c, fc
            c = b - ratio * (b - a)
            fc = evaluate(c)
        else:
            a, c, fc = c, d, fd
            d = a + ratio * (b - a)
            fd = evaluate(d)
        if progress:
            progress((i + 1) / (steps + 1), f"goldilocks: min probability {a:.5f}-{b:.5f}")
    best = min(cache, key=lambda lv: cache[lv][0])
    f, q, cols = cache[best]
    q = np.maximum(q, 0)
    keep = q > 1e-12
    panels = np.array(cols, dtype=np.int64)[keep]
    return TypePortfolio(panels, q[keep] / q[keep].sum(), base.lp_bound,
                         {"gamma": gamma, "objective": f, "min_level": best,
                          "pricing_calls": solver.calls, "columns": len(master.columns)})
