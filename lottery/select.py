"""One entry point for every selection algorithm: ``find_portfolio``.

Every algorithm returns a :class:`~lottery.portfolio.Portfolio` whose panels have been
checked exactly against the quotas and the household rule.
"""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np

from .compress import TypeSpace, compress
from .leximin import Progress, TypePortfolio, find_leximin
from .portfolio import Portfolio, check_portfolio, clean, expand

ALGORITHMS = ("leximin", "maximin", "goldilocks", "legacy", "uniform")


def _noop(_f: float, _m: str) -> None:
    return None


def find_portfolio(instance, algorithm: str = "leximin", progress: Progress | None = None,
                   *, legacy_runs: int = 1000, seed: int = 0, gamma: float = 1.0,
                   time_limit: float | None = None) -> Portfolio:
    """Distribution over valid panels for ``instance`` chosen by ``algorithm``.

    ``legacy_runs``/``seed`` drive the Monte-Carlo estimate of LEGACY, ``gamma`` weighs
    GOLDILOCKS' lower term. Raises ``ValueError`` if no valid panel exists.
    """
    if algorithm not in ALGORITHMS:
        raise ValueError(f"unknown algorithm {algorithm!r}; choose one of {ALGORITHMS}")
    progress = progress or _noop
    started = time.perf_counter()
    if algorithm == "uniform":
        portfolio = _uniform(instance, progress)
    else:
        ts = compress(instance)
        if algorithm in ("leximin", "maximin"):
            tp = find_leximin(ts, levels=algorithm == "leximin", progress=progress,
                              time_limit=time_limit)
        elif algorithm == "goldilocks":
            from .goldilocks import find_goldilocks
            tp = find_goldilocks(ts, gamma=gamma, progress=progress)
        else:
            from .legacy import find_legacy
            panels, freq, stats = find_legacy(ts, legacy_runs, seed, progress)
            tp = TypePortfolio(panels, freq, float("nan"), stats)
        portfolio = _to_individuals(ts, tp, instance.pool.n)
    portfolio.algorithm = algorithm
    portfolio.stats["seconds"] = round(time.perf_counter() - started, 3)
    problems = check_portfolio(without_quotas(instance) if algorithm == "uniform"
                               else instance, portfolio)
    if problems:  # never hand out an invalid panel
        raise RuntimeError("internal error, invalid portfolio: " + "; ".join(problems[:5]))
    progress(1.0, f"{algorithm}: {len(portfolio.panels)} panels")
    return portfolio


def _to_individuals(ts: TypeSpace, tp: TypePortfolio, n: int) -> Portfolio:
    for x in tp.panels:
        if not ts.panel_ok(np.asarray(x, dtype=np.int64)):
            raise RuntimeError("internal error: a type panel breaks a quota")
    panels, probs = expand(ts, tp)
    stats = dict(tp.stats)
    stats["type_panels"] = len(tp.probs)
    return Portfolio(panels, probs, n, lp_bound=tp.lp_bound, stats=stats)


def without_quotas(instance):
    """The same instance with no quotas (for the uniform lottery)."""
    from .quotas import Quotas
    return replace(instance, quotas=Quotas(()), pool=replace(
        instance.pool, codes=np.zeros((instance.pool.n, 0), dtype=np.int32)))


def _uniform(instance, progress: Progress) -> Portfolio:
    """Quotas ignored. Without households: windows (exactly k/n each). With the household
    rule: LEXIMIN with no quotas (the fairest lottery that respects households)."""
    from .legacy import uniform_windows
    n, k = instance.pool.n, instance.k
    bare = without_quotas(instance)
    if instance.household_rule and instance.pool.has_households:
        ts = compress(bare)
        return _to_individuals(ts, find_leximin(ts, progress=progress), n)
    panels = uniform_windows(instance.pool.ids, k, "uniform")
    panels, probs = clean(panels, np.full(len(panels), 1.0 / len(panels)))
    return Portfolio(panels, probs, n, lp_bound=k / n, stats={"windows": n})
