"""Civic lottery: stratified selection of deliberative panels with known, fair chances.

Pure library (no web framework): load quotas and a pool, check the quotas can be met,
find a portfolio (a probability distribution over valid panels) with LEXIMIN or another
algorithm, draw one panel reproducibly from a seed, publish a report anyone can verify.

Typical use::

    inst = load_instance("features.csv", "people.csv", k=24, household_columns=["address"])
    if check(inst).feasible:
        pf = find_portfolio(inst, "leximin")
        report = build_report(inst, pf, seed="3-1-4-1-5")
"""

from ._version import __version__
from .draw import draw_index, draw_number, fixed_weights, new_seed, seed_integer
from .errors import InputError, Problem
from .feasibility import Feasibility, check, minimal_relaxation
from .pool import Instance, Pool, load_instance, load_pool, parse_pool
from .portfolio import Portfolio, check_portfolio, panel_problems
from .quotas import Quota, Quotas, load_quotas, parse_quotas
from .replace import Replacement, replace_dropouts
from .report import build_report, canonical_inputs, input_hash, quota_table, summary_markdown
from .select import ALGORITHMS, find_portfolio
from .targets import targets
from .transparent import TransparentLottery, transparent_lottery
from .verify import verify_report

replace = replace_dropouts


def select(instance: Instance, algorithm: str = "leximin", seed: str | None = None,
           progress=None, **options) -> dict:
    """Find the portfolio and draw a panel in one call; returns the report dict."""
    pf = find_portfolio(instance, algorithm, progress, **options)
    given = seed is not None
    return build_report(instance, pf, seed if given else new_seed(),
                        seed_source="given" if given else "generated",
                        warnings=[str(w) for w in instance.warnings])


def draw(report_or_weights, seed: str) -> int:
    """Position of the drawn panel: from integer weights, or a report's portfolio."""
    if isinstance(report_or_weights, dict):
        report_or_weights = [e["weight"] for e in report_or_weights["portfolio"]]
    return draw_index(list(report_or_weights), seed)[0]


__all__ = [
    "ALGORITHMS", "Feasibility", "InputError", "Instance", "Pool", "Portfolio", "Problem",
    "Quota", "Quotas", "Replacement", "TransparentLottery", "__version__", "build_report",
    "canonical_inputs", "check", "check_portfolio", "draw", "draw_index", "draw_number",
    "find_portfolio", "fixed_weights", "input_hash", "load_instance", "load_pool",
    "load_quotas", "minimal_relaxation", "new_seed", "panel_problems", "parse_pool",
    "parse_quotas", "quota_table", "replace", "replace_dropouts", "seed_integer", "select",
    "summary_markdown", "targets", "transparent_lottery", "verify_report",
]
