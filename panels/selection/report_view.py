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


def drawings(run) -> dict:
    """The report's charts as reportlab Drawings (for the PDF) with their tables' data."""
    report = run.report
    summary = report["summary"]
    labels, counts = _histogram(list(report["probabilities"].values()), summary["k_over_n"])
    by_category: dict[str, list[dict]] = {}
    for row in report["quota_table"]:
        by_category.setdefault(row["category"], []).append(row)
    charts = {}
    for category, rows in by_category.items():
        n, k = summary["n"], summary["k"]
        series = {"Panel": [r["selected"] / k for r in rows], "Pool": [r["pool"] / n for r in rows]}
        if all(r.get("population_share") is not None for r in rows):
            series["Census"] = [r["population_share"] for r in rows]
        charts[category] = bar_chart([r["value"] for r in rows], series, title=category, percent=True)
    return {"summary": summary, "by_category": by_category, "charts": charts,
            "histogram": bar_chart(labels, {"Volunteers": counts}, title="Selection probabilities"),
            "histogram_rows": list(zip(labels, counts, strict=True)), "legacy": report.get("legacy_comparison")}


def build(run) -> dict:
    """The same, with the charts as inline SVG for the page."""
    view = drawings(run)
    view["charts"] = {c: to_svg(d, description=f"Shares of the panel, the pool and the population for {c}.")
                      for c, d in view["charts"].items()}
    view["histogram"] = to_svg(view["histogram"],
                               description="How many volunteers had each range of selection probability.")
    return view


def quotas_csv(run) -> str:
    return pd.DataFrame(run.snapshot["targets"]).to_csv(index=False)


def people_csv(panel, run) -> str:
    return pd.DataFrame(run.snapshot.get("people", [])).to_csv(index=False)
