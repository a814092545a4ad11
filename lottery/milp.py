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
from threadpoolctl import threadpool_limits

from .compress import TypeSpace
from .rounding import Rounder

INF = highspy.kHighsInf
PRICE_GAIN = 0.5  # the pricing MIP stops at this share of the LP relaxation's gain
FACE_TOL = 1e-9     # reduced costs and duals above this (relative) fix the face
NEIGHBOURS = 2    # the neighbourhood MIP frees this many times k unseated types


# Decorates the algorithms: their matrices are small, and threaded BLAS busy-waits when
# the cores are shared (measured: one scoring step 1 ms alone, 50 ms beside a busy server).
one_blas_thread = threadpool_limits.wrap(limits=1, user_api="blas")


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
    """Max-weight feasible panel over types, reusable across weights.

    ``price`` first solves the LP relaxation (a warm-started simplex, milliseconds):
    its value bounds every panel, so when it is below the threshold no panel can
    improve the master and the integer program is skipped. Otherwise it tries the
    LP's own rounding (integer program restricted to floor/ceil of the LP solution)
    before the full integer program.
    """

    def __init__(self, ts: TypeSpace, lo: np.ndarray | None = None,
                 hi: np.ndarray | None = None, time_limit: float | None = None):
        self.ts = ts
        self.lo = np.array(ts.lo if lo is None else lo, dtype=np.int64)
        self.hi = np.array(ts.hi if hi is None else hi, dtype=np.int64)
        self.lp = self._build(ts, ts.lo if lo is None else lo, ts.hi if hi is None else hi,
                              None, integer=False)
        self.h = self._build(ts, ts.lo if lo is None else lo, ts.hi if hi is None else hi,
                             time_limit, integer=True)
        self.calls = 0
        self.mip_calls = 0
        self.rounded = 0
        self.rounder = Rounder(ts)
        self.xlo = np.zeros(ts.n_types)            # seats per type: bounds of every panel
        self.xhi = ts.sizes.astype(float)
        self.faced = False
        self.rounder.set_bounds(self.xlo, self.xhi, self.lo, self.hi)
        self._found: list[tuple[float, np.ndarray]] = []
        self._stop = INF
        self._watching = False

    def set_quota_bounds(self, lo: np.ndarray, hi: np.ndarray) -> None:
        """Change the quota rows (``-1``/``k+1`` or beyond switch a bound off)."""
        self.lo, self.hi = np.asarray(lo, dtype=np.int64), np.asarray(hi, dtype=np.int64)
        self.rounder.set_bounds(self.xlo, self.xhi, self.lo, self.hi)
        for h in (self.lp, self.h):
            for v in range(len(lo)):
                h.changeRowBounds(v, float(lo[v]), float(hi[v]))

    @staticmethod
    def _build(ts: TypeSpace, lo: np.ndarray, hi: np.ndarray, time_limit: float | None,
               integer: bool) -> highspy.Highs:
        T = ts.n_types
        h = new_highs(time_limit)
        h.setOptionValue("mip_rel_gap", 1e-7)
        h.setOptionValue("mip_abs_gap", 1e-9)
        h.setOptionValue("mip_feasibility_tolerance", 1e-7)
        h.setOptionValue("mip_detect_symmetry", False)
        h.addVars(T, np.zeros(T), ts.sizes.astype(float))
        if integer:
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
        h.addRows(len(rows_lo), np.array(rows_lo), np.array(rows_hi), len(index),
                  np.array(starts[:-1], dtype=np.int32), np.array(index, dtype=np.int32),
                  np.array(value))
        h.changeObjectiveSense(highspy.ObjSense.kMaximize)
        return h

    def face(self, weights: np.ndarray) -> tuple[np.ndarray, ...] | None:
        """Bounds that describe the panels worth most to ``weights`` in the LP
        relaxation (its optimal face): columns with a nonzero reduced cost stay at their
        bound, rows with a nonzero dual stay tight. None if the LP fails."""
        h = self.lp
        self._set_costs(h, weights)
        h.run()
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None
        sol = h.getSolution()
        x, rc = np.array(sol.col_value), np.array(sol.col_dual)
        act, dual = np.array(sol.row_value), np.array(sol.row_dual)
        scale = max(1.0, float(np.abs(weights).max()))
        fix_c, fix_r = np.abs(rc) > FACE_TOL * scale, np.abs(dual) > FACE_TOL * scale
        model = h.getLp()
        col_lo = np.where(fix_c, np.rint(x), np.asarray(model.col_lower_))
        col_hi = np.where(fix_c, np.rint(x), np.asarray(model.col_upper_))
        rl, ru = np.asarray(model.row_lower_), np.asarray(model.row_upper_)
        return (col_lo, col_hi, np.where(fix_r, np.rint(act), rl),
                np.where(fix_r, np.rint(act), ru))

    def set_face(self, bounds: tuple[np.ndarray, ...] | None) -> None:
        """Restrict every later panel to ``bounds`` (from :meth:`face`); None lifts it."""
        T, V = self.ts.n_types, len(self.lo)
        if bounds is None:
            if not self.faced:
                return
            col_lo, col_hi = np.zeros(T), self.ts.sizes.astype(float)
            rl, ru = self._rows
        else:
            if not self.faced:
                self._rows = (np.asarray(self.lp.getLp().row_lower_).copy(),
                              np.asarray(self.lp.getLp().row_upper_).copy())
            col_lo, col_hi, rl, ru = bounds
        self.faced = bounds is not None
        self.xlo, self.xhi = col_lo.astype(float), col_hi.astype(float)
        rows = np.arange(len(rl), dtype=np.int32)
        for h in (self.lp, self.h):
            h.changeColsBounds(T, np.arange(T, dtype=np.int32), self.xlo, self.xhi)
            h.changeRowsBounds(len(rl), rows, np.asarray(rl, float), np.asarray(ru, float))
        self.rounder.set_bounds(self.xlo, self.xhi, np.asarray(rl[:V]), np.asarray(ru[:V]))

    def _set_costs(self, h: highspy.Highs, weights: np.ndarray) -> None:
        T = self.ts.n_types
        h.changeColsCost(T, np.arange(T, dtype=np.int32), np.asarray(weights, dtype=float))

    def _mip(self, weights: np.ndarray, lo: np.ndarray | None = None,
             hi: np.ndarray | None = None) -> tuple[np.ndarray | None, float, float]:
        T = self.ts.n_types
        h = self.h
        self._set_costs(h, weights)
        if lo is not None:
            h.changeColsBounds(T, np.arange(T, dtype=np.int32), lo.astype(float),
                               hi.astype(float))
        self.mip_calls += 1
        self._found = []
        h.run()
        # read the outcome before restoring the bounds (changing the model resets it)
        status = h.getModelStatus()
        info = h.getInfo()
        x = np.rint(np.array(h.getSolution().col_value)).astype(np.int64)
        if lo is not None:
            h.changeColsBounds(T, np.arange(T, dtype=np.int32), self.xlo, self.xhi)
        if status == highspy.HighsModelStatus.kInfeasible:
            return None, -np.inf, -np.inf
        bound = float(info.mip_dual_bound) if status == highspy.HighsModelStatus.kOptimal \
            else INF
        if info.primal_solution_status != 2:  # no feasible solution (time limit)
            return None, -np.inf, bound
        if not self.ts.panel_ok(x, self.lo, self.hi):
            return None, -np.inf, bound
        val = float(np.asarray(weights, dtype=float) @ x)
        return x, val, max(bound, val)

    def best(self, weights: np.ndarray) -> tuple[np.ndarray | None, float, float]:
        """Optimal panel (type counts) for ``weights``, its value and the proven bound.

        Returns ``(None, -inf, -inf)`` when no panel exists. Counts are rounded to
        integers and checked exactly; a solution failing the check is rejected.
        """
        self.calls += 1
        return self._mip(weights)

    def price(self, weights: np.ndarray, threshold: float, eps: float
              ) -> tuple[np.ndarray | None, float, float]:
        """A panel worth more than ``threshold + eps`` if one exists (else ``None``),
        its value, and a proven upper bound on the value of every panel."""
        self.calls += 1
        h = self.lp
        self._set_costs(h, weights)
        h.run()
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return self._mip(weights)
        lp_val = float(h.getInfo().objective_function_value)
        if lp_val <= threshold + eps:
            return None, lp_val, lp_val
        xf = np.array(h.getSolution().col_value)
        x = np.rint(xf).astype(np.int64)
        if np.abs(xf - x).max() < 1e-9 and self.ts.panel_ok(x, self.lo, self.hi):
            return x, float(np.asarray(weights) @ x), lp_val
        fl = np.floor(xf + 1e-9)
        x, val, _ = self._mip(weights, fl, np.minimum(np.ceil(xf - 1e-9), self.xhi))
        if x is not None and val > threshold + eps:
            return x, val, lp_val
        x, val, bound = self._mip(weights)
        return x, val, min(bound, lp_val)

    def _watch(self) -> None:
        """Record every improving MIP solution and stop once one reaches ``_stop``."""
        if self._watching:
            return
        self._watching = True

        def improving(e) -> None:
            self._found.append((float(e.data_out.objective_function_value),
                                np.array(e.data_out.mip_solution)))

        def interrupt(e) -> None:
            # the flag persists between runs: always set it
            e.interrupt(bool(self._found) and max(v for v, _ in self._found) >= self._stop)

        self.h.cbMipImprovingSolution.subscribe(improving)
        self.h.cbMipInterrupt.subscribe(interrupt)

    def _mip_columns(self, weights: np.ndarray, floor: float, stop: float,
                     free: np.ndarray | None = None, start: np.ndarray | None = None
                     ) -> tuple[list[tuple[float, np.ndarray]], float, bool]:
        """Integer program that stops at the first solution worth ``stop``; returns the
        valid solutions worth more than ``floor`` (best first), an upper bound on every
        panel's value (``INF`` if interrupted or restricted) and whether it was solved
        to optimality. With ``free`` (bool per type) the other types get no seat;
        ``start`` is a valid panel given to the solver as its first incumbent."""
        self._watch()
        T = self.ts.n_types
        h = self.h
        w = np.asarray(weights, dtype=float)
        self._set_costs(h, w)
        allc = np.arange(T, dtype=np.int32)
        if free is not None:
            h.changeColsBounds(T, allc, self.xlo, np.where(free, self.xhi, self.xlo))
        if start is not None:
            sol = highspy.HighsSolution()
            sol.col_value = start.astype(float).tolist()
            sol.value_valid = True
            h.setSolution(sol)
        self._found, self._stop = [], stop
        self.mip_calls += 1
        h.run()
        self._stop = INF
        status = h.getModelStatus()
        optimal = status == highspy.HighsModelStatus.kOptimal
        bound = float(h.getInfo().mip_dual_bound) if optimal and free is None else INF
        sols = [np.rint(x[:T]).astype(np.int64) for _, x in self._found]
        if h.getInfo().primal_solution_status == 2:
            sols.append(np.rint(np.array(h.getSolution().col_value)).astype(np.int64))
        if free is not None:
            h.changeColsBounds(T, allc, self.xlo, self.xhi)
            optimal = False
        out, seen = [], set()
        for x in sols:
            key = x.tobytes()
            if key in seen or not self.ts.panel_ok(x, self.lo, self.hi):
                continue
            seen.add(key)
            val = float(w @ x)
            if val > floor:
                out.append((val, x))
        out.sort(key=lambda vx: -vx[0])
        if optimal and out:
            bound = max(bound, out[0][0])
        return out, bound, optimal

    def columns(self, weights: np.ndarray, threshold: float, eps: float,
                gain: float | None = None, start: np.ndarray | None = None
                ) -> tuple[list[tuple[float, np.ndarray]], float, float, bool]:
        """Panels worth more than ``threshold + eps`` (value, counts; best first), the LP
        relaxation value, a proven upper bound on every panel's value and whether "no
        panel" is proven. Cheap first: the LP relaxation (a bound; its optimum if
        integral), its optimum rounded by swaps (:mod:`lottery.rounding`), the integer
        program restricted to a neighbourhood of the LP optimum, then the full one, both
        stopped at the first panel reaching
        ``threshold + gain * (LP - threshold)`` and started from the valid panel
        ``start`` if given (finding a first solution is the slow part)."""
        self.calls += 1
        w = np.asarray(weights, dtype=float)
        if start is not None and ((start < self.xlo) | (start > self.xhi)).any():
            start = None
        h = self.lp
        self._set_costs(h, w)
        h.run()
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            out, bound, optimal = self._mip_columns(w, threshold + eps, INF)
            return out, bound, bound, optimal
        lp_val = float(h.getInfo().objective_function_value)
        if lp_val <= threshold + eps:
            return [], lp_val, lp_val, True
        xf = np.array(h.getSolution().col_value)
        x = np.rint(xf).astype(np.int64)
        if np.abs(xf - x).max() < 1e-9 and self.ts.panel_ok(x, self.lo, self.hi):
            return [(float(w @ x), x)], lp_val, lp_val, False
        gain = PRICE_GAIN if gain is None else gain
        stop = threshold + max(eps, gain * (lp_val - threshold))
        x = self.rounder.round(xf, w)
        if x is not None and float(w @ x) > threshold + eps:
            self.rounded += 1
            return [(float(w @ x), x)], lp_val, lp_val, False
        # neighbourhood of the LP optimum: the types it seats and those whose reduced
        # cost is closest to zero may sit; a much smaller integer program
        rc = np.abs(np.array(h.getSolution().col_dual))
        rc[xf > 1e-9] = -1.0
        T = self.ts.n_types
        m = int((xf > 1e-9).sum() + NEIGHBOURS * self.ts.k)
        if m < T:
            free = np.zeros(T, dtype=bool)
            free[np.argsort(rc, kind="stable")[:m]] = True
            if start is not None:
                free |= start > 0
            out, _, _ = self._mip_columns(w, threshold + eps, stop, free, start)
            if out:
                return out, lp_val, lp_val, False
        out, bound, optimal = self._mip_columns(w, threshold + eps, stop, None, start)
        return out, lp_val, min(bound, lp_val), optimal and not out

    def round_lp(self, weights: np.ndarray) -> np.ndarray | None:
        """The LP relaxation's optimum for ``weights`` rounded to a valid panel (or None)."""
        h = self.lp
        self._set_costs(h, weights)
        h.run()
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None
        xf = np.array(h.getSolution().col_value)
        return self.rounder.round(xf, np.asarray(weights, dtype=float))

    def lp_value(self, weights: np.ndarray) -> float:
        """Value of the LP relaxation: an upper bound on every panel's value."""
        h = self.lp
        self._set_costs(h, weights)
        h.run()
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return INF
        return float(h.getInfo().objective_function_value)

    def any_panel(self) -> np.ndarray | None:
        x, _, _ = self.best(np.zeros(self.ts.n_types))
        return x
