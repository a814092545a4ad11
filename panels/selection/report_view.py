"""The selection report as a person reads it: charts and tables from a run's stored report."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..charts import bar_chart, to_svg


def _histogram(probabilities: list[float], k_over_n: float) -> tuple[list[str], list[int]]:
    edges = np.linspace(0, max(max(probabilities), k_over_n * 2, 1e-9), 11)
    counts, _ = np.histogram(probabilities, bins=edges)
    labels = [f"{a:.1%}–{b:.1%}" for a, b in zip(edges[:-1], edges[1:], strict=True)]
    return labels, [int(c) for c in counts]


def build(run) -> dict:
    report = run.report
    summary = report["summary"]
    probabilities = list(report["probabilities"].values())
    labels, counts = _histogram(probabilities, summary["k_over_n"])
    by_category: dict[str, list[dict]] = {}
    for row in report["quota_table"]:
        by_category.setdefault(row["category"], []).append(row)
    charts = {}
    for category, rows in by_category.items():
        n, k = summary["n"], summary["k"]
        series = {"Panel": [r["selected"] / k for r in rows], "Pool": [r["pool"] / n for r in rows]}
        if all(r.get("population_share") is not None for r in rows):
            series["Census"] = [r["population_share"] for r in rows]
        charts[category] = to_svg(bar_chart([r["value"] for r in rows], series, title=category, percent=True),
                                  description=f"Shares of the panel, the pool and the population for {category}.")
    hist = to_svg(bar_chart(labels, {"Volunteers": counts}, title="Selection probabilities"),
                  description="How many volunteers had each range of selection probability.")
    legacy = report.get("legacy_comparison")
    return {"summary": summary, "by_category": by_category, "charts": charts, "histogram": hist,
            "histogram_rows": list(zip(labels, counts, strict=True)), "legacy": legacy,
            "lowest": sorted(report["probabilities"].items(), key=lambda kv: kv[1])[:5]}


def quotas_csv(run) -> str:
    return pd.DataFrame(run.snapshot["targets"]).to_csv(index=False)


def people_csv(panel, run) -> str:
    return pd.DataFrame(run.snapshot.get("people", [])).to_csv(index=False)
