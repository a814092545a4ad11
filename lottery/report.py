"""The selection report: everything an observer needs to check a run.

``report.json`` is for machines (and for ``verify``); ``summary.md`` is for people.
The input hash covers a canonical JSON form of the inputs (see ``lottery/DRAW.md``),
so re-ordering rows or changing letter case in the files does not change it, while
any change to a quota, a volunteer's values, an id, k or the options does.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import numpy as np

from ._version import __version__
from .compress import value_matrix
from .draw import TOTAL, draw_index, draw_number, fixed_weights
from .pool import Instance
from .portfolio import Portfolio

FORMAT = "civic-lottery-report/1"


def dumps_canonical(obj: object) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False
                      ).encode("utf-8")


def canonical_inputs(instance: Instance, options: dict) -> dict:
    """Plain-data form of the inputs that the hash covers."""
    pool = instance.pool
    cats = list(instance.quotas.categories.items())
    hh_label = [""] * pool.n
    if instance.household_rule and pool.has_households:
        groups: dict[int, list[int]] = {}
        for i, h in enumerate(pool.households):
            if h >= 0:
                groups.setdefault(int(h), []).append(i)
        for members in groups.values():
            if len(members) > 1:
                label = min(pool.ids[i] for i in members)
                for i in members:
                    hh_label[i] = label
    people = sorted(
        [pool.ids[i], {c: vals[int(pool.codes[i, j])] for j, (c, vals) in enumerate(cats)},
         hh_label[i]] for i in range(pool.n))
    return {
        "format": "civic-lottery-inputs/1",
        "k": instance.k,
        "options": {"household_rule": instance.household_rule, **options},
        "pool": people,
        "quotas": instance.quotas.canonical(),
    }


def input_hash(instance: Instance, options: dict) -> str:
    return hashlib.sha256(dumps_canonical(canonical_inputs(instance, options))).hexdigest()


def quota_table(instance: Instance, panel: list[int] | None,
                population: dict[tuple[str, str], float] | None = None) -> list[dict]:
    """Per value: min, max, pool count, selected count, panel share, population share."""
    pool_counts = value_matrix(instance, instance.pool.codes).sum(axis=1)
    if panel is not None and len(panel):
        sel = value_matrix(instance, instance.pool.codes[np.asarray(panel)]).sum(axis=1)
    else:
        sel = np.zeros(len(pool_counts), dtype=int)
    rows = []
    for q, pc, sc in zip(instance.quotas, pool_counts, sel, strict=True):
        rows.append({
            "category": q.category, "value": q.value, "min": q.min, "max": q.max,
            "pool": int(pc), "selected": int(sc),
            "panel_share": round(int(sc) / instance.k, 6) if panel is not None else None,
            "population_share": (population or {}).get((q.category, q.value)),
        })
    return rows


def build_report(instance: Instance, portfolio: Portfolio, seed: str, *,
                 seed_source: str = "given", options: dict | None = None,
                 transparent: dict | None = None, number: int | None = None,
                 population: dict[tuple[str, str], float] | None = None,
                 timings: dict | None = None, warnings: list[str] | None = None,
                 extra: dict | None = None) -> dict:
    """Draw with ``seed`` and assemble the report (a JSON-ready dict).

    ``transparent`` is the result of :func:`lottery.transparent_lottery` (as a dict with
    ``panels`` = portfolio indices); with it the draw is a number in 0..M-1, given as
    ``number`` or derived from the seed.
    """
    options = dict(options or {})
    options.setdefault("algorithm", portfolio.algorithm)
    ids = instance.pool.ids
    pf = portfolio.canonical(ids)
    weights = fixed_weights(pf.probs)
    if transparent is not None:
        m = len(transparent["panels"])
        num = draw_number(m, seed) if number is None else int(number)
        if not 0 <= num < m:
            raise ValueError(f"number {num} is not between 0 and {m - 1}")
        chosen = int(transparent["panels"][num])
        draw = {"method": "transparent", "M": m, "number": num, "panel_index": chosen,
                "number_source": "seed" if number is None else "given"}
    else:
        chosen, r = draw_index(weights, seed)
        draw = {"method": "sha256-weights-1e9", "r": r, "panel_index": chosen}
    panel = list(pf.panels[chosen])
    probs = pf.probabilities()
    k, n = instance.k, instance.pool.n
    summary = {
        "n": n, "k": k, "k_over_n": k / n,
        "min_probability": float(probs.min()), "max_probability": float(probs.max()),
        "lp_bound_min_probability": None if np.isnan(pf.lp_bound) else float(pf.lp_bound),
        "below_half_k_over_n": int((probs < 0.5 * k / n - 1e-12).sum()),
        "portfolio_size": len(pf.panels),
    }
    report = {
        "format": FORMAT,
        "library_version": __version__,
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "algorithm": portfolio.algorithm,
        "inputs": {"sha256": input_hash(instance, options), "k": k, "n": n,
                   "options": options, "household_columns": list(instance.household_columns),
                   "id_column": instance.id_column},
        "seed": seed,
        "seed_source": seed_source,
        "draw": draw,
        "panel": sorted(ids[i] for i in panel),
        "summary": summary,
        "quota_table": quota_table(instance, panel, population),
        "probabilities": {ids[i]: float(probs[i]) for i in sorted(range(n), key=ids.__getitem__)},
        "portfolio": [{"index": j, "members": [ids[i] for i in p], "probability": float(q),
                       "weight": w}
                      for j, (p, q, w) in enumerate(zip(pf.panels, pf.probs, weights,
                                                        strict=True))],
        "weight_total": TOTAL,
        "stats": _jsonable(pf.stats),
        "timings": timings or {},
        "warnings": list(warnings or []),
    }
    never = int((probs <= 1e-12).sum())
    if never and portfolio.algorithm in ("leximin", "maximin", "goldilocks"):
        report["warnings"].append(f"{never} volunteer(s) can sit on no valid panel: the "
                                  "quotas exclude them (probability 0)")
    if transparent is not None:
        report["transparent"] = transparent
    if extra:
        report.update(extra)
    return report


def _jsonable(obj: object) -> object:
    if isinstance(obj, dict):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, np.floating):
        return float(obj)
    return obj


def summary_markdown(report: dict) -> str:
    """A short human-readable summary of a report."""
    s = report["summary"]
    lines = [
        "# Selection report", "",
        f"- Algorithm: **{report['algorithm']}** (lottery library {report['library_version']})",
        f"- Pool: {s['n']} volunteers; panel size: {s['k']} (k/n = {s['k_over_n']:.4f})",
        f"- Input hash (SHA-256): `{report['inputs']['sha256']}`",
        f"- Seed: `{report['seed']}` ({report['seed_source']})",
        f"- Draw: {report['draw']}",
        f"- Selection probability: lowest {s['min_probability']:.6f}, highest "
        f"{s['max_probability']:.6f}",
    ]
    if s.get("lp_bound_min_probability") is not None:
        lines.append(f"- Highest possible lowest probability (LP bound): "
                     f"{s['lp_bound_min_probability']:.6f}")
    lines += [f"- Volunteers below half of k/n: {s['below_half_k_over_n']}",
              f"- Panels in the portfolio: {s['portfolio_size']}"]
    if "transparent" in report:
        t = report["transparent"]
        lines.append(f"- Transparent lottery: {t['M']} numbered panels, largest change in "
                     f"anyone's probability {t['max_change']:.6f}")
    lines += ["", "## Panel", "", ", ".join(report["panel"]), "", "## Quotas", "",
              "| category | value | min | max | pool | selected | panel share | population |",
              "|---|---|---|---|---|---|---|---|"]
    for r in report["quota_table"]:
        pop = "" if r["population_share"] is None else f"{r['population_share']:.3f}"
        lines.append(f"| {r['category']} | {r['value']} | {r['min']} | {r['max']} | "
                     f"{r['pool']} | {r['selected']} | {r['panel_share']:.3f} | {pop} |")
    if report["warnings"]:
        lines += ["", "## Warnings", ""] + [f"- {w}" for w in report["warnings"]]
    lines += ["", "To check this draw, see DRAW.md (SHA-256 of the seed, weights out of 10^9)."]
    return "\n".join(lines) + "\n"
