"""Generated volunteer pools that look like real ones, for the lottery benchmarks.

Self-selection: older, more educated home owners volunteer more often; some volunteers
share a household. Quotas come from made-up census shares via ``lottery.targets``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lottery.targets import targets

CATEGORIES = {
    # category: (values, census shares, volunteering propensity per value)
    "gender": (["female", "male", "non-binary"], [0.505, 0.485, 0.01], [1.0, 0.95, 1.0]),
    "age": (["16-24", "25-34", "35-44", "45-54", "55-64", "65+"],
            [0.13, 0.17, 0.16, 0.17, 0.16, 0.21], [0.45, 0.6, 0.8, 1.0, 1.4, 1.6]),
    "education": (["none", "school", "vocational", "degree"],
                  [0.18, 0.32, 0.2, 0.3], [0.45, 0.7, 0.9, 1.9]),
    "tenure": (["owner", "private renter", "social renter"], [0.62, 0.2, 0.18],
               [1.3, 0.7, 0.5]),
    "area": (["north", "south", "east", "west", "centre"],
             [0.22, 0.2, 0.18, 0.2, 0.2], [0.9, 1.1, 0.8, 1.0, 1.2]),
    "ethnicity": (["white", "asian", "black", "mixed", "other"],
                  [0.81, 0.09, 0.04, 0.03, 0.03], [1.1, 0.7, 0.6, 0.8, 0.7]),
    "disability": (["yes", "no"], [0.18, 0.82], [0.8, 1.0]),
    "attitude": (["very concerned", "fairly concerned", "not concerned"],
                 [0.4, 0.4, 0.2], [1.3, 1.0, 0.6]),
}


def generate(n: int, k: int, n_categories: int = 8, seed: int = 0,
             shared_households: float = 0.08) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(quotas frame, pool frame with id and address columns)."""
    rng = np.random.default_rng(seed)
    cats = list(CATEGORIES.items())[:n_categories]
    data: dict[str, list] = {"id": [f"v{i:05d}" for i in range(n)]}
    shares = {}
    for name, (values, census, prop) in cats:
        p = np.array(census) * np.array(prop)
        data[name] = list(rng.choice(values, size=n, p=p / p.sum()))
        shares[name] = dict(zip(values, census, strict=True))
    # households: a fraction of volunteers share an address with the previous one
    addr = []
    for i in range(n):
        if i > 0 and rng.random() < shared_households:
            addr.append(addr[-1])
        else:
            addr.append(f"{int(rng.integers(1, 300))} {rng.choice(['High St', 'Mill Rd', 'Park Ave'])} {i}")
    data["address"] = addr
    pool = pd.DataFrame(data)
    quotas = targets(shares, k, min_small=1).to_frame().drop(columns=["min_flex", "max_flex"])
    return quotas, pool
