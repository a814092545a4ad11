"""The draw, the report, verification, transparent lottery and replacements."""

from __future__ import annotations

import copy
import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lottery_helpers import make_instance, random_instance_frames

from lottery import (
    build_report,
    check,
    draw_index,
    find_portfolio,
    fixed_weights,
    input_hash,
    load_instance,
    panel_problems,
    replace_dropouts,
    transparent_lottery,
    verify_report,
)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(1e-6, 1.0), min_size=1, max_size=40))
def test_fixed_weights_sum_exactly(probs):
    w = fixed_weights(probs)
    assert sum(w) == 10**9 and min(w) >= 0


def test_draw_matches_the_documented_recipe():
    weights = fixed_weights([0.2, 0.3, 0.5])
    for seed in ["1-2-3", "beacon:abc", "ß"]:
        n = int.from_bytes(hashlib.sha256(seed.encode("utf-8")).digest()[:8], "big")
        r = (n * 10**9) >> 64
        expected = 0 if r < weights[0] else 1 if r < weights[0] + weights[1] else 2
        assert draw_index(weights, seed)[0] == expected


@pytest.fixture(scope="module")
def run():
    q, p = random_instance_frames(11, 24, 5, 3)
    inst = load_instance(q, p, 5)
    pf = find_portfolio(inst, "leximin")
    return q, p, inst, pf


def test_same_seed_same_panel(run):
    _, _, inst, pf = run
    a = build_report(inst, pf, "seed-1")
    b = build_report(inst, pf, "seed-1")
    assert a["panel"] == b["panel"]
    assert len(a["panel"]) == inst.k
    seeds = {tuple(build_report(inst, pf, f"s{i}")["panel"]) for i in range(30)}
    assert len(seeds) > 1


def test_input_hash_ignores_row_order_and_case(run):
    q, p, inst, _ = run
    shuffled = p.sample(frac=1, random_state=1)
    shuffled["cat0"] = shuffled["cat0"].str.upper()
    other = load_instance(q, shuffled, inst.k)
    assert input_hash(other, {}) == input_hash(inst, {})
    changed = p.copy()
    changed.loc[0, "cat0"] = [v for v in q["value"] if v.startswith("c0")
                              and v != p.loc[0, "cat0"]][0]
    assert input_hash(load_instance(q, changed, inst.k), {}) != input_hash(inst, {})


def test_verify_accepts_untouched_and_rejects_changes(run):
    q, p, inst, pf = run
    report = build_report(inst, pf, "dice 4 2 6")
    assert verify_report(report, q, p) == []
    assert verify_report(report, q, p, rerun=True) == []
    tampered = copy.deepcopy(report)
    outsider = next(i for i in inst.pool.ids if i not in report["panel"])
    tampered["panel"][0] = outsider
    assert verify_report(tampered, q, p)
    p2 = p.copy()
    p2.loc[0, "cat1"] = [v for v in q["value"] if v.startswith("c1")
                         and v != p.loc[0, "cat1"]][0]
    assert any("input hash" in d for d in verify_report(report, q, p2))
    tampered = copy.deepcopy(report)
    tampered["seed"] = "another seed"
    diffs = verify_report(tampered, q, p)
    assert diffs == [] or any("draws panel" in d for d in diffs)


def test_transparent_lottery_bound(run):
    _, _, inst, pf = run
    t = transparent_lottery(pf, inst.pool.ids, 1000, time_limit=5)
    assert len(t.numbered) == 1000
    assert t.max_change <= 1.0 / 1000 * inst.k  # never worse than k/M
    assert abs(t.probabilities.sum() - inst.k) < 1e-9
    report = build_report(inst, pf, "x", transparent=t.to_dict(), number=123)
    assert report["draw"]["number"] == 123
    assert report["draw"]["panel_index"] == t.numbered[123]


def test_replacement_keeps_quotas(run):
    q, p, inst, pf = run
    report = build_report(inst, pf, "panel-seed")
    panel = report["panel"]
    dropouts = panel[:2]
    rep = replace_dropouts(inst, panel, dropouts)
    index = inst.pool.index_of()
    for rp in rep.portfolio.panels:
        new_ids = [rep.instance.pool.ids[i] for i in rp]
        assert not set(new_ids) & set(panel)
        full = [index[x] for x in rep.kept + new_ids]
        if not rep.relaxation:
            assert panel_problems(inst, full) == []
    assert check(rep.instance).feasible


def test_replacement_of_everyone_is_a_fresh_selection():
    inst = make_instance(5, 20, 4, 2)
    pf = find_portfolio(inst, "leximin")
    panel = build_report(inst, pf, "a")["panel"]
    rep = replace_dropouts(inst, panel, panel)
    assert rep.instance.k == 4 and rep.instance.pool.n == 16
