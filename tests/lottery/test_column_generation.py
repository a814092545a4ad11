"""Column generation internals: exchanges keep panels valid; the compact bound is met."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from lottery_helpers import make_instance

from lottery import load_instance
from lottery.compress import compress
from lottery.exchange import Exchanger
from lottery.leximin import CompactLP, find_leximin
from lottery.milp import PanelSolver

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))


@pytest.mark.parametrize("seed", range(8))
def test_exchanges_keep_panels_valid_and_never_lose_weight(seed):
    inst = make_instance(seed, 40, 8, 3, households=seed % 2 == 0, tight=False)
    ts = compress(inst)
    x = PanelSolver(ts).any_panel()
    assert x is not None
    ex = Exchanger(ts)
    rng = np.random.default_rng(seed)
    for _ in range(5):
        w = rng.random(ts.n_types)
        y = ex.ascend(x, w, rounds=3)
        assert ts.panel_ok(y)
        assert w @ y >= w @ x - 1e-12
        x = y


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
