"""The panel integer program, built once per run and re-solved with new weights.

Variables are seats per type (0..size). Rows: each quota value between its min and
max, the panel size equal to k, and at most one seat per shared household. The same
model answers "is there any panel?" (zero weights), "which panel is worth most to
these weights?" (column generation pricing) and, with slack columns, "what is the
smallest change to the quotas that makes a panel possible?".
"""

from __future__ import annotations

import highspy
import numpy as np

from .compress import TypeSpace

INF = highspy.kHighsInf


def new_highs(time_limit: float | None = None) -> highspy.Highs:
    """A silent, single-threaded, deterministic HiGHS instance."""
    h = highspy.Highs()
    h.silent()
    h.setOptionValue("threads", 1)
    h.setOptionValue("random_seed", 0)
    if time_limit:
        h.setOptionValue("time_limit", float(time_limit))
    return h


class PanelSolver:
    """Max-weight feasible panel over types (HiGHS MILP), reusable across weights."""

    def __init__(self, ts: TypeSpace, lo: np.ndarray | None = None,
                 hi: np.ndarray | None = None, time_limit: float | None = None):
        self.ts = ts
        T = ts.n_types
        lo = ts.lo if lo is None else lo
        hi = ts.hi if hi is None else hi
        h = new_highs(time_limit)
        h.setOptionValue("mip_rel_gap", 1e-7)
        h.setOptionValue("mip_abs_gap", 1e-9)
        h.setOptionValue("mip_feasibility_tolerance", 1e-7)
        h.addVars(T, np.zeros(T), ts.sizes.astype(float))
        h.changeColsIntegrality(T, np.arange(T, dtype=np.int32),
                                np.full(T, highspy.HighsVarType.kInteger))
        rows_lo, rows_hi, starts, index, value = [], [], [0], [], []

        def add(cols: np.ndarray, rlo: float, rhi: float) -> None:
            rows_lo.append(rlo)
            rows_hi.append(rhi)
            index.extend(cols.tolist())
            value.extend([1.0] * len(cols))
            starts.append(len(index))

        for v in range(ts.A.shape[0]):
            add(np.flatnonzero(ts.A[v]), float(lo[v]), float(hi[v]))
        add(np.arange(T), float(ts.k), float(ts.k))
        for grp in ts.households:
            add(grp, -INF, 1.0)
        if rows_lo:
            h.addRows(len(rows_lo), np.array(rows_lo), np.array(rows_hi), len(index),
                      np.array(starts[:-1], dtype=np.int32), np.array(index, dtype=np.int32),
                      np.array(value))
        h.changeObjectiveSense(highspy.ObjSense.kMaximize)
        self.h = h
        self.calls = 0

    def best(self, weights: np.ndarray) -> tuple[np.ndarray | None, float, float]:
        """Panel (type counts) maximising ``weights @ x``, its value and the proven bound.

        Returns ``(None, -inf, -inf)`` when no panel exists. The counts are rounded to
        integers and checked exactly; a solution that fails the exact check is rejected.
        """
        T = self.ts.n_types
        self.calls += 1
        h = self.h
        h.changeColsCost(T, np.arange(T, dtype=np.int32), np.asarray(weights, dtype=float))
        h.run()
        status = h.getModelStatus()
        info = h.getInfo()
        if status == highspy.HighsModelStatus.kInfeasible:
            return None, -np.inf, -np.inf
        if info.primal_solution_status != 2:  # no feasible solution found (time limit)
            return None, -np.inf, float(info.mip_dual_bound)
        x = np.rint(np.array(h.getSolution().col_value)).astype(np.int64)
        if not self.ts.panel_ok(x):
            return None, -np.inf, float(info.mip_dual_bound)
        val = float(np.asarray(weights, dtype=float) @ x)
        bound = info.mip_dual_bound if status == highspy.HighsModelStatus.kOptimal else INF
        return x, val, max(float(bound), val)

    def any_panel(self) -> np.ndarray | None:
        x, _, _ = self.best(np.zeros(self.ts.n_types))
        return x
