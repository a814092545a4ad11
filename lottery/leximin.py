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
from scipy.optimize import nnls

from .compact import FIX_TOL, CompactLP, relaxed_profile, split_profile, types_to_fix
from .compress import TypeSpace
from .milp import INF, PanelSolver, new_highs, one_blas_thread

Progress = Callable[[float, str], None]

PRICE_EPS = 1e-9   # a new panel must improve the master by more than this
REALISE_TOL = 1e-7  # a realised profile may fall this far short of a level (the
#                     least-squares fit is accurate to about 1e-8 here)


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
        h.setOptionValue("simplex_strategy", MASTER_SIMPLEX)
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
        self._matrix = np.zeros((0, T))
        self.cold = True   # no basis yet

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

    def best_column(self, weights: np.ndarray) -> np.ndarray:
        """The column worth most to ``weights`` (a valid panel to start the MIP from)."""
        if len(self._matrix) != len(self.columns):
            self._matrix = np.array(self.columns, dtype=float)
        return self.columns[int(np.argmax(self._matrix @ weights))]

    def fix(self, types: np.ndarray, level: float) -> None:
        for t in types:
            self.fixed[t] = level
            self.h.changeCoeff(int(t) + 1, 0, 0.0)
            self.h.changeRowBounds(int(t) + 1, max(0.0, level - FIX_TOL), INF)

    def polish(self, q: np.ndarray) -> np.ndarray:
        """Probabilities with every level met exactly rather than within ``FIX_TOL``
        (a cleaner vertex for sharing seats among members); ``q`` if that fails."""
        h = self.h
        for t in range(self.ts.n_types):
            h.changeRowBounds(t + 1, max(0.0, float(self.fixed[t])), INF)
        h.run()
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return q
        new = np.array(h.getSolution().col_value)[1:]
        cols = np.array(self.columns, dtype=float)
        before = (np.maximum(q, 0) @ cols[:len(q)]) / self.ts.sizes
        after = (np.maximum(new, 0) @ cols[:len(new)]) / self.ts.sizes
        if (after < before - 1e-9).any() or abs(new.sum() - 1) > 1e-9:
            return q
        return new

    def realise(self, levels: np.ndarray) -> np.ndarray | None:
        """Panel probabilities giving every type its level (per member), from the panels
        found so far, or None. Checks a whole leximin profile at once. The relaxation's
        leximin point is unique, so panels that reach it give it exactly: this is a
        non-negative least-squares fit of the panels to the profile, several times
        faster than an LP with priced shortfalls (interior point or simplex) on thousands
        of panels. Types at probability 0 or 1 leave out every panel that disagrees."""
        cols = np.array(self.columns, dtype=float)
        sizes = self.ts.sizes.astype(float)
        full, zero = levels >= 1 - REALISE_TOL, levels <= REALISE_TOL
        fits = (cols[:, full] == sizes[full]).all(axis=1) & (cols[:, zero] == 0).all(axis=1)
        rows = ~(full | zero)
        if not fits.any():
            return None
        fit = np.vstack([cols[fits][:, rows].T / sizes[rows, None], np.ones(fits.sum())])
        w, _ = nnls(fit, np.concatenate([levels[rows], [1.0]]), maxiter=20 * len(fit[0]))
        q = np.zeros(len(cols))
        q[fits] = w
        if q.sum() <= 0:
            return None
        q[q < 1e-12] = 0.0
        q /= q.sum()
        return q if ((q @ cols) / sizes >= levels - REALISE_TOL).all() else None

    def solve(self) -> tuple[float, np.ndarray, float, np.ndarray]:
        """Returns z, type duals (>= 0), the pricing threshold and panel probabilities.
        A master that starts with many panels is solved first by interior point (the
        simplex from scratch pivots for long on it); its crossover basis then warm-starts
        the simplex as usual."""
        h = self.h
        cold = self.cold and len(self.columns) > COLD_COLUMNS
        if cold:
            h.setOptionValue("solver", "ipm")
        h.run()
        if cold:
            h.setOptionValue("solver", "simplex")
        self.cold = False
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
    cut = 0.5 / ts.sizes.max() if T else 0.0
    while not covered.all():
        w = np.where(covered, 0.0, 1.0 / ts.sizes)
        cols, _, _, proven = solver.columns(w, cut, 0.0, gain=0.0,
                                            start=panels[-1] if panels else None)
        if not cols:
            if proven:
                break
            x, val, _ = solver.best(w)  # not proven: solve to optimality
            if x is None or val <= cut:
                break
            cols = [(val, x)]
        for _, x in cols[:1]:
            panels.append(x)
            covered |= x > 0
    impossible = ~covered
    if not panels:
        x = solver.any_panel()
        if x is not None:
            panels.append(x)
    return panels, impossible & ~blocked if T else impossible


