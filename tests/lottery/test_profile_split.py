"""The fast path for large pools: the relaxation's leximin profile, split into panels,
realised by the master. It must give exactly the leximin the slow path gives."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from lottery_helpers import make_instance

import lottery.leximin as lex
from lottery import load_instance
from lottery.compact import relaxed_profile, split_profile
from lottery.compress import compress
from lottery.milp import PanelSolver
from lottery.rounding import Rounder

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))


def _generated(n: int, k: int, cats: int):
    from lottery_pools import generate
    q, p = generate(n, k, cats, seed=n)
    return compress(load_instance(q, p, k, id_column="id", household_columns=("address",)))


@pytest.mark.parametrize("seed", range(4))
def test_split_panels_are_valid_and_add_up_to_no_more_than_the_profile(seed):
    ts = compress(make_instance(seed, 60, 10, 3, households=True, tight=False))
    m = relaxed_profile(ts)
    assert m is not None and m.sum() == pytest.approx(ts.k)
    panels, weights, left = split_profile(ts, m, float("inf"), np.random.default_rng(seed))
    assert panels and all(ts.panel_ok(x) for x in panels)
    assert (weights >= 0).all() and weights.sum() + left == pytest.approx(1.0)
    # the share left over is a point of the relaxation: what the panels give never
    # exceeds the profile
    assert (weights @ np.array(panels) <= m + 1e-7).all()


def test_rounding_keeps_the_one_seat_a_household_must_keep():
    ts = compress(make_instance(3, 60, 10, 3, households=True, tight=False))
    assert len(ts.households) >= 2
    solver = PanelSolver(ts)
    r = Rounder(ts)
    rng = np.random.default_rng(0)
    seated = np.zeros(len(ts.households), dtype=bool)
    seated[:2] = True
    r.set_bounds(np.zeros(ts.n_types), ts.sizes.astype(float), ts.lo, ts.hi, seated)
    found = 0
    for _ in range(20):
        w = rng.random(ts.n_types)
        solver.lp_value(w)
        xf = np.array(solver.lp.getSolution().col_value)
        x = r.round(xf, w)
        if x is None:
            continue
        found += 1
        assert ts.panel_ok(x)
        assert all(int(x[h].sum()) == 1 for h in ts.households[:2])
    assert found  # not vacuous


def test_the_realised_profile_is_the_same_leximin_as_level_by_level(monkeypatch):
    ts = _generated(300, 30, 8)
    slow = lex.find_leximin(ts, time_limit=300)
    monkeypatch.setattr(lex, "SPLIT_TYPES", 0)
    fast = lex.find_leximin(ts, time_limit=300)
    assert not slow.stats["stopped_early"] and not fast.stats["stopped_early"]
    assert fast.stats["split_panels"] > 0
    a, b = slow.type_probs(ts.sizes), fast.type_probs(ts.sizes)
    assert np.abs(np.sort(a) - np.sort(b)).max() < 1e-6
    assert np.abs(a - b).max() < 1e-6   # leximin's probabilities are unique
    assert fast.lp_bound == pytest.approx(b.min(), abs=1e-6)
    for x in fast.panels:
        assert ts.panel_ok(x)


def test_realise_refuses_a_profile_the_panels_cannot_give():
    ts = _generated(150, 20, 6)
    tp = lex.find_leximin(ts, levels=False, time_limit=60)
    master = lex.Master(ts)
    for x in tp.panels:
        master.add(x)
    have = tp.type_probs(ts.sizes)
    q = master.realise(have)
    assert q is not None and q.sum() == pytest.approx(1.0)
    got = (q @ np.array(master.columns)) / ts.sizes
    assert (got >= have - lex.REALISE_TOL).all()
    assert master.realise(np.minimum(have + 1e-3, 1.0)) is None


def test_one_cut_short_of_the_profile_asks_for_another(monkeypatch):
    """Start from a single cut of the profile: when its panels do not realise it, more
    cuts are made (up to MAX_SPLITS) and the answer is still the exact leximin."""
    ts = _generated(300, 30, 8)
    monkeypatch.setattr(lex, "SPLIT_TYPES", 0)
    monkeypatch.setattr(lex, "SPLITS", 1)
    cuts = []
    real_more = lex.Splits.more

    def counting_more(self, *args):
        panels = real_more(self, *args)
        cuts.append(len(panels))
        return panels

    monkeypatch.setattr(lex.Splits, "more", counting_more)
    fast = lex.find_leximin(ts, time_limit=300)
    assert len([c for c in cuts if c]) >= 2   # one cut alone did not realise the profile
    assert not fast.stats["stopped_early"]
    b = fast.type_probs(ts.sizes)
    assert fast.lp_bound == pytest.approx(b.min(), abs=1e-6)
    assert all(ts.panel_ok(x) for x in fast.panels)
