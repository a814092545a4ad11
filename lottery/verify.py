"""Verify a published report against the input files.

Checks, in order: the input hash; that every panel in the portfolio meets every quota
and the household rule; that each volunteer's recorded probability is the sum over the
portfolio; that the integer weights add up; and that the draw from the recorded seed
gives the recorded panel. Optionally re-runs the algorithm and compares probabilities.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .draw import TOTAL, draw_index, draw_number
from .pool import load_instance
from .portfolio import panel_problems
from .quotas import Quotas
from .report import input_hash


def verify_report(report: dict, quotas: str | Path | pd.DataFrame | Quotas,
                  pool: str | Path | pd.DataFrame, rerun: bool = False,
                  tolerance: float = 1e-6) -> list[str]:
    """Differences between the report and what the inputs give (empty list: verified)."""
    diffs: list[str] = []
    inp = report.get("inputs", {})
    instance = load_instance(quotas, pool, int(inp.get("k", 0)),
                             id_column=inp.get("id_column"),
                             household_columns=tuple(inp.get("household_columns") or ()))
    options = inp.get("options", {})
    h = input_hash(instance, options)
    if h != inp.get("sha256"):
        diffs.append(f"input hash differs: report {inp.get('sha256')}, files give {h}")
    index = instance.pool.index_of()
    portfolio = report.get("portfolio", [])
    panels = []
    for entry in portfolio:
        unknown = [m for m in entry["members"] if m not in index]
        if unknown:
            diffs.append(f"portfolio panel {entry['index']} names unknown ids {unknown[:5]}")
            panels.append(None)
            continue
        panel = [index[m] for m in entry["members"]]
        panels.append(panel)
        if options.get("algorithm") != "uniform":
            for msg in panel_problems(instance, panel):
                diffs.append(f"portfolio panel {entry['index']} {msg}")
    weights = [int(e["weight"]) for e in portfolio]
    if sum(weights) != report.get("weight_total", TOTAL):
        diffs.append(f"weights add up to {sum(weights)}, not {report.get('weight_total')}")
    keys = [tuple(e["members"]) for e in portfolio]
    if keys != sorted(keys) or any(list(k) != sorted(k) for k in keys):
        diffs.append("portfolio is not in canonical order")
    probs = np.zeros(instance.pool.n)
    for entry, panel in zip(portfolio, panels, strict=True):
        if panel is not None:
            probs[panel] += float(entry["probability"])
    recorded = report.get("probabilities", {})
    bad = [pid for pid, i in index.items() if abs(recorded.get(pid, -1) - probs[i]) > 1e-9]
    if bad:
        diffs.append(f"{len(bad)} recorded probabilities differ from the portfolio "
                     f"(e.g. {bad[:3]})")
    # the draw
    draw = report.get("draw", {})
    seed = report.get("seed", "")
    if draw.get("method") == "transparent":
        t = report.get("transparent", {})
        num = draw.get("number") if draw.get("number_source") == "given" else draw_number(
            len(t.get("panels", [])), seed)
        chosen = int(t["panels"][num]) if t.get("panels") else -1
    else:
        chosen, _ = draw_index(weights, seed) if weights else (-1, 0)
    if chosen != draw.get("panel_index"):
        diffs.append(f"the seed draws panel {chosen}, the report says {draw.get('panel_index')}")
    drawn = sorted(portfolio[chosen]["members"]) if 0 <= chosen < len(portfolio) else None
    if drawn is not None and drawn != sorted(report.get("panel", [])):
        diffs.append("the recorded panel is not the drawn portfolio panel: "
                     f"drawn {drawn}, recorded {sorted(report.get('panel', []))}")
    if rerun and not diffs:
        from .select import find_portfolio
        pf = find_portfolio(instance, report.get("algorithm", "leximin"),
                            **{k: v for k, v in options.items()
                               if k in ("gamma", "legacy_runs", "seed")})
        again = pf.probabilities()
        worst = float(np.abs(again - probs).max())
        if worst > tolerance:
            diffs.append(f"re-running the algorithm changes a probability by {worst:.2e}")
    return diffs
