"""Targets from census shares: the seats each value should get on a panel of k.

``min = floor(share * k)`` and ``max = ceil(share * k)`` keep the panel as close to the
population as whole seats allow. Groups too small to earn a seat can be given a floor
(``min_small``, 1 or 2 seats) so that they are heard at all; the bounds are then
repaired so each category can still add up to exactly k.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from .errors import Problem, raise_if_errors
from .quotas import Quota, Quotas, norm, read_table

Shares = dict[str, dict[str, float]]


def parse_census(source: str | Path | pd.DataFrame) -> tuple[Shares, list[Problem]]:
    """Read ``category,value,share`` rows (share as a fraction or a percentage)."""
    problems: list[Problem] = []
    df = read_table(source)
    cols = {norm(c): c for c in df.columns}
    missing = [c for c in ("category", "value", "share") if c not in cols]
    if missing:
        problems.append(Problem("census", f"missing column(s): {', '.join(missing)}",
                                "the header must be category,value,share"))
        return {}, problems
    shares: Shares = {}
    for i, rec in enumerate(df.to_dict("records")):
        row = i + 2
        cat = " ".join(str(rec[cols["category"]]).split())
        val = " ".join(str(rec[cols["value"]]).split())
        raw = str(rec[cols["share"]]).strip().rstrip("%")
        try:
            share = float(raw)
            if not math.isfinite(share) or share < 0:
                raise ValueError
        except ValueError:
            problems.append(Problem("census", f"share '{raw}' is not a number >= 0",
                                    "write e.g. 0.25 or 25%", row, "share"))
            continue
        if val in shares.setdefault(cat, {}):
            problems.append(Problem("census", f"{cat} = {val} appears twice", "keep one",
                                    row))
        shares[cat][val] = share
    return shares, problems


def targets(shares: Shares | pd.DataFrame | str | Path, k: int, min_small: int = 0) -> Quotas:
    """Quotas for a panel of ``k`` from population shares per category.

    Shares in each category are rescaled to sum to 1 (percentages are fine). A value
    whose share earns fewer than ``min_small`` seats gets ``min_small`` as its min.
    The result satisfies ``sum(min) <= k <= sum(max)`` in every category.
    """
    if not isinstance(shares, dict):
        shares, problems = parse_census(shares)
        raise_if_errors(problems)
    if k <= 0:
        raise_if_errors([Problem("options", f"panel size {k} must be positive", "")])
    out: list[Quota] = []
    for cat, values in shares.items():
        total = sum(values.values())
        if total <= 0:
            raise_if_errors([Problem("census", f"shares of '{cat}' add up to 0",
                                     "give positive shares")])
        exact = {v: s / total * k for v, s in values.items()}
        lo = {v: math.floor(e + 1e-9) for v, e in exact.items()}
        hi = {v: math.ceil(e - 1e-9) for v, e in exact.items()}
        for v in values:
            if min_small and lo[v] < min_small:
                lo[v] = min(min_small, k)
                hi[v] = max(hi[v], lo[v])
        # repair: the mins must fit in k -> lower the largest mins that were not raised
        while sum(lo.values()) > k:
            v = max((x for x in lo if lo[x] > 0), key=lambda x: (lo[x] - exact[x] <= 0, lo[x]))
            lo[v] -= 1
        while sum(hi.values()) < k:
            v = max(hi, key=lambda x: exact[x] - hi[x])
            hi[v] += 1
        for v in values:
            out.append(Quota(cat, v, lo[v], hi[v]))
    return Quotas(tuple(out))
