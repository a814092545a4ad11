"""Table allocation: rules, scores, determinism, re-allocation, and better than random."""

from __future__ import annotations

import json

import pytest
from table_helpers import panel

from curriculum import (
    Allocation,
    AllocationError,
    Member,
    Plan,
    allocate,
    check_allocation,
    meetings,
    plan_sessions,
    random_baseline,
    reallocate,
    resolve_sizes,
    score_allocation,
)

CATS = ["age", "gender", "area", "tenure"]


def ids(members):
    return [m.id for m in members]


def test_resolve_sizes():
    assert resolve_sizes(48, [8] * 6) == ([8] * 6, [])
    assert resolve_sizes(46, [8] * 6)[0] == [7, 7, 8, 8, 8, 8]
    assert resolve_sizes(50, [8] * 6)[0] == [9, 9, 8, 8, 8, 8]
    assert resolve_sizes(170, 9) == ([9] * 18 + [8], [])
    assert resolve_sizes(47, 8)[0] == [8, 8, 8, 8, 8, 7]
    assert "add up to 48 but 46" in resolve_sizes(46, [8] * 6)[1][0]
    with pytest.raises(AllocationError, match="empty"):
        resolve_sizes(3, [1, 1, 1, 1])


def test_scores_on_hand_made_seatings():
    people = [Member("a", {"g": "w"}), Member("b", {"g": "w"}), Member("c", {"g": "m"}), Member("d", {"g": "m"})]
    mixed = score_allocation([["a", "c"], ["b", "d"]], people)
    assert mixed.diversity_score == 0 and mixed.diversity_normalised == 1
    apart = score_allocation([["a", "b"], ["c", "d"]], people)
    assert apart.diversity_score == 0.5 and apart.diversity_normalised == 0
    assert apart.diversity_random == pytest.approx(1 / 6)  # a table of two is mixed with probability 2/3
    assert meetings([[["a", "b"], ["c", "d"]], [["a", "c"], ["b", "d"]]]) == {
        "new_pairs": 4, "repeat_pairs": 0, "possible_new_pairs": 4, "meeting_score": 1.0}
    again = meetings([[["a", "b"], ["c", "d"]], [["a", "b"], ["c", "d"]]])
    assert again["new_pairs"] == 2 and again["repeat_pairs"] == 2 and again["meeting_score"] == 0.5
    after = score_allocation([["a", "b"], ["c", "d"]], people, history=[[["a", "b"], ["c", "d"]]])
    assert after.session == 1 and after.new_pairs == 0 and after.meeting_score == 0


def test_diversity_bound_for_tables_that_cannot_be_even():
    people = [Member(str(i), {"g": "wm"[i % 2]}) for i in range(6)]
    best = score_allocation([["0", "1", "2"], ["3", "4", "5"]], people)
    assert best.diversity_bound == pytest.approx(1 / 6) == best.diversity_score
    assert best.diversity_normalised == 1


def test_diversity_bound_knows_a_lone_member_must_sit_somewhere():
    people = [Member(f"p{i}", {"g": "m" if i == 0 else "w"}) for i in range(48)]
    tables = [[f"p{i}" for i in range(t * 8, t * 8 + 8)] for t in range(6)]
    a = score_allocation(tables, people)
    assert a.diversity_score == pytest.approx((5 / 24 + 5 * 1 / 24) / 12)
    assert a.diversity_bound == pytest.approx(a.diversity_score)
    assert a.diversity_normalised == 1


def test_rules_hold_and_scores_are_reported():
    members = panel(30)
    pinned = {"m000": 0, "m001": 0, "m002": 3}
    together = [{"m003", "m004"}, {"m005", "m006", "m007"}]
    apart = [("m008", "m009"), ("m000", "m010"), ("m003", "m011")]
    a = allocate(members, [8, 8, 7, 7], categories=CATS, pinned=pinned, together=together, apart=apart, seed=5)
    assert check_allocation(a.tables, ids(members), [8, 8, 7, 7], pinned, together, apart) == []
    assert a.method == "search" and a.session == 0 and a.sizes == [8, 8, 7, 7]
    assert 0 <= a.diversity_bound <= a.diversity_score < a.diversity_random
    assert a.new_pairs == a.possible_new_pairs == 8 * 7 + 7 * 6 and a.meeting_score == 1
    assert Allocation.from_dict(json.loads(json.dumps(a.to_dict()))) == a


def test_impossible_rules_are_refused_with_reasons():
    members = panel(8)
    with pytest.raises(AllocationError, match="pinned to table 5, but there are 2 tables"):
        allocate(members, [4, 4], pinned={"m000": 4})
    with pytest.raises(AllocationError, match="5 members must sit together"):
        allocate(members, [4, 4], together=[{"m000", "m001", "m002", "m003", "m004"}])
    with pytest.raises(AllocationError, match="must sit apart but also together"):
        allocate(members, [4, 4], together=[{"m000", "m001"}], apart=[("m001", "m000")])
    with pytest.raises(AllocationError, match="3 members are pinned to table 1, which has 2 seats"):
        allocate(members, [2, 2, 2, 2], pinned={"m000": 0, "m001": 0, "m002": 0})
    with pytest.raises(AllocationError, match="both pinned to table 2"):
        allocate(members, [4, 4], pinned={"m000": 1, "m001": 1}, apart=[("m000", "m001")])
    with pytest.raises(AllocationError, match="must sit with members pinned to table 1"):
        allocate(members, [4, 4], pinned={"m000": 0, "m001": 1}, together=[["m000", "m001"]])
    with pytest.raises(AllocationError, match="no seating keeps all the rules"):
        allocate(members, [4, 4], apart=[("m000", "m001"), ("m001", "m002"), ("m000", "m002")])
    with pytest.raises(AllocationError, match="listed 2 times"):
        allocate(members + members[:1], [5, 4])


