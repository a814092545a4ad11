"""The historical greedy lottery ("legacy") and the plain uniform lottery.

LEGACY, as used by the Sortition Foundation before 2021: pick volunteers one by one;
each time, take the value whose unmet minimum is largest relative to the volunteers
still available with it, and draw one of those volunteers at random. It is kept for
comparison only: its probabilities are unknown in closed form, so they are estimated
by running it many times with seeded random numbers (``runs`` is reported).

UNIFORM ignores the quotas: every volunteer has probability k/n. Without the household
rule the portfolio is the n "windows" of k consecutive volunteers in an order shuffled
by the input hash (each window 1/n), which gives every volunteer exactly k/n.
"""

from __future__ import annotations

import hashlib

import numpy as np

from .compress import TypeSpace
from .leximin import Progress


def legacy_once(ts: TypeSpace, rng: np.random.Generator,
                person_household: np.ndarray | None) -> np.ndarray | None:
    """One greedy run in type space; returns type counts, or None when it got stuck."""
    A = ts.A.astype(np.int64)
    avail = ts.sizes.copy()
    x = np.zeros(ts.n_types, dtype=np.int64)
    selected = np.zeros(A.shape[0], dtype=np.int64)
    group = np.full(ts.n_types, -1)
    for g, members in enumerate(ts.households):
        group[members] = g
    for _ in range(ts.k):
        remaining = A @ avail
        if ((remaining == 0) & (selected < ts.lo)).any():
            return None
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(remaining > 0, (ts.lo - selected) / remaining, -np.inf)
        v = int(np.argmax(ratio))
        if not np.isfinite(ratio[v]):
            return None
        cand = A[v] * avail
        t = int(rng.choice(ts.n_types, p=cand / cand.sum()))
        x[t] += 1
        avail[t] -= 1
        selected += A[:, t]
        if group[t] >= 0:
            avail[ts.households[group[t]]] = 0
        full = selected >= ts.hi
        if full.any():
            avail[(A[full] > 0).any(axis=0)] = 0
    if (selected < ts.lo).any() or not ts.panel_ok(x):
        return None
    return x


def find_legacy(ts: TypeSpace, runs: int = 1000, seed: int = 0,
                progress: Progress | None = None) -> tuple[np.ndarray, np.ndarray, dict]:
    """Monte-Carlo estimate of LEGACY: (type panels, frequencies, stats)."""
    rng = np.random.default_rng(seed)
    counts: dict[bytes, list] = {}
    failed = 0
    for r in range(runs):
        x = legacy_once(ts, rng, None)
        if x is None:
            failed += 1
        else:
            entry = counts.setdefault(x.tobytes(), [x, 0])
            entry[1] += 1
        if progress and r % max(1, runs // 20) == 0:
            progress(r / runs, f"legacy run {r} of {runs}")
    if not counts:
        raise ValueError(f"the legacy algorithm failed in all {runs} runs")
    panels = np.array([v[0] for v in counts.values()])
    freq = np.array([v[1] for v in counts.values()], dtype=float)
    return panels, freq / freq.sum(), {"runs": runs, "failed_runs": failed,
                                       "successful_runs": runs - failed}


def uniform_windows(ids: tuple[str, ...], k: int, salt: str) -> list[tuple[int, ...]]:
    """n panels of k consecutive volunteers in a hash-shuffled order (each one 1/n)."""
    n = len(ids)
    order = sorted(range(n), key=lambda i: hashlib.sha256(
        f"{salt}:{ids[i]}".encode()).hexdigest())
    return [tuple(order[(j + i) % n] for i in range(k)) for j in range(n)]