MASTER_SIMPLEX = 4    # primal simplex: new columns keep the basis primal feasible
COLD_COLUMNS = 400    # a first master with more panels is solved by interior point
SPLIT_TYPES = 200     # from this many types on, the master starts from the relaxation's
SPLIT_SHARE = 0.4     # leximin profile split into panels, in at most this share of the time
SPLIT_SECONDS = 20.0  # limit (or this many seconds without one)
SPLITS = 2            # cuts of the profile to start from (random objectives of their own)
MAX_SPLITS = 4        # more cuts while the panels do not realise the profile
REALISE_TRIES = 3     # attempts to realise the profile after new panels (a new cut is free)
FACE = True           # price on the compact relaxation's optimal face first
EXTRA_COLUMNS = 4     # perturbed LP roundings per iteration
PERTURB = 0.3         # log-normal noise on the prices of the extra columns
ALPHA = 0.7           # weight of the stability centre (compact duals) in the pricing duals
GAP_TOL = 1e-9        # a level is done when the master is this close to its bound


class Splits:
    """The relaxation's leximin profile, cut into panels as often as needed: with them
    the first master is already close to the answer, where the usual start (a few
    covering panels) needs hundreds of pricing rounds on thousands of types. Each cut
    (random objectives of its own) gives other panels; two usually realise the
    profile, some pools need a third."""

    def __init__(self, ts: TypeSpace, never: np.ndarray, time_limit: float | None,
                 progress: Progress):
        self.ts, self.progress, self.done = ts, progress, 0
        budget = SPLIT_SHARE * time_limit if time_limit else SPLIT_SECONDS
        self.seconds = budget / SPLITS
        # someone can sit on no panel: the relaxation's profile is wrong
        self.seats = None if never.any() else relaxed_profile(ts)
        self.profile = None if self.seats is None else self.seats / ts.sizes

    def more(self, deadline: float = float("inf"), at: float = 0.05) -> list[np.ndarray]:
        """The panels of one more cut ([] when there is no profile, no time or
        ``MAX_SPLITS`` cuts were made); ``at`` is the progress to report."""
        now = time.perf_counter()
        if self.seats is None or self.done >= MAX_SPLITS or now + self.seconds > deadline:
            return []
        panels, _, left = split_profile(self.ts, self.seats, now + self.seconds,
                                        np.random.default_rng(self.done))
        self.done += 1
        self.progress(at, f"{len(panels)} panels make up {1 - left:.1%} of the "
                            "relaxation's leximin profile")
        return panels


