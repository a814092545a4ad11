"""Transparent lottery: round a portfolio to M equally likely numbered panels.

A public draw of a number 0..M-1 (three ten-sided dice for M = 1000) then picks the
panel, which anyone can watch. Rounding changes each volunteer's probability a little;
following the idea of Flanigan, Kehne and Procaccia (NeurIPS 2021) we keep every
panel's count at ``floor(M q)`` or ``ceil(M q)`` and choose which to round up with an
integer program that minimises the largest change in any volunteer's probability
(HiGHS, time-limited, started from largest-remainder rounding). The largest change is
reported.
"""

from __future__ import annotations

from dataclasses import dataclass

import highspy
import numpy as np

from .milp import INF, new_highs
from .portfolio import Portfolio


@dataclass
class TransparentLottery:
    """``numbered[j]`` is the canonical portfolio index of panel number j."""

    M: int
    counts: np.ndarray
    numbered: list[int]
    probabilities: np.ndarray
    max_change: float
    optimal: bool

    def to_dict(self) -> dict:
        return {"M": self.M, "panels": [int(j) for j in self.numbered],
                "max_change": float(self.max_change), "optimal": self.optimal}


def _max_change(pf: Portfolio, counts: np.ndarray, M: int) -> tuple[np.ndarray, float]:
    p_new = np.zeros(pf.n)
    for panel, c in zip(pf.panels, counts, strict=True):
        if c:
            p_new[list(panel)] += c / M
    return p_new, float(np.abs(p_new - pf.probabilities()).max())


def transparent_lottery(portfolio: Portfolio, ids: tuple[str, ...], M: int = 1000,
                        time_limit: float = 20.0) -> TransparentLottery:
    """Round ``portfolio`` (put in canonical order first) to ``M`` numbered panels."""
    pf = portfolio.canonical(ids)
    exact = pf.probs * M
    base = np.floor(exact + 1e-12).astype(np.int64)
    frac = np.clip(exact - base, 0, None)
    R = int(M - base.sum())
    cand = np.flatnonzero(frac > 1e-12)
    # largest remainder start
    start = base.copy()
    start[cand[np.argsort(-frac[cand], kind="stable")[:R]]] += 1
    counts, optimal = start, R == 0 or len(cand) == R
    if R > 0 and len(cand) > R:
        p = pf.probabilities()
        fixed = np.zeros(pf.n)
        for panel, c in zip(pf.panels, base, strict=True):
            fixed[list(panel)] += c / M
        target = p - fixed
        touched: dict[int, list[int]] = {}
        for j, P in enumerate(cand):
            for i in pf.panels[P]:
                touched.setdefault(i, []).append(j)
        h = new_highs(time_limit)
        nb = len(cand)
        h.addVars(nb, np.zeros(nb), np.ones(nb))
        h.changeColsIntegrality(nb, np.arange(nb, dtype=np.int32),
                                np.full(nb, highspy.HighsVarType.kInteger))
        h.addVar(0.0, INF)  # d
        h.changeColCost(nb, 1.0)
        h.addRow(float(R), float(R), nb, np.arange(nb, dtype=np.int32), np.ones(nb))
        for i, js in touched.items():
            idx = np.array(js + [nb], dtype=np.int32)
            h.addRow(-INF, float(target[i]), len(idx), idx,
                     np.array([1.0 / M] * len(js) + [-1.0]))
            h.addRow(float(target[i]), INF, len(idx), idx, np.array([1.0 / M] * len(js) + [1.0]))
        lower = float(np.abs(target[[i for i in range(pf.n) if i not in touched]]).max()
                      ) if len(touched) < pf.n else 0.0
        h.changeColBounds(nb, lower, INF)
        sol = highspy.HighsSolution()
        b0 = (start[cand] - base[cand]).astype(float)
        _, d0 = _max_change(pf, start, M)
        sol.col_value = list(b0) + [max(d0, lower)]
        h.setSolution(sol)
        h.run()
        info = h.getInfo()
        if info.primal_solution_status == 2:
            b = np.rint(np.array(h.getSolution().col_value[:nb])).astype(np.int64)
            trial = base.copy()
            trial[cand] += b
            if trial.sum() == M and _max_change(pf, trial, M)[1] <= d0 + 1e-15:
                counts = trial
        optimal = h.getModelStatus() == highspy.HighsModelStatus.kOptimal
    numbered = [j for j, c in enumerate(counts) for _ in range(int(c))]
    p_new, change = _max_change(pf, counts, M)
    return TransparentLottery(M, counts, numbered, p_new, change, bool(optimal))
