"""Progress roll-up: leaves set their own, a parent is the weighted mean of its children."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from panels.recommendations.implementation import Node, overall, overall_status, roll_up


def test_a_parent_is_the_weighted_mean_of_its_children_recursively():
    nodes = [Node(1, None, 0), Node(2, 1, 100, weight=3), Node(3, 1, 0, weight=1),
             Node(4, 3, 50), Node(5, 3, 10, weight=4)]
    rolled = roll_up(nodes)
    assert rolled[3] == pytest.approx((50 + 40) / 5)  # 18: its own 0 is ignored
    assert rolled[1] == pytest.approx((100 * 3 + 18 * 1) / 4)
    assert overall(nodes) == pytest.approx(rolled[1])


def test_overall_weights_the_top_level_results():
    assert overall([Node(1, None, 100, weight=1), Node(2, None, 0, weight=3)]) == pytest.approx(25)
    assert overall([]) is None


def test_cycles_and_missing_parents_do_not_break_the_roll_up():
    rolled = roll_up([Node(1, 2, 40), Node(2, 1, 60), Node(3, 99, 70), Node(4, 4, 20)])
    assert set(rolled) == {1, 2, 3, 4} and rolled[3] == 70 and rolled[4] == 20


def test_values_outside_0_100_are_clamped():
    assert roll_up([Node(1, None, 140), Node(2, None, -5)]) == {1: 100.0, 2: 0.0}


def test_official_status_from_the_top_level_results():
    assert overall_status([]) == "not_started"
    assert overall_status(["completed", "abandoned"]) == "completed"
    assert overall_status(["abandoned"]) == "abandoned"
    assert overall_status(["not_started", "completed"]) == "in_progress"
    assert overall_status(["not_started"]) == "not_started"


@st.composite
def trees(draw):
    size = draw(st.integers(1, 25))
    nodes = []
    for i in range(1, size + 1):
        parent = draw(st.one_of(st.none(), st.integers(1, i - 1))) if i > 1 else None
        nodes.append(Node(i, parent, draw(st.integers(0, 100)), draw(st.floats(0.1, 10))))
    return nodes


@given(trees())
@example([Node(1, None, 0), Node(2, 1, 100, weight=3.0948648098847165)])  # 100 * w / w drifted past 100
def test_every_value_lies_between_its_childrens_extremes(nodes):
    rolled = roll_up(nodes)
    assert all(0 <= v <= 100 for v in rolled.values())
    for node in nodes:
        kids = [rolled[k.id] for k in nodes if k.parent_id == node.id]
        if kids:
            assert min(kids) - 1e-9 <= rolled[node.id] <= max(kids) + 1e-9
        else:
            assert rolled[node.id] == node.progress
    result = overall(nodes)
    assert min(rolled.values()) - 1e-9 <= result <= max(rolled.values()) + 1e-9


@given(trees(), st.floats(0.5, 4))
def test_scaling_all_weights_changes_nothing(nodes, factor):
    scaled = [Node(n.id, n.parent_id, n.progress, n.weight * factor) for n in nodes]
    before, after = roll_up(nodes), roll_up(scaled)
    assert all(after[k] == pytest.approx(v) for k, v in before.items())


@given(trees())
def test_all_leaves_complete_means_everything_complete(nodes):
    done = [Node(n.id, n.parent_id, 100, n.weight) for n in nodes]
    assert all(v == pytest.approx(100) for v in roll_up(done).values())
