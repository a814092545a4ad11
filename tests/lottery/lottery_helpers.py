"""Helpers for the lottery tests: small generated instances and brute force."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
from scipy.optimize import linprog

from lottery import load_instance


def random_instance_frames(seed: int, n: int, k: int, n_cats: int = 2, households: bool = False,
                           tight: bool = True):
    """(quotas frame, pool frame) with quotas built around one random panel, so that at
    least one valid panel exists."""
    rng = np.random.default_rng(seed)
    data = {"id": [f"p{i}" for i in range(n)]}
    quota_rows = []
    panel = rng.choice(n, size=k, replace=False)
    for c in range(n_cats):
        m = int(rng.integers(2, 4))
        vals = [f"c{c}v{j}" for j in range(m)]
        col = rng.choice(vals, size=n)
        data[f"cat{c}"] = col
        for v in vals:
            have = int((col[panel] == v).sum())
            lo = max(0, have - int(rng.integers(0, 2 if tight else 3)))
            hi = have + int(rng.integers(0, 2 if tight else 3))
            quota_rows.append((f"cat{c}", v, lo, hi))
    if households:
        addr = [f"{int(rng.integers(0, max(2, n * 2 // 3)))} Main St" for _ in range(n)]
        # keep the seed panel household-free so it stays valid
        for j, i in enumerate(panel):
            addr[i] = f"panel house {j}"
        data["address"] = addr
    q = pd.DataFrame(quota_rows, columns=["feature", "value", "min", "max"])
    return q, pd.DataFrame(data)


def make_instance(seed: int, n: int, k: int, n_cats: int = 2, households: bool = False,
                  tight: bool = True):
    q, p = random_instance_frames(seed, n, k, n_cats, households, tight)
    return load_instance(q, p, k, household_columns=["address"] if households else ())


def brute_force_panels(instance) -> list[tuple[int, ...]]:
    """Every valid panel, by enumeration (tiny instances only)."""
    from lottery import panel_problems
    return [c for c in itertools.combinations(range(instance.pool.n), instance.k)
            if not panel_problems(instance, c)]


def brute_force_maximin(instance) -> float:
    """MAXIMIN optimum by LP over all valid panels."""
    panels = brute_force_panels(instance)
    n, m = instance.pool.n, len(panels)
    # variables: q (m), z ; maximise z
    c = np.zeros(m + 1)
    c[-1] = -1
    A = np.zeros((n, m + 1))
    for j, p in enumerate(panels):
        A[list(p), j] = -1
    A[:, -1] = 1
    res = linprog(c, A_ub=A, b_ub=np.zeros(n), A_eq=[[1] * m + [0]], b_eq=[1],
                  bounds=[(0, None)] * m + [(None, None)], method="highs")
    return float(res.x[-1])


