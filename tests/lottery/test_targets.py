"""Targets from census shares."""

from __future__ import annotations

import math

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from lottery import targets


def test_floor_and_ceil():
    q = targets({"age": {"young": 0.25, "old": 0.75}}, 10)
    assert (q.get("age", "young").min, q.get("age", "young").max) == (2, 3)
    assert (q.get("age", "old").min, q.get("age", "old").max) == (7, 8)


def test_small_groups_get_a_minimum_and_sums_are_repaired():
    shares = {"eth": {"a": 0.9, "b": 0.04, "c": 0.03, "d": 0.03}}
    q = targets(shares, 10, min_small=1)
    assert all(q.get("eth", v).min >= 1 for v in "bcd")
    assert sum(x.min for x in q) <= 10 <= sum(x.max for x in q)


def test_census_file(tmp_path):
    path = tmp_path / "census.csv"
    pd.DataFrame({"category": ["g", "g"], "value": ["f", "m"], "share": ["51%", "49%"]}
                 ).to_csv(path, index=False)
    q = targets(path, 20)
    assert q.get("g", "f").min == 10 and q.get("g", "f").max == 11


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(0.001, 1.0), min_size=1, max_size=7), st.integers(1, 60),
       st.integers(0, 2))
def test_every_category_can_add_up_to_k(shares, k, min_small):
    q = targets({"c": {f"v{i}": s for i, s in enumerate(shares)}}, k, min_small)
    assert sum(x.min for x in q) <= k <= sum(x.max for x in q)
    total = sum(shares)
    for i, s in enumerate(shares):
        quota = q.get("c", f"v{i}")
        assert 0 <= quota.min <= quota.max
        assert quota.max >= math.floor(s / total * k)
