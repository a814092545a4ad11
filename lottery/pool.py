"""The pool of volunteers, checked against the quotas and turned into integer codes.

Each volunteer becomes one row of value codes (index into the quota file's values for
each category), so the algorithms never compare strings. Households are compared
after normalising case, whitespace and punctuation, because the same address is typed
in many ways.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import Problem, raise_if_errors
from .quotas import Quotas, norm, parse_quotas, read_table


def household_key(parts: list[object]) -> str:
    """Normalise address parts: case-fold, drop punctuation, squeeze whitespace."""
    out = []
    for p in parts:
        s = unicodedata.normalize("NFKC", "" if p is None else str(p)).casefold()
        s = re.sub(r"[^\w\s]", " ", s)
        out.append(" ".join(s.split()))
    return "|".join(out) if any(out) else ""


@dataclass(frozen=True)
class Pool:
    """Volunteers: ``ids`` (text), ``codes`` (n x categories, value index per category,
    categories in quota-file order), ``households`` (household number per volunteer,
    -1 when none is known or the rule is off) and ``rows`` (spreadsheet row numbers)."""

    ids: tuple[str, ...]
    codes: np.ndarray
    households: np.ndarray
    rows: tuple[int, ...]
    household_keys: tuple[str, ...] = ()

    @property
    def n(self) -> int:
        return len(self.ids)

    @property
    def has_households(self) -> bool:
        return bool(len(self.households)) and bool((self.households >= 0).any())

    def index_of(self) -> dict[str, int]:
        return {pid: i for i, pid in enumerate(self.ids)}

    def subset(self, keep: np.ndarray) -> Pool:
        idx = np.flatnonzero(keep) if keep.dtype == bool else np.asarray(keep)
        return Pool(
            tuple(self.ids[i] for i in idx), self.codes[idx], self.households[idx],
            tuple(self.rows[i] for i in idx),
            tuple(self.household_keys[i] for i in idx) if self.household_keys else (),
        )


@dataclass(frozen=True)
class Instance:
    """Everything a selection run needs: quotas, pool, panel size ``k`` and the options
    that change the result (recorded in the input hash)."""

    quotas: Quotas
    pool: Pool
    k: int
    household_columns: tuple[str, ...] = ()
    id_column: str | None = None
    warnings: tuple[Problem, ...] = ()

    @property
    def household_rule(self) -> bool:
        return bool(self.household_columns) or self.pool.has_households


def parse_pool(
    source: str | Path | pd.DataFrame,
    quotas: Quotas,
    id_column: str | None = None,
    household_columns: list[str] | tuple[str, ...] = (),
) -> tuple[Pool, list[Problem]]:
    """Parse without raising: the pool (possibly partial) and every problem found."""
    problems: list[Problem] = []
    df = read_table(source)
    cols = {norm(c): c for c in df.columns}
    used: set[str] = set()
    # id column
    if id_column:
        id_col = cols.get(norm(id_column))
        if id_col is None:
            problems.append(Problem("pool", f"id column '{id_column}' not found",
                                    f"columns are: {', '.join(map(str, df.columns))}",
                                    column=id_column))
    else:
        id_col = cols.get("id")
    if id_col is not None:
        used.add(id_col)
        ids = [" ".join(str(v).split()) for v in df[id_col]]
    else:
        ids = [str(i + 1) for i in range(len(df))]
    first_row: dict[str, int] = {}
    for i, pid in enumerate(ids):
        if pid == "":
            problems.append(Problem("pool", "empty id", "give every volunteer an id",
                                    i + 2, id_col))
        elif pid in first_row:
            problems.append(Problem("pool", f"duplicate id '{pid}' (also row {first_row[pid]})",
                                    "ids must be unique", i + 2, id_col))
        else:
            first_row[pid] = i + 2
    # category columns
    codes = np.zeros((len(df), len(quotas.categories)), dtype=np.int32)
    for c, (cat, values) in enumerate(quotas.categories.items()):
        col = cols.get(norm(cat))
        if col is None:
            problems.append(Problem("pool", f"no column for quota category '{cat}'",
                                    f"add it, or check the spelling; columns are: "
                                    f"{', '.join(map(str, df.columns))}", column=cat))
            continue
        used.add(col)
        lookup = {norm(v): j for j, v in enumerate(values)}
        for i, cell in enumerate(df[col]):
            j = lookup.get(norm(cell))
            if j is None:
                shown = str(cell).strip()
                problems.append(Problem(
                    "pool", f"{'empty value' if not shown else repr(shown)} is not a value "
                    f"of '{cat}'", f"allowed values: {', '.join(values)}", i + 2, col))
            else:
                codes[i, c] = j
    # households
    hh = np.full(len(df), -1, dtype=np.int64)
    keys: list[str] = []
    hcols = []
    for h in household_columns:
        col = cols.get(norm(h))
        if col is None:
            problems.append(Problem("pool", f"household column '{h}' not found",
                                    f"columns are: {', '.join(map(str, df.columns))}",
                                    column=h))
        else:
            hcols.append(col)
            used.add(col)
    if hcols:
        numbers: dict[str, int] = {}
        for i, rec in enumerate(df[hcols].itertuples(index=False)):
            key = household_key(list(rec))
            keys.append(key)
            if key:
                hh[i] = numbers.setdefault(key, len(numbers))
    extra = [str(c) for c in df.columns if c not in used]
    if extra and quotas.categories:
        problems.append(Problem(
            "pool", f"columns not in the quotas are ignored: {', '.join(extra)}",
            "add a quota for any that should be a category", severity="warning"))
    for cat, values in quotas.categories.items():
        c = list(quotas.categories).index(cat)
        col = cols.get(norm(cat))
        if col is None:
            continue
        counts = np.bincount(codes[:, c], minlength=len(values))
        for j, v in enumerate(values):
            if counts[j] == 0 and quotas.get(cat, v).min > 0:
                problems.append(Problem("pool", f"nobody in the pool has {cat} = {v}, "
                                        f"but its min is {quotas.get(cat, v).min}",
                                        "lower the min or recruit", column=col,
                                        severity="warning"))
    pool = Pool(tuple(ids), codes, hh, tuple(range(2, len(df) + 2)), tuple(keys))
    return pool, problems


def load_pool(
    source: str | Path | pd.DataFrame,
    quotas: Quotas,
    id_column: str | None = None,
    household_columns: list[str] | tuple[str, ...] = (),
) -> Pool:
    """Load the pool (CSV/XLSX path or DataFrame) against ``quotas``; raise InputError."""
    pool, problems = parse_pool(source, quotas, id_column, household_columns)
    raise_if_errors(problems)
    return pool


def load_instance(
    quotas: str | Path | pd.DataFrame | Quotas,
    pool: str | Path | pd.DataFrame | Pool,
    k: int,
    id_column: str | None = None,
    household_columns: list[str] | tuple[str, ...] = (),
) -> Instance:
    """Load and check quotas, pool and panel size together, reporting every problem at once."""
    problems: list[Problem] = []
    if isinstance(quotas, Quotas):
        q = quotas
    else:
        q, qp = parse_quotas(quotas)
        problems += qp
    if isinstance(pool, Pool):
        p = pool
    else:
        p, pp = parse_pool(pool, q, id_column, household_columns)
        problems += pp
    try:
        k_int = int(k)
        if k_int != k:
            raise ValueError
    except (TypeError, ValueError):
        problems.append(Problem("options", f"panel size {k!r} is not a whole number",
                                "give a whole number"))
        k_int = 0
    else:
        if k_int <= 0:
            problems.append(Problem("options", f"panel size {k_int} must be positive",
                                    "give a panel size of 1 or more"))
        elif k_int > p.n:
            problems.append(Problem("options", f"panel size {k_int} is larger than the pool "
                                    f"({p.n} volunteers)", "recruit more or lower the size"))
    raise_if_errors(problems)
    return Instance(q, p, k_int, tuple(household_columns), id_column,
                    tuple(x for x in problems if x.severity == "warning"))
