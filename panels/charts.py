"""Charts drawn once for both the page (inline SVG) and the PDF (reportlab Drawing).

Every chart is a reportlab `Drawing`: `to_svg` renders it for a web page (with a title,
a description and no inline styles, so the strict CSP holds), and a PDF report adds
the same Drawing to its story. Pages always show the numbers in a table beside it.
"""

from __future__ import annotations

import math
import re
import textwrap
from collections.abc import Sequence
from xml.sax.saxutils import escape

from markupsafe import Markup
from reportlab.graphics import renderSVG
from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.lineplots import LinePlot
from reportlab.graphics.charts.spider import SpiderChart
from reportlab.graphics.shapes import Drawing, Polygon, String
from reportlab.lib import colors

# A palette with enough contrast on white (WCAG 1.4.11 non-text contrast ≥ 3:1).
PALETTE = [colors.HexColor(c) for c in ("#005ea2", "#c05600", "#00756a", "#6b4fa0", "#ad1f3e", "#4d5d00")]
INK = colors.HexColor("#1b1b1b")
FONT = "Helvetica"


def bar_chart(labels: Sequence[str], series: dict[str, Sequence[float]], *, title: str,
              percent: bool = False, width: int = 560) -> Drawing:
    """Horizontal bars, one group per label, one bar per series (e.g. pool vs census)."""
    names = list(series)
    bar_height = 12 if len(names) > 1 else 16
    group = bar_height * len(names) + 8
    legend_space = 18 if len(names) > 1 else 0
    height = 40 + legend_space + group * max(1, len(labels))
    drawing = Drawing(width, height)
    chart = HorizontalBarChart()
    label_space = min(width // 2, 20 + 5 * max((len(str(label)) for label in labels), default=10))
    chart.x, chart.y = label_space, 24
    chart.width, chart.height = width - label_space - 30, group * max(1, len(labels))
    # reportlab draws the first category at the bottom; reverse so the list reads top-down.
    chart.data = [list(reversed([float(v) for v in series[name]])) for name in names] or [[0]]
    chart.categoryAxis.categoryNames = list(reversed([str(label) for label in labels]))
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 9
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.valueAxis.valueMin = 0
    top = max([max(v) for v in chart.data if len(v)] + [0.0001])
    chart.valueAxis.valueMax = min(1.0, top * 1.15) if percent else top * 1.15
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = 8
    if percent:
        chart.valueAxis.labelTextFormat = lambda v: f"{v * 100:.0f}%"
    elif all(v.is_integer() for values in chart.data for v in values):  # counts: whole-number ticks
        step = max(1, math.ceil(top * 1.15 / 5))
        chart.valueAxis.valueMax = step * max(1, math.ceil(top * 1.15 / step))
        chart.valueAxis.valueStep = step
        chart.valueAxis.labelTextFormat = "%d"
    chart.barWidth = bar_height
    chart.groupSpacing = 8
    chart.barSpacing = 0
    for i in range(len(names)):
        chart.bars[i].fillColor = PALETTE[i % len(PALETTE)]
        chart.bars[i].strokeColor = None
    drawing.add(chart)
    drawing.add(String(0, height - 14, title, fontName=FONT + "-Bold", fontSize=11, fillColor=INK))
    if len(names) > 1:
        legend = Legend()
        legend.x, legend.y = label_space, height - 24
        legend.alignment = "right"
        legend.columnMaximum = 1
        legend.fontName, legend.fontSize = FONT, 9
        legend.colorNamePairs = [(PALETTE[i % len(PALETTE)], name) for i, name in enumerate(names)]
        legend.deltax = max(90, 7 * max(len(n) for n in names) + 30)
        legend.dx = legend.dy = 8
        drawing.add(legend)
    drawing.__dict__["chart_title"] = title  # reportlab validates attributes; this one is ours
    return drawing


def line_chart(xs: Sequence[float], series: dict[str, Sequence[float]], *, title: str,
               x_labels: Sequence[str] = (), width: int = 560, height: int = 220) -> Drawing:
    """Lines over time (x is a day number); `x_labels` label the first and last points."""
    drawing = Drawing(width, height)
    plot = LinePlot()
    plot.x, plot.y, plot.width, plot.height = 50, 30, width - 80, height - 70
    points = [[(float(x), float(y)) for x, y in zip(xs, values, strict=True)] or [(0, 0)]
              for values in series.values()]
    plot.data = points or [[(0, 0)]]
    for i in range(len(plot.data)):
        plot.lines[i].strokeColor = PALETTE[i % len(PALETTE)]
        plot.lines[i].strokeWidth = 2
    plot.xValueAxis.labels.fontName = plot.yValueAxis.labels.fontName = FONT
    plot.xValueAxis.labels.fontSize = plot.yValueAxis.labels.fontSize = 8
    plot.yValueAxis.valueMin = 0
    if x_labels:
        plot.xValueAxis.valueSteps = [float(xs[0]), float(xs[-1])] if xs else None
        lookup = {float(x): label for x, label in zip(xs, x_labels, strict=True)}
        plot.xValueAxis.labelTextFormat = lambda v: lookup.get(float(v), "")
    drawing.add(plot)
    drawing.add(String(0, height - 14, title, fontName=FONT + "-Bold", fontSize=11, fillColor=INK))
    drawing.__dict__["chart_title"] = title  # reportlab validates attributes; this one is ours
    return drawing



class _ScaledSpider(SpiderChart):
    """A spider chart on a fixed scale (0..max_value), so 3 means 3 whatever the other scores are."""

    def normalizeData(self, outer=0.0):  # noqa: N802 - reportlab's name
        top = self.__dict__.get("max_value") or 1.0
        self._norm = top
        return [[min(max(float(e), 0.0), top) / top for e in row] for row in self.data]


def radar_chart(labels: Sequence[str], series: dict[str, Sequence[float]], *, title: str,
                max_value: float = 5, width: int = 560, height: int = 380) -> Drawing:
    """A radar (spider) chart: one spoke per label, one closed line per series, rings at each step."""
    drawing = Drawing(width, height)
    legend_space = 18 * len(series) if len(series) > 1 else 0
    size = min(width - 260, height - 70 - legend_space)
    cx, cy = width / 2, 20 + size / 2
    n = max(3, len(labels))
    for step in range(1, int(max_value) + 1):  # the scale's rings, labelled on the first spoke
        r = size / 2 * step / max_value
        points = []
        for i in range(n):
            angle = math.pi / 2 - 2 * math.pi * i / n
            points += [cx + r * math.cos(angle), cy + r * math.sin(angle)]
        drawing.add(Polygon(points, strokeColor=colors.HexColor("#a9aeb1"), strokeWidth=0.5, fillColor=None))
        drawing.add(String(cx + 3, cy + r - 9, str(step), fontName=FONT, fontSize=7, fillColor=INK))
    chart = _ScaledSpider()
    chart.__dict__["max_value"] = float(max_value)
    chart.x, chart.y, chart.width, chart.height = cx - size / 2, cy - size / 2, size, size
    chart.data = [[float(v) for v in values] for values in series.values()] or [[0.0] * n]
    chart.labels = [textwrap.fill(str(label), 22) for label in labels]  # long names on two lines
    chart.startAngle, chart.direction = 90, "clockwise"
    chart.spokes.strokeColor = colors.HexColor("#71767a")
    chart.spokeLabels.fontName, chart.spokeLabels.fontSize = FONT, 9
    chart.spokeLabels.fillColor = INK
    chart.spokeLabels.boxAnchor = "autox"  # labels sit outside the rim, away from the spoke
    chart.spokes.labelRadius = 1.06
    for i in range(len(chart.data)):
        chart.strands[i].strokeColor = PALETTE[i % len(PALETTE)]
        chart.strands[i].fillColor = None
        chart.strands[i].strokeWidth = 2
    drawing.add(chart)
    drawing.add(String(0, height - 14, title, fontName=FONT + "-Bold", fontSize=11, fillColor=INK))
    if len(series) > 1:
        legend = Legend()
        legend.x, legend.y = 0, height - 26
        legend.alignment = "right"
        legend.columnMaximum = len(series)
        legend.fontName, legend.fontSize = FONT, 9
        legend.colorNamePairs = [(PALETTE[i % len(PALETTE)], name) for i, name in enumerate(series)]
        legend.dx = legend.dy = 8
        drawing.add(legend)
    drawing.__dict__["chart_title"] = title  # reportlab validates attributes; this one is ours
    return drawing


_STYLE = re.compile(r'style="([^"]*)"')


def _style_to_attributes(match: re.Match) -> str:
    pairs = [p.split(":", 1) for p in match.group(1).split(";") if ":" in p]
    return " ".join(f'{k.strip()}="{escape(v.strip(), {chr(34): "&quot;"})}"' for k, v in pairs)


def to_svg(drawing: Drawing, *, description: str = "") -> Markup:
    """Inline SVG for a page: titled, described, scalable, and free of inline styles."""
    svg = renderSVG.drawToString(drawing)
    svg = svg[svg.index("<svg"):]
    svg = _STYLE.sub(_style_to_attributes, svg)
    title = escape(drawing.__dict__.get("chart_title") or "Chart")
    svg = re.sub(r"<title>.*?</title>", f"<title>{title}</title>", svg, count=1, flags=re.S)
    svg = re.sub(r"<desc>.*?</desc>", f"<desc>{escape(description)}</desc>", svg, count=1, flags=re.S)
    svg = svg.replace("<svg ", '<svg role="img" class="chart" ', 1)
    svg = re.sub(r'width="[\d.]+" height="[\d.]+" ', "", svg, count=1)
    return Markup(svg)  # noqa: S704 - built from our own drawing; labels are escaped by renderSVG
