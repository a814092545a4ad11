"""Column generation internals: rounded panels are valid; the face holds the best panels;
the compact bound is met."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from lottery_helpers import make_instance

from lottery import load_instance
from lottery.compact import CompactLP
from lottery.compress import compress
from lottery.leximin import find_leximin
from lottery.milp import PanelSolver

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))


@pytest.mark.parametrize("seed", range(8))
def test_rounding_the_lp_optimum_gives_valid_panels_close_to_its_value(seed):
    inst = make_instance(seed, 40, 8, 3, households=seed % 2 == 0, tight=False)
    ts = compress(inst)
    solver = PanelSolver(ts)
    rng = np.random.default_rng(seed)
    for _ in range(5):
        w = rng.random(ts.n_types)
        x = solver.round_lp(w)
        if x is None:  # swaps can get stuck; the integer program takes over then
            continue
        assert ts.panel_ok(x)
        assert w @ x <= solver.lp_value(w) + 1e-9
        better = solver.rounder.ascend(x, w)
        assert ts.panel_ok(better) and w @ better >= w @ x - 1e-12


@pytest.mark.parametrize("seed", range(6))
def test_panels_on_the_optimal_face_are_worth_the_lp_optimum(seed):
    inst = make_instance(seed, 40, 8, 3, households=seed % 2 == 1, tight=False)
    ts = compress(inst)
    solver = PanelSolver(ts)
    w = np.random.default_rng(seed).random(ts.n_types)
    best = solver.lp_value(w)
    solver.set_face(solver.face(w))
    other = np.random.default_rng(seed + 100).random(ts.n_types)
    cols, _, _, _ = solver.columns(other, -1.0, 0.0)
    for _, x in cols:
        assert ts.panel_ok(x)
        assert w @ x == pytest.approx(best, abs=1e-7)  # every panel on the face is optimal
    solver.set_face(None)
    assert solver.lp_value(w) == pytest.approx(best)
    x, _, _ = solver.best(np.zeros(ts.n_types))
    assert x is not None and ts.panel_ok(x)


def test_maximin_meets_the_compact_bound_on_a_generated_pool():
    from lottery_pools import generate
    q, p = generate(150, 20, 6, seed=150)
    inst = load_instance(q, p, 20, id_column="id", household_columns=("address",))
    ts = compress(inst)
    tp = find_leximin(ts, levels=False, time_limit=60)
    assert not tp.stats["stopped_early"]
    low = tp.type_probs(ts.sizes).min()
    assert tp.lp_bound == pytest.approx(low, abs=1e-6)
    zc, _ = CompactLP(ts).solve()
    assert low <= zc + 1e-9
