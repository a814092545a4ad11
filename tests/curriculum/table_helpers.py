"""Realistic panel members for the table tests."""

from __future__ import annotations

import numpy as np

from curriculum import Member

AGES = ["16-29", "30-44", "45-59", "60-74", "75+"]
AREAS = ["north", "south", "east", "west", "centre", "riverside"]


def panel(n: int, seed: int = 1) -> list[Member]:
    rng = np.random.default_rng(seed)
    return [Member(f"m{i:03d}", {
        "age": AGES[int(rng.choice(5, p=[0.2, 0.25, 0.25, 0.2, 0.1]))],
        "gender": ["woman", "man"][int(rng.integers(2))],
        "area": AREAS[int(rng.integers(len(AREAS)))],
        "tenure": ["owner", "renter", "social"][int(rng.choice(3, p=[0.55, 0.3, 0.15]))],
    }) for i in range(n)]
