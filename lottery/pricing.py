"""Fast heuristic pricing: improve a known panel by swapping one seat at a time.

Column generation needs *a* panel worth more than the current threshold, not the best
one, until the very last step of each level. Swapping one seat between types keeps
every quota checkable with a few matrix products, and is far cheaper than the integer
program, which is then only needed to prove that no better panel exists.
"""

from __future__ import annotations

import numpy as np

from .compress import TypeSpace


class SwapSearch:
    """Best-improvement 1-swap local search over type-count panels."""

    def __init__(self, ts: TypeSpace):
        self.ts = ts
        self.A = ts.A.astype(np.float32)          # V x T
        self.lo = ts.lo.astype(np.float32)
        self.hi = ts.hi.astype(np.float32)
        self.group = np.full(ts.n_types, -1, dtype=np.int64)
        for g, members in enumerate(ts.households):
            self.group[members] = g

    def improve(self, w: np.ndarray, x: np.ndarray, max_steps: int = 500) -> np.ndarray:
        """Local optimum of ``w @ x`` reachable from the feasible panel ``x`` by swaps."""
        ts, A = self.ts, self.A
        x = x.copy()
        c = A @ x.astype(np.float32)
        ng = len(ts.households)
        for _ in range(max_steps):
            sup = np.flatnonzero(x > 0)
            Au = A[:, sup].T                       # U x V
            Cu = c[None, :] - Au
            bad_hi = (Cu + 1 > self.hi).astype(np.float32)
            bad_lo = (Cu < self.lo).astype(np.float32)
            ok = (bad_hi @ A == 0) & (bad_lo.sum(1)[:, None] - bad_lo @ A == 0)
            ok &= (x < ts.sizes)[None, :]
            if ng:
                gsum = np.bincount(self.group[x > 0] if False else self.group[sup][
                    self.group[sup] >= 0], weights=x[sup][self.group[sup] >= 0],
                    minlength=ng) if ng else None
                gv = self.group
                # after removing u, the group of v must be empty
                occupied = np.where(gv >= 0, gsum[np.maximum(gv, 0)], 0)[None, :] - (
                    (gv[None, :] >= 0) & (gv[None, :] == self.group[sup][:, None]))
                ok &= occupied <= 0
            gain = w[None, :] - w[sup][:, None]
            gain = np.where(ok, gain, -np.inf)
            gain[np.arange(len(sup)), sup] = -np.inf
            flat = int(np.argmax(gain))
            if gain.flat[flat] <= 1e-12:
                break
            u, v = sup[flat // gain.shape[1]], flat % gain.shape[1]
            x[u] -= 1
            x[v] += 1
            c += A[:, v] - A[:, u]
        return x
