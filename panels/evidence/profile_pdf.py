"""The printable capability report: the radar, each capability's score, reason and evidence, the timeline."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from reportlab.platypus import PageBreak, Spacer

from ..pdf import BODY, H1, H2, SMALL, chart, para, render, table
from .models import CONFIDENCE
from .profile import CapabilitySummary
from .profile_charts import radar, radar_description, timeline_chart, timeline_rows


def capability_report(organisation, summaries: list[CapabilitySummary], *,
                      indicator_name: Callable[[str], str] = str, today: date | None = None,
                      framework_name: str | None = None) -> bytes:
    """A PDF with the profile of one organisation; every chart has its numbers in a table."""
    today = today or date.today()
    story = [para(f"Capability report: {organisation.name}", H1),
             *([para(framework_name, H2)] if framework_name else []),
             para(f"Produced on {today:%d %B %Y}. Scores (1 to 5) come from the latest final assessment; "
                  "evidence comes from the evidence records. Panels contributed to these capabilities; "
                  "the records do not claim they caused them.", BODY),
             Spacer(1, 6),
             chart(radar(summaries), radar_description(summaries))]
    story.append(table(["Capability", "Score", "Assessed", "Records", "Panels"],
                       [[s.capability.name, s.score if s.score is not None else "Not scored",
                         f"{s.assessed_on:%d %b %Y}" if s.assessed_on else "", s.records, len(s.panels)]
                        for s in summaries]))
    warnings = [s.warning for s in summaries if s.warning]
    if warnings:
        story.append(para("Warnings", H2))
        story += [para(f"• {w}") for w in warnings]
    for s in summaries:
        story.append(para(s.capability.name, H2))
        story.append(para(s.capability.description, SMALL))
        if s.score is not None:
            story.append(para(f"Score: {s.score} out of 5 (assessed {s.assessed_on:%d %B %Y})."))
            story.append(para(f"Reason: {s.reason or 'not given'}"))
        else:
            story.append(para("Score: not scored in a final assessment yet."))
        confidence = "; ".join(f"{label} {s.by_confidence.get(key, 0)}" for key, label in CONFIDENCE.items())
        panels = ", ".join(f"{title} ({n})" for _pid, title, n in s.panels) or "none"
        story.append(para(f"Evidence: {s.records} records ({confidence}). Panels: {panels}."))
        if s.unpanelled:
            story.append(para(f"{s.unpanelled} records are not tied to a panel (organisation-wide)."))
        if s.warning:
            story.append(para(f"Warning: {s.warning}"))
        rows = []
        for indicator, records in s.indicators.items():
            latest = records[-1]
            value = "—" if latest.value is None else f"{latest.value:g} {latest.unit or ''}".strip()
            rows.append([indicator_name(indicator), value, f"{latest.observed_on:%d %b %Y}",
                         latest.panel_title or "Organisation-wide", len(records)])
        if rows:
            story.append(table(["Indicator", "Latest value", "Observed", "Panel", "Records"], rows))
    story.append(PageBreak())
    story.append(para("Trend", H2))
    drawing = timeline_chart(summaries)
    if drawing is None:
        story.append(para("No final assessment yet: the trend appears after the first one."))
    else:
        story.append(chart(drawing, "Scores of each capability by assessment date."))
        header, rows = timeline_rows(summaries)
        story.append(table(["Date", *header], [[f"{r[0]:%d %b %Y}", *["—" if v is None else v for v in r[1:]]]
                                              for r in rows]))
    return render(story, title=f"Capability report: {organisation.name}",
                  footer=f"{organisation.name} · capability report · {today:%d %B %Y}")