@one_blas_thread
def find_leximin(ts: TypeSpace, levels: bool = True, progress: Progress | None = None,
                 max_iterations: int = 100_000, time_limit: float | None = None
                 ) -> TypePortfolio:
    """LEXIMIN (``levels=True``) or MAXIMIN (first level only) over types.

    With ``time_limit`` (seconds) the search stops early and returns the best
    distribution found so far (``stats['stopped_early']``). Raises ``ValueError`` when
    no panel satisfies the quotas.

    Each level is column generation, against the compact relaxation (:class:`CompactLP`)
    whose optimum bounds the level. Every panel of a master that reaches that bound
    lies on the relaxation's optimal face for its duals, so pricing starts there
    (:meth:`PanelSolver.face`) and only leaves it when the face has no better panel.
    Pricing duals are smoothed towards the compact duals (Wentges; a mis-priced round
    falls back to the master's own). Each round adds the priced panel (LP relaxation
    rounded by swaps, else integer programs, see :meth:`PanelSolver.columns`) and
    ``EXTRA_COLUMNS`` roundings at randomly perturbed prices. A level ends when the
    master reaches the compact bound (whose duals then choose the types to fix) or
    when the full integer program proves that no panel improves the master.

    With ``SPLIT_TYPES`` types or more, the master starts from the relaxation's own
    leximin profile split into panels (:class:`Splits`), and before each level (and
    before any pricing integer program) :meth:`Master.realise` checks whether the panels
    give that whole profile: if they do, it is the leximin (no distribution over panels
    beats the relaxation), and every level left is proven at once. If they do not, the
    profile is cut again while time allows.
    """
    progress = progress or _noop
    started = time.perf_counter()
    deadline = started + time_limit if time_limit else float("inf")
    stopped = False
    solver = PanelSolver(ts)
    T = ts.n_types
    sizes = ts.sizes.astype(float)
    never = np.zeros(T, dtype=bool)
    panels, never = initial_panels(ts, solver, never)
    if not panels:
        raise ValueError("no panel satisfies the quotas")
    profile = None   # per-member probabilities under the relaxation's leximin
    split = 0
    if (1 if levels else 3) * SPLIT_TYPES <= T:   # MAXIMIN is quick on mid-sized pools
        splits = Splits(ts, never, time_limit, progress)
        profile = splits.profile
        for _ in range(SPLITS):
            more = splits.more()
            panels += more
            split += len(more)
    master = Master(ts)
    compact = CompactLP(ts)
    for x in panels:
        master.add(x)
    if never.any():
        master.fix(np.flatnonzero(never), 0.0)
        compact.fix(np.flatnonzero(never), 0.0)
    progress(0.05, f"{len(panels)} starting panels, {T} types")
    lp_bound = float("nan")
    iterations = 0
    level_count = 0
    mispriced = 0
    extra_columns = 0
    rng = np.random.default_rng(0)
    q = np.zeros(len(master.columns))
    whole = False   # every level proven at once by realising the profile
    tried = attempts = 0   # panels in the master at the last attempt to realise the profile

    def realisable() -> bool:   # worth checking whether the panels realise the profile
        return (levels and profile is not None and len(master.columns) > tried
                and attempts < REALISE_TRIES)

    while True:
        unfixed = np.isnan(master.fixed)
        if not unfixed.any():
            break
        if realisable():
            # the relaxation's profile bounds every level: if the panels found so far
            # realise it, all the levels left are proven at once
            target = np.where(unfixed, profile, master.fixed)
            tried, attempts = len(master.columns), attempts + 1
            realised = master.realise(target)
            if realised is not None:
                level_count += len(np.unique(np.round(target[unfixed], 9)))
                if not np.isfinite(lp_bound):   # no level yet: the relaxation's optimum
                    res = compact.solve()
                    lp_bound = res[0] if res is not None else float(target.min())
                master.fixed, q, whole = target, realised, True
                progress(0.95, f"{level_count} levels: the relaxation's leximin, realised")
                break
            # another cut may give the panels missing
            more = splits.more(deadline, 0.05 + 0.9 * (1 - unfixed.mean()))
            if more:
                split += sum(master.add(x) for x in more)
                attempts -= 1
                continue
        cres = compact.solve()
        zc, dc = cres if cres is not None else (INF, None)
        wc = 0.0
        if dc is not None and ALPHA > 0:
            wc = solver.lp_value(dc / sizes)
        alpha = ALPHA if dc is not None else 0.0
        bound = INF
        proven_by_compact = retry = False
        if FACE and dc is not None:
            solver.set_face(solver.face(dc / sizes))
        while True:
            iterations += 1
            z, y, threshold, q = master.solve()
            if z >= zc - GAP_TOL * max(1.0, abs(zc)):
                proven_by_compact = True
                break
            if alpha > 0:
                ys, ws = alpha * dc + (1 - alpha) * y, alpha * wc + (1 - alpha) * threshold
            else:
                ys, ws = y, threshold
            ws_t = ys / sizes
            added = False
            cols, _, pbound, _ = solver.columns(
                ws_t, ws, PRICE_EPS, start=master.best_column(ws_t))
            for _, x in cols:
                if float(y @ (x / sizes)) > threshold + PRICE_EPS and master.add(x):
                    added = True
                elif alpha > 0:
                    master.add(x)
            if added:
                for _ in range(EXTRA_COLUMNS):
                    x = solver.round_lp(ws_t * np.exp(PERTURB * rng.standard_normal(T)))
                    if x is not None and float(y @ (x / sizes)) > threshold + PRICE_EPS \
                            and master.add(x):
                        extra_columns += 1
            elif alpha > 0:
                mispriced += 1
                alpha = 0.0
                continue
            elif solver.faced and realisable():
                retry = True            # try the profile before any integer program
                break
            elif solver.faced:
                solver.set_face(None)   # nothing better on the face: price everywhere
                continue
            else:
                bound = pbound          # the full integer program: no panel improves
                break
            if dc is not None:
                alpha = ALPHA
            if iterations >= max_iterations or time.perf_counter() > deadline:
                stopped = True
                break
        solver.set_face(None)
        if retry:
            continue
        level_count += 1
        if level_count == 1:
            lp_bound = zc if proven_by_compact else min(zc, z + max(0.0, bound - threshold))
        unfixed = np.isnan(master.fixed)
        duals = dc if proven_by_compact else y
        fix = types_to_fix(unfixed, duals)
        master.fix(fix, z)
        compact.fix(fix, z)
        if levels and np.isnan(master.fixed).any() and time.perf_counter() > deadline:
            stopped = True
        done = 1 - np.isnan(master.fixed).mean()
        progress(0.05 + 0.9 * done, f"level {level_count}: {len(fix)} types at {z:.6f}")
        if not levels or stopped:
            break
    if levels and not stopped and np.isnan(master.fixed).sum() == 0 and not whole:
        q = master.polish(q)
    probs = np.maximum(np.concatenate([q, np.zeros(len(master.columns) - len(q))]), 0.0)
    cols = np.array(master.columns, dtype=np.int64)
    keep = probs > 1e-12
    probs = probs[keep] / probs[keep].sum()
    if never.any():  # someone can sit on no panel at all: the true optimum is 0
        lp_bound = 0.0
    if not np.isfinite(lp_bound):
        lp_bound = float("nan")
    return TypePortfolio(
        cols[keep], probs, lp_bound,
        {"iterations": iterations, "levels": level_count, "pricing_calls": solver.calls,
         "mip_calls": solver.mip_calls, "rounded": solver.rounded,
         "stopped_early": stopped, "mispriced": mispriced,
         "extra_columns": extra_columns, "split_panels": split,
         "columns": len(master.columns), "types": T, "impossible_types": int(never.sum()),
         "t_total": round(time.perf_counter() - started, 2)},
    )
