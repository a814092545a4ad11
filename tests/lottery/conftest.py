"""Fixtures for the lottery tests."""

from __future__ import annotations

import pandas as pd
import pytest


@pytest.fixture
def tiny_frames():
    quotas = pd.DataFrame({"feature": ["age", "age", "tenure", "tenure"],
                           "value": ["16-24", "25+", "renter", "owner"],
                           "min": [1, 1, 1, 1], "max": [2, 3, 2, 3]})
    pool = pd.DataFrame({"id": [f"v{i}" for i in range(10)],
                         "age": ["16-24", "25+"] * 5,
                         "tenure": ["renter", "renter", "owner", "owner", "owner"] * 2,
                         "address": ["a", "a", "b", "c", "d", "e", "f", "g", "h", "i"]})
    return quotas, pool
