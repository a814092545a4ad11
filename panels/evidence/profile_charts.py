"""The profile's two charts, drawn once for the page (SVG) and the PDF: the radar and the timeline."""

from __future__ import annotations

import textwrap

from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.lineplots import LinePlot
from reportlab.graphics.shapes import Drawing

from ..charts import FONT, PALETTE, line_chart, radar_chart
from .profile import CapabilitySummary, timeline


def radar_series(summaries: list[CapabilitySummary]) -> dict[str, list[float]]:
    """The latest scores and, when there is one, the previous assessment's (0 where not scored)."""
    latest = [float(s.score or 0) for s in summaries]
    series = {"Latest scores": latest}
    previous = []
    for s in summaries:
        earlier = [score for d, score in s.score_trend if s.assessed_on and d < s.assessed_on]
        previous.append(float(earlier[-1]) if earlier else None)
    if any(v is not None for v in previous):
        series["Previous assessment"] = [v if v is not None else 0.0 for v in previous]
    return series


def radar(summaries: list[CapabilitySummary], *, title: str = "Capability scores (1 to 5)") -> Drawing:
    return radar_chart([s.capability.name for s in summaries], radar_series(summaries), title=title)


def radar_description(summaries: list[CapabilitySummary]) -> str:
    parts = [f"{s.capability.name}: {s.score if s.score is not None else 'not scored'}" for s in summaries]
    return "Latest assessment scores out of 5. " + "; ".join(parts) + "."


def timeline_chart(summaries: list[CapabilitySummary]) -> Drawing | None:
    """Scores by assessment date, one line per capability; None before any final assessment."""
    dates, series = timeline(summaries)
    if not dates:
        return None
    origin = dates[0].toordinal()
    xs = [d.toordinal() - origin for d in dates]
    labels = [d.strftime("%b %Y") for d in dates]
    drawing = line_chart(xs, series, title="Scores by assessment date", x_labels=labels, width=360, height=240)
    for plot in (c for c in drawing.contents if isinstance(c, LinePlot)):  # the whole 1-5 scale, in steps of 1
        plot.yValueAxis.valueMin, plot.yValueAxis.valueMax, plot.yValueAxis.valueStep = 0, 5, 1
    # line_chart draws no legend; widen the drawing and name each line on the right.
    drawing.width = 560
    legend = Legend()
    legend.x, legend.y = 372, 200
    legend.alignment = "right"
    legend.columnMaximum = len(series)
    legend.fontName, legend.fontSize = FONT, 8
    legend.dx = legend.dy = 8
    legend.deltay = 14
    legend.colorNamePairs = [(PALETTE[i % len(PALETTE)], textwrap.shorten(name, 32, placeholder="…"))
                             for i, name in enumerate(series)]
    drawing.add(legend)
    return drawing


def timeline_rows(summaries: list[CapabilitySummary]) -> tuple[list, list]:
    """The timeline's text alternative: one row per assessment date, one column per capability."""
    dates = sorted({d for s in summaries for d, _ in s.score_trend})
    rows = []
    for d in dates:
        rows.append([d] + [dict(s.score_trend).get(d) for s in summaries])
    return [s.capability.name for s in summaries], rows
