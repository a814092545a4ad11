"""Quotas: for every value of every category, the fewest and most panel seats it may take.

Two file formats exist in the wild and both call different things "feature":

* Sortition Foundation: ``feature,value,min,max[,min_flex,max_flex]``
  (feature = category);
* Flanigan et al.: ``category,feature,min,max`` (feature = value).

The header tells them apart. Names are matched after trimming and case-folding,
but the spelling of the quota file is what the reports show.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from .errors import Problem, raise_if_errors


def norm(text: object) -> str:
    """Matching key for names and values: trimmed and case-folded."""
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return ""
    return " ".join(str(text).split()).casefold()


@dataclass(frozen=True)
class Quota:
    """Target for one value of one category (seats on the panel)."""

    category: str
    value: str
    min: int
    max: int
    min_flex: int | None = None
    max_flex: int | None = None


@dataclass(frozen=True)
class Quotas:
    """All targets, in file order; ``categories`` maps a category to its values."""

    quotas: tuple[Quota, ...]
    categories: dict[str, tuple[str, ...]] = field(init=False, compare=False)

    def __post_init__(self) -> None:
        cats: dict[str, list[str]] = {}
        for q in self.quotas:
            cats.setdefault(q.category, []).append(q.value)
        object.__setattr__(self, "categories", {c: tuple(v) for c, v in cats.items()})

    def __iter__(self):
        return iter(self.quotas)

    def __len__(self) -> int:
        return len(self.quotas)

    def get(self, category: str, value: str) -> Quota:
        for q in self.quotas:
            if q.category == category and q.value == value:
                return q
        raise KeyError((category, value))

    def with_bounds(self, bounds: dict[tuple[str, str], tuple[int, int]]) -> Quotas:
        """A copy with some (min, max) replaced, e.g. after a relaxation."""
        new = []
        for q in self.quotas:
            if (q.category, q.value) in bounds:
                lo, hi = bounds[(q.category, q.value)]
                q = replace(q, min=int(lo), max=int(hi))
            new.append(q)
        return Quotas(tuple(new))

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            [(q.category, q.value, q.min, q.max, q.min_flex, q.max_flex) for q in self.quotas],
            columns=["feature", "value", "min", "max", "min_flex", "max_flex"],
        )

    def canonical(self) -> list[list]:
        """Sorted plain lists for hashing (see ``report.canonical_inputs``)."""
        return sorted(
            [q.category, q.value, q.min, q.max, q.min_flex, q.max_flex] for q in self.quotas
        )


def read_table(source: str | Path | pd.DataFrame) -> pd.DataFrame:
    """Read a CSV or XLSX file (or take a DataFrame) with every cell as text."""
    if isinstance(source, pd.DataFrame):
        return source.copy()
    path = Path(source)
    if path.suffix.lower() in (".xlsx", ".xlsm", ".xls"):
        return pd.read_excel(path, dtype=str, keep_default_na=False)
    return pd.read_csv(path, dtype=str, keep_default_na=False, skipinitialspace=True)


def _int_cell(text: object) -> int | None:
    s = "" if text is None else str(text).strip()
    if s == "" or s.lower() == "nan":
        return None
    try:
        f = float(s)
    except ValueError:
        raise ValueError(s) from None
    if not f.is_integer():
        raise ValueError(s)
    return int(f)


def parse_quotas(source: str | Path | pd.DataFrame) -> tuple[Quotas, list[Problem]]:
    """Parse without raising: the quotas that could be read, and every problem found."""
    problems: list[Problem] = []
    df = read_table(source)
    cols = {norm(c): c for c in df.columns}
    if {"feature", "value", "min", "max"} <= cols.keys():
        cat_col, val_col = cols["feature"], cols["value"]
    elif {"category", "feature", "min", "max"} <= cols.keys():
        cat_col, val_col = cols["category"], cols["feature"]
    else:
        problems.append(Problem(
            "quotas", f"unrecognised header {list(df.columns)}",
            "use 'feature,value,min,max[,min_flex,max_flex]' or 'category,feature,min,max'",
        ))
        return Quotas(()), problems
    quotas: list[Quota] = []
    seen: dict[tuple[str, str], int] = {}
    cat_spelling: dict[str, str] = {}
    for i, rec in enumerate(df.to_dict("records")):
        row = i + 2
        cat = " ".join(str(rec[cat_col]).split())
        val = " ".join(str(rec[val_col]).split())
        if not cat or not val:
            problems.append(Problem("quotas", "empty category or value", "fill in both",
                                    row=row))
            continue
        cat = cat_spelling.setdefault(norm(cat), cat)
        bounds: dict[str, int | None] = {}
        ok = True
        for name in ("min", "max", "min_flex", "max_flex"):
            if name not in cols:
                bounds[name] = None
                continue
            try:
                bounds[name] = _int_cell(rec[cols[name]])
            except ValueError as exc:
                problems.append(Problem("quotas", f"{name} '{exc}' is not a whole number",
                                        "write a whole number of seats", row, name))
                ok = False
        for name in ("min", "max"):
            if ok and bounds[name] is None:
                problems.append(Problem("quotas", f"{name} is empty", "write a whole number",
                                        row, name))
                ok = False
        key = (norm(cat), norm(val))
        if not ok:  # keep the value so the pool can still be checked against it
            if key not in seen:
                seen[key] = row
                quotas.append(Quota(cat, val, 0, 0))
            continue
        lo, hi, lo_f, hi_f = (bounds[n] for n in ("min", "max", "min_flex", "max_flex"))
        if lo < 0:
            problems.append(Problem("quotas", f"min {lo} is negative", "use 0 or more",
                                    row, "min"))
        if lo > hi:
            problems.append(Problem("quotas", f"min {lo} is greater than max {hi} for "
                                    f"{cat} = {val}", "lower min or raise max", row, "min"))
        if lo_f is not None and lo_f > lo:
            problems.append(Problem("quotas", f"min_flex {lo_f} is above min {lo}",
                                    "min_flex must be at most min", row, "min_flex"))
        if hi_f is not None and hi_f < hi:
            problems.append(Problem("quotas", f"max_flex {hi_f} is below max {hi}",
                                    "max_flex must be at least max", row, "max_flex"))
        if key in seen:
            problems.append(Problem("quotas", f"{cat} = {val} appears twice (rows {seen[key]} "
                                    f"and {row})", "keep one row per value", row))
            continue
        seen[key] = row
        quotas.append(Quota(cat, val, lo, hi, lo_f, hi_f))
    if not quotas and not problems:
        problems.append(Problem("quotas", "the quota file has no rows", "add one row per value"))
    return Quotas(tuple(quotas)), problems


def load_quotas(source: str | Path | pd.DataFrame) -> Quotas:
    """Load a quota file (CSV/XLSX path or DataFrame); raise InputError listing all problems."""
    quotas, problems = parse_quotas(source)
    raise_if_errors(problems)
    return quotas
