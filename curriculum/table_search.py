"""Local search for a good seating: every swap of two members scored at once with numpy.

The objective to minimise is

    diversity_weight * sum over tables t and values v of  w_v * |K[t,v] / n_t - p_v|
  + meeting_weight   * number of pairs at the same table who have met before

(``K`` counts, ``n`` table sizes, ``p`` panel shares, ``w_v`` the weight of v's category;
``met`` may hold any non-negative penalty per pair). A greedy start seats units one by one
where they add least to it; a steepest-descent swap search, then a tabu search, improve
it. Only members who are neither pinned nor in a sit-together group are swapped, and
swaps that would seat an apart pair together are never taken, so every rule still holds.
Groups of equal size may swap with each other. Everything random comes from the
generator passed in.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .table_rules import Rules


class Seating:
    """One session's seating with the arrays that make a swap's change cheap to compute.

    Products of an N x N matrix are written as sums over tables, not BLAS calls: for
    these sizes a multi-threaded BLAS on a busy machine is slower than the work itself.
    """

    def __init__(self, codes: np.ndarray, n_values: int, value_weights: np.ndarray, sizes: Sequence[int],
                 met: np.ndarray, rules: Rules, diversity_weight: float, meeting_weight: float):
        n = len(codes)
        self.codes = codes
        self.X = np.zeros((n, n_values))
        for c in range(codes.shape[1]):
            self.X[np.arange(n), codes[:, c]] = 1.0
        self.p = self.X.mean(0) if n else np.zeros(n_values)
        self.w = diversity_weight * np.asarray(value_weights, dtype=float)
        self.n = np.asarray(sizes, dtype=float)
        self.M = meeting_weight * np.asarray(met, dtype=float)
        self.rules = rules
        self.AP = None
        if rules.apart:
            self.AP = np.zeros((n, n))
            for a, b in rules.apart:
                self.AP[a, b] = self.AP[b, a] = 1.0
        singles = [u[0] for k, u in enumerate(rules.units) if len(u) == 1 and rules.pin[k] == -1]
        self.mv = mv = np.array(sorted(singles), dtype=np.int64)
        self.blocks = [k for k, u in enumerate(rules.units) if len(u) > 1 and rules.pin[k] == -1]
        # constant over the search: movable members' values, meetings, same-value masks
        self.Xm = self.X[mv]
        self.Mm = self.M[np.ix_(mv, mv)]
        self.APm = None if self.AP is None else self.AP[np.ix_(mv, mv)]
        self.same = [(codes[mv, c][:, None] == codes[mv, c][None, :]).astype(float) for c in range(codes.shape[1])]

    # ------------------------------------------------------------------ state
    def _by_table(self, A: np.ndarray) -> np.ndarray:
        """(N x T) sums of A's columns over each table's members."""
        out = np.zeros((A.shape[0], len(self.n)))
        for t in range(len(self.n)):
            out[:, t] = A[:, self.tab == t].sum(1)
        return out

    def reset(self, tab: np.ndarray) -> None:
        self.tab = np.array(tab, dtype=np.int64)
        self.K = np.stack([self.X[self.tab == t].sum(0) for t in range(len(self.n))])
        self.S = self._by_table(self.M)
        self.P = None if self.AP is None else self._by_table(self.AP)

    def objective(self) -> float:
        div = float((self.w * np.abs(self.K / self.n[:, None] - self.p)).sum())
        return div + 0.5 * float(self.S[np.arange(len(self.tab)), self.tab].sum())

    def swap(self, i: int, j: int) -> None:
        a, b = self.tab[i], self.tab[j]
        dx = self.X[j] - self.X[i]
        self.K[a] += dx
        self.K[b] -= dx
        dm = self.M[:, j] - self.M[:, i]
        self.S[:, a] += dm
        self.S[:, b] -= dm
        if self.P is not None:
            dp = self.AP[:, j] - self.AP[:, i]
            self.P[:, a] += dp
            self.P[:, b] -= dp
        self.tab[i], self.tab[j] = b, a

    # ------------------------------------------------------------------ moves
    def deltas(self) -> np.ndarray:
        """Change of the objective for swapping movable members mv[x] and mv[y] (inf if not allowed).

        Swapping i (table a) and j (table b) changes the objective by R[i, j] + R[j, i], with
        R[i, j] = (i joins b) + (i leaves a) - (i and j share a value: no change there)
        - (i already met j, who leaves b).
        """
        mv, t = self.mv, self.tab[self.mv]
        rows = np.arange(len(mv))
        inv = (1.0 / self.n)[:, None]
        dev = self.K * inv - self.p
        up = self.w * (np.abs(dev + inv) - np.abs(dev))  # one more member with value v at table t
        down = self.w * (np.abs(dev - inv) - np.abs(dev))  # one fewer
        join = self.Xm @ up.T + self.S[mv]  # (x, table): mv[x] sits down there
        leave = (self.Xm @ down.T)[rows, t] - self.S[mv, self.tab[mv]]
        R = join[:, t]
        R += (leave[:, None] - self.Mm)
        both = up + down
        for c, same in enumerate(self.same):
            R -= same * both[t, self.codes[mv, c]][:, None]
        d = R + R.T
        bad = t[:, None] == t[None, :]
        if self.P is not None:
            Pq = self.P[mv][:, t]
            bad |= (Pq - self.APm > 0) | (Pq.T - self.APm > 0)
        d[bad] = np.inf
        return d

    def descend(self, max_steps: int = 100_000) -> int:
        """Take the best improving swap until none is left; returns the number of swaps."""
        steps = 0
        while steps < max_steps:
            gain = 0.0
            if len(self.mv) > 1:
                d = self.deltas()
                x, y = divmod(int(np.argmin(d)), len(self.mv))
                gain = d[x, y]
            if gain < -1e-9:
                self.swap(int(self.mv[x]), int(self.mv[y]))
            elif not self._block_swap():
                break
            steps += 1
        return steps

    def _block_swap(self) -> bool:
        """Take the first improving swap of two equal-size groups at different tables."""
        units = self.rules.units
        for k, u in enumerate(self.blocks):
            for v in self.blocks[k + 1:]:
                a, b = self.tab[units[u][0]], self.tab[units[v][0]]
                if a == b or len(units[u]) != len(units[v]) or not self._groups_may_swap(u, v):
                    continue
                before = self.objective()
                for i, j in zip(units[u], units[v], strict=True):
                    self.swap(i, j)
                if self.objective() < before - 1e-9:
                    return True
                for i, j in zip(units[u], units[v], strict=True):
                    self.swap(i, j)
        return False

    def _groups_may_swap(self, u: int, v: int) -> bool:
        rules = self.rules
        a, b = self.tab[rules.units[u][0]], self.tab[rules.units[v][0]]
        at_a = {rules.unit_of[i] for i in np.flatnonzero(self.tab == a)}
        at_b = {rules.unit_of[i] for i in np.flatnonzero(self.tab == b)}
        return not (rules.conflicts[u] & (at_b - {v}) or rules.conflicts[v] & (at_a - {u}))


def improve(seating: Seating, tab: np.ndarray, rng: np.random.Generator, steps: int) -> np.ndarray:
    """Steepest descent from ``tab``, then ``steps`` steps of tabu search; returns the best seating seen.

    Tabu search takes the best swap even when it makes things worse, but not one that moves
    a member moved in the last few steps (unless it beats the best so far), which lets it
    walk out of local optima without undoing its last moves.
    """
    seating.reset(tab)
    seating.descend()
    m = len(seating.mv)
    if m < 3 or steps <= 0:
        return seating.tab.copy()
    current = best = seating.objective()
    best_tab = seating.tab.copy()
    tenure = max(2, min(m // 4, 10))
    free_from = np.zeros(m, dtype=np.int64)
    for step in range(steps):
        d = seating.deltas()
        tabu = free_from > step
        blocked = tabu[:, None] | tabu[None, :]
        d[blocked & (current + d >= best - 1e-9)] = np.inf
        x, y = divmod(int(np.argmin(d)), m)
        if not np.isfinite(d[x, y]):
            break
        seating.swap(int(seating.mv[x]), int(seating.mv[y]))
        current += d[x, y]
        free_from[[x, y]] = step + tenure + rng.integers(0, tenure + 1, size=2)
        if current < best - 1e-9:
            best, best_tab = current, seating.tab.copy()
    seating.reset(best_tab)
    seating.descend()
    return seating.tab.copy()


class GreedyChooser:
    """Seats each unit where it adds least to the objective, given who is already seated."""

    def __init__(self, seating: Seating, rng: np.random.Generator):
        self.s = seating
        self.rng = rng
        self.K = np.zeros((len(seating.n), seating.X.shape[1]))
        self.S = np.zeros((len(seating.codes), len(seating.n)))

    def choose(self, unit: int, options: list[int]) -> int:
        s, members, opts = self.s, self.s.rules.units[unit], np.array(options)
        target = s.n[opts, None] * s.p  # members with each value a full table would have
        cost = np.zeros(len(opts))
        for i in members:
            v = s.X[i] > 0
            k = self.K[np.ix_(opts, np.flatnonzero(v))]
            gain = np.abs(k + 1 - target[:, v]) - np.abs(k - target[:, v])
            cost += (s.w[v] * gain / s.n[opts, None]).sum(1) + self.S[i, opts]
        cost += 1e-9 * self.rng.random(len(opts))
        return int(opts[int(np.argmin(cost))])

    def placed(self, unit: int, table: int) -> None:
        for i in self.s.rules.units[unit]:
            self.K[table] += self.s.X[i]
            self.S[:, table] += self.s.M[:, i]


class RandomChooser:
    """Seats each unit at a random allowed table, more likely where more seats are free."""

    def __init__(self, sizes: Sequence[int], rules: Rules, rng: np.random.Generator):
        self.free = np.array(sizes, dtype=float)
        self.rules = rules
        self.rng = rng

    def choose(self, unit: int, options: list[int]) -> int:
        weights = self.free[options]
        return int(options[int(self.rng.choice(len(options), p=weights / weights.sum()))])

    def placed(self, unit: int, table: int) -> None:
        self.free[table] -= len(self.rules.units[unit])
