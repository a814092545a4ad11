"""Every hard rule holds in every allocation (random small instances that have a solution)."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from curriculum import Member, check_allocation, plan_sessions, reallocate


@st.composite
def instances(draw):
    """A hidden seating first; pins, groups and apart pairs are read off it, so a solution exists."""
    sizes = draw(st.lists(st.integers(1, 6), min_size=1, max_size=4))
    n = sum(sizes)
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    order = rng.permutation(n)
    hidden = np.repeat(np.arange(len(sizes)), sizes)[np.argsort(order)]
    members = [Member(f"p{i}", {"a": "xyz"[int(rng.integers(3))], "b": "uv"[int(rng.integers(2))]})
               for i in range(n)]
    pinned = {f"p{i}": int(hidden[i]) for i in range(n) if rng.random() < 0.15}
    together = []
    for t in range(len(sizes)):
        seated = np.flatnonzero(hidden == t)
        if len(seated) >= 2 and rng.random() < 0.5:
            k = int(rng.integers(2, len(seated) + 1))
            together.append({f"p{i}" for i in rng.choice(seated, k, replace=False)})
    apart = []
    for _ in range(int(rng.integers(0, 2 * n + 1))):
        i, j = (int(x) for x in rng.integers(n, size=2))
        if hidden[i] != hidden[j]:
            apart.append((f"p{i}", f"p{j}"))
    return members, sizes, pinned, together, apart, seed


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(), st.sampled_from(["search", "random"]))
def test_every_rule_holds_in_every_session(instance, method):
    members, sizes, pinned, together, apart, seed = instance
    plan = plan_sessions(members, sizes, 2, categories=["a", "b"], pinned=pinned, together=together, apart=apart,
                         seed=seed, method=method, steps=5)
    everyone = [m.id for m in members]
    for a in plan.allocations:
        assert check_allocation(a.tables, everyone, sizes, pinned, together, apart) == []
        assert 0 <= a.meeting_score <= 1 and 0 <= a.diversity_normalised <= 1
    assert 0 <= plan.meeting_score <= 1


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(), st.data())
def test_reallocation_keeps_the_rules_and_the_past(instance, data):
    members, sizes, pinned, together, apart, seed = instance
    plan = plan_sessions(members, sizes, 3, pinned=pinned, together=together, apart=apart, seed=seed, steps=5)
    everyone = [m.id for m in members]
    dropped = set(data.draw(st.lists(st.sampled_from(everyone), unique=True)))
    # the hidden seating without the drop-outs still keeps the rules: use its table sizes
    hidden = plan.allocations[0].tables
    left = [sum(m not in dropped for m in t) for t in hidden]
    if 0 in left:
        return
    again = reallocate(plan, members, 2, sorted(dropped), table_sizes=left, pinned=pinned, together=together,
                       apart=apart, seed=seed, steps=5)
    assert again.allocations[:2] == plan.allocations[:2]
    present = [m for m in everyone if m not in dropped]
    assert check_allocation(again.allocations[2].tables, present, left, pinned, together, apart) == []
