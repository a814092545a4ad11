"""The census distance behind the pool and panel indicators: a pure function, tested on many inputs."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from panels.evidence.indicators import census_distance

VALUES = ["a", "b", "c"]
shares = st.lists(st.integers(1, 20), min_size=3, max_size=3).map(
    lambda ws: {v: w / sum(ws) for v, w in zip(VALUES, ws, strict=True)})
groups = st.lists(st.sampled_from(VALUES), min_size=1, max_size=60).map(lambda vs: [{"age": v} for v in vs])


@given(groups, shares)
def test_the_distance_is_between_0_and_100_points(answers, census):
    value = census_distance(answers, {"age": census})
    assert 0 <= value <= 100


@given(st.lists(st.integers(1, 5), min_size=3, max_size=3))
def test_a_group_that_mirrors_the_census_is_at_distance_0(counts):
    answers = [{"age": v} for v, n in zip(VALUES, counts, strict=True) for _ in range(n)]
    census = {v: n / sum(counts) for v, n in zip(VALUES, counts, strict=True)}
    assert census_distance(answers, {"age": census}) == 0


@given(groups, shares)
def test_the_order_of_the_members_does_not_matter(answers, census):
    assert census_distance(answers, {"age": census}) == census_distance(list(reversed(answers)), {"age": census})


def test_a_worked_example_and_no_answers():
    answers = [{"age": "a"}] * 3 + [{"age": "b"}]
    assert census_distance(answers, {"age": {"a": 0.5, "b": 0.5}}) == 25.0
    assert census_distance([{}], {"age": {"a": 0.5, "b": 0.5}}) is None
