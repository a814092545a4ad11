"""Round a fractional panel to a valid one by single-seat swaps, in milliseconds.

The LP relaxation of the panel integer program has an optimal vertex with only a few
fractional seats (at most one per tight quota). Rounding it and repairing the few
quota counts it breaks, one swap at a time (a seat moves from one type to another),
gives a panel worth nearly the LP's value far faster than the integer program: column
generation then calls the integer program only when the swaps fail.

A swap changes only the counts of the categories where the two types differ, so every
swap is scored at once from two small tables: what removing a seat and adding a seat
does to each quota value's violation.
"""

from __future__ import annotations

import numpy as np

from .compress import TypeSpace

MAX_SWAPS = 60
CANDIDATES = 256  # types considered for a seat at each swap, by weight


class Rounder:
    def __init__(self, ts: TypeSpace):
        self.ts = ts
        T = ts.n_types
        self.At = ts.A.T.astype(float)
        self.hh_of = np.full(T, -1, dtype=np.int64)
        self.set_bounds(np.zeros(T), ts.sizes.astype(float), ts.lo, ts.hi)
        for g, grp in enumerate(ts.households):
            self.hh_of[grp] = g

    def set_bounds(self, xlo: np.ndarray, xhi: np.ndarray, lo: np.ndarray, hi: np.ndarray,
                   seated: np.ndarray | None = None) -> None:
        """Seats per type and quota counts every rounded panel must keep to; ``seated``
        (bool per shared household) marks households that must keep exactly one seat."""
        self.xlo, self.xhi = np.rint(xlo).astype(np.int64), np.rint(xhi).astype(np.int64)
        self.lo, self.hi = np.asarray(lo, dtype=np.int64), np.asarray(hi, dtype=np.int64)
        H = len(self.ts.households)
        self.hh_lo = (np.zeros(H, dtype=np.int64) if seated is None
                      else np.asarray(seated, dtype=np.int64))

    def _violation(self, counts: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
        return np.maximum(lo - counts, 0) + np.maximum(counts - hi, 0)

    def _delta(self, x: np.ndarray, w: np.ndarray, lo: np.ndarray, hi: np.ndarray
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
        """Seated types, candidate types, the change in total violation of moving one
        seat from each seated type to each candidate (inf where impossible), and the
        current total violation. Candidates are the types worth most to ``w`` and
        those worth most among the types that fill a quota still short."""
        ts = self.ts
        counts = ts.A64 @ x
        viol = self._violation(counts, lo, hi)
        dec = self._violation(counts - 1, lo, hi) - viol
        inc = self._violation(counts + 1, lo, hi) - viol
        hcount = np.zeros(len(ts.households), dtype=np.int64)
        on = self.hh_of[x > 0]
        if len(hcount):
            hcount = np.bincount(on[on >= 0], minlength=len(hcount))
        total = int(viol.sum()) + int(np.maximum(hcount - 1, 0).sum()) \
            + int(np.maximum(self.hh_lo - hcount, 0).sum())
        seated = np.flatnonzero(x > self.xlo)
        cand = np.flatnonzero(x < self.xhi)
        owed = np.zeros(0, dtype=np.int64)
        if self.hh_lo.any():  # members of households still owed their one seat
            ho = self.hh_of[cand]
            owed = cand[(ho >= 0) & (np.where(ho >= 0, self.hh_lo[np.maximum(ho, 0)]
                                               - hcount[np.maximum(ho, 0)], 0) > 0)]
        if len(cand) > CANDIDATES:
            short = (self.At[cand] @ (inc < 0).astype(float)) > 0
            best = cand[np.argpartition(-w[cand], CANDIDATES)[:CANDIDATES]]
            fill = cand[short]
            if len(fill) > CANDIDATES:
                fill = fill[np.argpartition(-w[fill], CANDIDATES)[:CANDIDATES]]
            cand = np.union1d(np.union1d(best, fill), owed)
        # sum over categories of dec[row of a] + inc[row of b], minus both where a and b
        # share the value (that count does not change): one matrix product
        Aa, Ab = self.At[seated], self.At[cand]                      # one-hot (m, V), (q, V)
        d = (Aa @ dec)[:, None] + (Ab @ inc)[None, :] - (Aa * (dec + inc)) @ Ab.T
        # households: a seat added where a housemate already sits (not the one leaving)
        hb = self.hh_of[cand]
        busy = np.where(hb >= 0, hcount[np.maximum(hb, 0)] if len(hcount) else 0, 0)
        leaving_same = (self.hh_of[seated][:, None] == hb[None, :]) & (hb[None, :] >= 0)
        add_v = (busy[None, :] - leaving_same) >= 1
        ha = self.hh_of[seated]
        held = np.where(ha >= 0, hcount[np.maximum(ha, 0)] if len(hcount) else 0, 0)
        crowded = held >= 2
        d = d + add_v - (crowded[:, None] & ~leaving_same)
        if self.hh_lo.any():  # households that must keep their one seat
            need = np.where(hb >= 0, self.hh_lo[np.maximum(hb, 0)], 0)
            must = np.where(ha >= 0, self.hh_lo[np.maximum(ha, 0)], 0)
            d = d - ((need == 1) & (busy == 0))[None, :] \
                + (((must == 1) & (held == 1))[:, None] & ~leaving_same)
        d[seated[:, None] == cand[None, :]] = np.inf
        return seated, cand, d, total

    def repair(self, x: np.ndarray, w: np.ndarray) -> np.ndarray | None:
        """A valid panel from ``x`` (right size, within sizes) by swaps that reduce the
        quota and household violations, the least costly to ``w`` first; None if stuck."""
        x = x.astype(np.int64).copy()
        for _ in range(MAX_SWAPS):
            seated, cand, d, total = self._delta(x, w, self.lo, self.hi)
            if total == 0:
                return x
            loss = w[seated][:, None] - w[cand][None, :]
            score = np.where(d < 0, d * 1e6 + loss, np.inf)
            f = int(np.argmin(score))
            if not np.isfinite(score.flat[f]):
                return None
            i, j = divmod(f, len(cand))
            x[seated[i]] -= 1
            x[cand[j]] += 1
        return None

    def ascend(self, x: np.ndarray, w: np.ndarray, rounds: int = 20) -> np.ndarray:
        """Steepest ascent of ``w @ x`` by swaps that keep the panel valid."""
        x = x.copy()
        for _ in range(rounds):
            seated, cand, d, total = self._delta(x, w, self.lo, self.hi)
            gain = np.where(d <= 0, w[cand][None, :] - w[seated][:, None], -np.inf)
            f = int(np.argmax(gain))
            if not gain.flat[f] > 1e-12:
                break
            i, j = divmod(f, len(cand))
            x[seated[i]] -= 1
            x[cand[j]] += 1
        return x

    def round(self, xf: np.ndarray, w: np.ndarray, ascend: bool = True) -> np.ndarray | None:
        """A panel within the bounds near the fractional panel ``xf`` (whose seats sum
        to k and respect the seat bounds), or None; ``ascend`` improves it for ``w``."""
        ts = self.ts
        x = np.floor(xf + 1e-9).astype(np.int64)
        short = ts.k - int(x.sum())
        if short > 0:
            frac = np.where(x < self.xhi, xf - x, -np.inf)
            x[np.argsort(-frac, kind="stable")[:short]] += 1
        if short < 0:
            return None
        x = self.repair(x, w)
        if x is None:
            return None
        if ascend:
            x = self.ascend(x, w)
        if not ts.panel_ok(x, self.lo, self.hi):
            return None
        if self.hh_lo.any():
            on = self.hh_of[x > 0]
            if (np.bincount(on[on >= 0], minlength=len(self.hh_lo)) < self.hh_lo).any():
                return None
        return x
