"""check(): feasibility, the conflicting quotas in words, the smallest relaxation."""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from lottery_helpers import brute_force_panels, make_instance

from lottery import check, load_instance


def _renters():
    q = pd.DataFrame({"feature": ["age", "age", "tenure", "tenure"],
                      "value": ["16-24", "25+", "renter", "owner"],
                      "min": [2, 0, 0, 0], "max": [5, 5, 1, 5],
                      "min_flex": [0, 0, 0, 0], "max_flex": [5, 5, 3, 5]})
    p = pd.DataFrame({"id": list("abcdefg"),
                      "age": ["16-24"] * 3 + ["25+"] * 4,
                      "tenure": ["renter"] * 3 + ["owner", "owner", "renter", "owner"]})
    return load_instance(q, p, 4)


def test_conflict_is_explained_and_relaxed():
    result = _renters()
    r = check(result)
    assert not r.feasible
    kinds = {(c["category"], c["value"], c["bound"]) for c in r.conflicts}
    assert kinds == {("age", "16-24", "min"), ("tenure", "renter", "max")}
    text = r.message()
    assert "at least 2 of age = 16-24" in text and "at most 1 of tenure = renter" in text
    assert "Every volunteer with age = 16-24 has tenure = renter" in text
    assert r.seats_changed == 1
    assert len(r.relaxation) == 1


def test_relaxed_quotas_are_feasible():
    inst = _renters()
    r = check(inst)
    bounds = {(x["category"], x["value"]): (x["new_min"], x["new_max"]) for x in r.relaxation}
    relaxed = load_instance(inst.quotas.with_bounds(bounds), inst.pool, inst.k)
    assert check(relaxed).feasible


def test_flex_bounds_limit_the_relaxation():
    inst = _renters()
    q = inst.quotas.with_bounds({("age", "16-24"): (2, 5)})
    # forbid lowering the age min: min_flex = 2 -> must raise the renter max instead
    from dataclasses import replace
    q = type(q)(tuple(replace(x, min_flex=2) if x.value == "16-24" else x for x in q))
    r = check(load_instance(q, inst.pool, 4))
    assert r.within_flex
    assert [(x["value"], x["new_max"]) for x in r.relaxation] == [("renter", 2)]


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000), st.integers(5, 9), st.integers(2, 4), st.booleans())
def test_check_agrees_with_enumeration(seed, n, k, households):
    inst = make_instance(seed, n, k, households=households)
    # perturb: make it sometimes infeasible by raising a min
    q = inst.quotas.quotas[0]
    inst2 = load_instance(inst.quotas.with_bounds({(q.category, q.value): (q.max + seed % 2,
                                                                            q.max + 1)}),
                          inst.pool, k)
    for instance in (inst, inst2):
        r = check(instance)
        assert r.feasible == bool(brute_force_panels(instance))
        if r.feasible:
            assert len(r.example_panel) == k
