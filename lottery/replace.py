"""Replacements for panel members who drop out.

This is LEXIMIN again on a smaller problem: the pool is everyone not on the panel (and,
with the household rule, not living with a member who stays); the panel size is the
number of drop-outs; each quota is reduced by the members who stay. If no set of
replacements can complete the panel, the quotas are relaxed by the fewest seats
(within the flex bounds when given) and the relaxation is reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from .feasibility import minimal_relaxation
from .leximin import Progress
from .pool import Instance
from .portfolio import Portfolio
from .quotas import Quota, Quotas
from .select import find_portfolio


@dataclass
class Replacement:
    """The reduced problem, its portfolio and any relaxation of the (reduced) quotas."""

    instance: Instance
    portfolio: Portfolio
    kept: list[str]
    dropouts: list[str]
    relaxation: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def reduced_instance(instance: Instance, panel: list[str], dropouts: list[str]
                     ) -> tuple[Instance, list[str], list[str]]:
    """(remaining-pool instance, kept ids, warnings)."""
    index = instance.pool.index_of()
    unknown = [d for d in list(panel) + list(dropouts) if d not in index]
    if unknown:
        raise ValueError(f"ids not in the pool: {', '.join(unknown)}")
    not_on = [d for d in dropouts if d not in panel]
    if not_on:
        raise ValueError(f"not on the panel: {', '.join(not_on)}")
    kept = [p for p in panel if p not in set(dropouts)]
    kept_idx = np.array([index[p] for p in kept], dtype=np.int64)
    pool = instance.pool
    eligible = np.ones(pool.n, dtype=bool)
    eligible[[index[p] for p in panel]] = False
    if instance.household_rule and len(kept_idx):
        hh = pool.households[kept_idx]
        eligible &= ~np.isin(pool.households, hh[hh >= 0])
    warnings = []
    new_q = []
    cats = list(instance.quotas.categories)
    for q in instance.quotas:
        c = cats.index(q.category)
        j = instance.quotas.categories[q.category].index(q.value)
        have = int((pool.codes[kept_idx, c] == j).sum()) if len(kept_idx) else 0
        if have > q.max:
            warnings.append(f"the members who stay already exceed max for {q.category} = "
                            f"{q.value} ({have} > {q.max})")
        new_q.append(Quota(q.category, q.value, max(0, q.min - have), max(0, q.max - have),
                           None if q.min_flex is None else max(0, q.min_flex - have),
                           None if q.max_flex is None else max(0, q.max_flex - have)))
    sub = replace(instance, quotas=Quotas(tuple(new_q)), pool=pool.subset(eligible),
                  k=len(dropouts), warnings=())
    return sub, kept, warnings


def replace_dropouts(instance: Instance, panel: list[str], dropouts: list[str],
                     algorithm: str = "leximin", progress: Progress | None = None
                     ) -> Replacement:
    """Fair replacements for ``dropouts`` so that the completed panel meets the quotas."""
    from .feasibility import check
    sub, kept, warnings = reduced_instance(instance, panel, dropouts)
    if sub.k == 0:
        raise ValueError("no drop-outs given")
    if sub.k > sub.pool.n:
        raise ValueError(f"only {sub.pool.n} eligible volunteers for {sub.k} places")
    relaxation: list[dict] = []
    if not check(sub, explain=False).feasible:
        bounds, _ = minimal_relaxation(sub, use_flex=True)
        if bounds is None:
            bounds, _ = minimal_relaxation(sub, use_flex=False)
            warnings.append("the relaxation goes beyond the flex bounds")
        if bounds is None:
            raise ValueError("no replacements can complete the panel, even with relaxed quotas")
        for q in sub.quotas:
            new = bounds[(q.category, q.value)]
            if new != (q.min, q.max):
                relaxation.append({"category": q.category, "value": q.value,
                                   "min": q.min, "max": q.max,
                                   "new_min": new[0], "new_max": new[1]})
        sub = replace(sub, quotas=sub.quotas.with_bounds(bounds))
    pf = find_portfolio(sub, algorithm, progress)
    return Replacement(sub, pf, kept, list(dropouts), relaxation, warnings)