def test_absent_members_in_rules_are_noted_not_fatal():
    members = panel(8)
    a = allocate(members[1:], [4, 3], pinned={"m000": 1}, together=[{"m000", "m001"}], apart=[("m000", "m002")])
    assert a.notes == ["pinned member m000 is not present"]


def test_same_seed_same_plan_and_another_seed_another():
    members = panel(24)
    one = plan_sessions(members, 6, 3, categories=CATS, seed="2024-panel", pinned={"m000": 0})
    two = plan_sessions(list(members), 6, 3, categories=CATS, seed="2024-panel", pinned={"m000": 0})
    assert one == two
    assert plan_sessions(members, 6, 3, categories=CATS, seed=7).tables() != one.tables()
    assert Plan.from_dict(json.loads(json.dumps(one.to_dict()))) == one


def test_a_plan_is_its_sessions_allocated_one_after_another():
    members = panel(20)
    plan = plan_sessions(members, [5, 5, 5, 5], 3, categories=CATS, seed=3)
    third = allocate(members, [5, 5, 5, 5], 2, plan.tables()[:2], CATS, seed=3)
    assert third == plan.allocations[2]


def test_reallocation_leaves_the_past_alone_and_drops_the_absent():
    members = panel(30)
    pinned, together = {"m000": 1}, [{"m001", "m002"}]
    plan = plan_sessions(members, [8, 8, 7, 7], 5, categories=CATS, pinned=pinned, together=together, seed=9)
    dropped = ["m005", "m017", "m002"]
    again = reallocate(plan, members, 3, dropped, categories=CATS, pinned=pinned, together=together, seed=9)
    assert again.allocations[:3] == plan.allocations[:3]
    assert [a.session for a in again.allocations] == [0, 1, 2, 3, 4]
    present = [m for m in ids(members) if m not in dropped]
    for a in again.allocations[3:]:
        assert check_allocation(a.tables, present, None, pinned, together) == []
        assert sorted(a.sizes) == [6, 7, 7, 7]
    # from plain tables, with an earlier history and only one session to re-seat
    history = plan.tables()[:1]
    raw = reallocate(plan.tables()[1:], members, 2, dropped, history=history, categories=CATS, seed=9, sessions=1)
    assert raw.tables()[:1] == plan.tables()[1:2]
    assert [a.session for a in raw.allocations] == [1, 2]
    assert not {"m005", "m017"} & {m for t in raw.tables()[1] for m in t}


def test_random_baseline_keeps_the_rules():
    members = panel(30)
    apart = [("m008", "m009")]
    base = random_baseline(members, 8, 3, categories=CATS, pinned={"m001": 2}, together=[{"m003", "m004"}],
                           apart=apart, seed=1)
    for a in base.allocations:
        assert a.method == "random" and a.objective is not None
        assert check_allocation(a.tables, ids(members), None, {"m001": 2}, [{"m003", "m004"}], apart) == []


def test_local_search_beats_random_on_a_typical_panel():
    members = panel(48)
    sizes = [8] * 6
    plan = plan_sessions(members, sizes, 6, categories=CATS, seed=11, pinned={"m000": 0, "m001": 1})
    base = random_baseline(members, sizes, 6, categories=CATS, seed=11, pinned={"m000": 0, "m001": 1})
    assert plan.diversity_score < 0.75 * base.diversity_score
    assert plan.diversity_normalised > 0.6 > base.diversity_normalised
    assert plan.new_pairs > base.new_pairs
    assert plan.meeting_score > max(0.8, base.meeting_score + 0.05)
    assert plan.repeat_pairs < base.repeat_pairs
    for a, b in zip(plan.allocations, base.allocations, strict=True):
        assert a.objective <= b.objective


def test_absences_in_a_plan_and_members_as_dicts():
    members = [m.to_dict() for m in panel(17)]
    plan = plan_sessions(members, 6, 2, categories=CATS, absent={1: ["m003", "m004"]}, seed=2)
    assert sum(plan.allocations[0].sizes) == 17 and plan.allocations[0].sizes == [6, 6, 5]
    assert sum(plan.allocations[1].sizes) == 15 and plan.allocations[1].sizes == [5, 5, 5]
    flat = [{"id": m["id"], **m["attributes"]} for m in members]
    assert plan_sessions(flat, 6, 2, categories=CATS, absent={1: ["m003", "m004"]}, seed=2) == plan


def test_unknown_method_is_refused():
    with pytest.raises(ValueError, match="method"):
        allocate(panel(4), 2, method="magic")
