"""Cheap pricing for column generation: improve a valid panel by exchanges.

An exchange takes two members of different types ``a1``, ``a2`` off the panel and seats
the two types that swap their values in one category ``c`` (``b1`` is ``a1`` with
``a2``'s value in ``c``, ``b2`` the other way round). Every quota count stays the
same, so the new panel is valid whenever the types exist, have a free member and the
household rule holds: this works even when every quota is exact. Steepest ascent on
the panel's weight gives, in milliseconds, panels worth more than the master's
threshold; the integer program is only needed when no exchange helps.
"""

from __future__ import annotations

import numpy as np

from .compress import TypeSpace


class Exchanger:
    def __init__(self, ts: TypeSpace):
        self.ts = ts
        T, C = ts.codes.shape if ts.n_types else (0, 0)
        self.C = C
        width = ts.codes.max(axis=0).astype(np.int64) + 1 if T else np.zeros(0, np.int64)
        self.width = width
        mult = np.ones(C, dtype=np.int64)
        for c in range(C - 2, -1, -1):
            mult[c] = mult[c + 1] * width[c + 1]
        self.mult = mult
        keys = ts.codes.astype(np.int64) @ mult if T else np.zeros(0, np.int64)
        self.keys = keys
        hh_types = set()
        self.hh_of = np.full(T, -1, dtype=np.int64)
        for g, grp in enumerate(ts.households):
            self.hh_of[grp] = g
            hh_types.update(int(t) for t in grp)
        # one representative type per code: the one not sharing a household, if any
        rep: dict[int, int] = {}
        for t in range(T):
            kk = int(keys[t])
            if kk not in rep or (rep[kk] in hh_types and t not in hh_types):
                rep[kk] = t
        umax = int(width.max()) if C else 0
        self.N = np.full((T, C, max(umax, 1)), -1, dtype=np.int64)
        for t in range(T):
            for c in range(C):
                base = int(keys[t]) - int(ts.codes[t, c]) * int(mult[c])
                for u in range(int(width[c])):
                    self.N[t, c, u] = rep.get(base + u * int(mult[c]), -1)

    def ascend(self, x: np.ndarray, w: np.ndarray, rounds: int = 10) -> np.ndarray:
        """Ascent of ``w @ x`` by exchanges from the valid panel ``x``. Each round
        scores every exchange on the current panel and applies the best ones that do
        not share a member (their gains add up: the objective is linear)."""
        ts = self.ts
        if self.C < 1:
            return x
        x = x.copy()
        sizes = ts.sizes
        n_hh = len(ts.households)
        cidx = np.arange(self.C)
        for _ in range(rounds):
            A = np.flatnonzero(x)
            m = len(A)
            if m < 2:
                break
            ca = ts.codes[A]                                   # (m, C)
            B1 = self.N[A[:, None, None], cidx[None, None, :], ca[None, :, :]]  # (m, m, C)
            B2 = B1.transpose(1, 0, 2)
            ok = (ca[:, None, :] != ca[None, :, :]) & (B1 >= 0) & (B2 >= 0)
            ok &= np.triu(np.ones((m, m), dtype=bool), 1)[:, :, None]
            b1, b2 = np.where(ok, B1, 0), np.where(ok, B2, 0)
            wa = w[A]
            gain = w[b1] + w[b2] - wa[:, None, None] - wa[None, :, None]
            gain = np.where(ok, gain, -np.inf).ravel()
            pos = np.flatnonzero(gain > 1e-12)
            if len(pos) == 0:
                break
            if len(pos) > 4 * m:
                pos = pos[np.argpartition(-gain[pos], 4 * m)[:4 * m]]
            pos = pos[np.argsort(-gain[pos], kind="stable")]
            cap = sizes - x
            hcount = np.zeros(n_hh, dtype=np.int64)
            if n_hh:
                on = self.hh_of[x > 0]
                hcount = np.bincount(on[on >= 0], minlength=n_hh)
            used = np.zeros(m, dtype=bool)
            moved = False
            for f in pos.tolist():
                i, rest = divmod(f, m * self.C)
                j, c = divmod(rest, self.C)
                if used[i] or used[j]:
                    continue
                t1, t2 = int(b1.flat[f]), int(b2.flat[f])
                if cap[t1] < 1 + (t1 == t2) or cap[t2] < 1:
                    continue
                h1, h2 = self.hh_of[t1], self.hh_of[t2]
                if (h1 >= 0 and hcount[h1]) or (h2 >= 0 and hcount[h2]) or \
                        (h1 >= 0 and h1 == h2):
                    continue
                used[i] = used[j] = True
                for t, d in ((A[i], -1), (A[j], -1), (t1, 1), (t2, 1)):
                    x[t] += d
                    cap[t] -= d
                    if self.hh_of[t] >= 0:
                        hcount[self.hh_of[t]] += d
                moved = True
            if not moved:
                break
        return x
