"""The capability profile pages: the profile (radar, table, warnings), a capability's drill-down, the PDF."""

from __future__ import annotations

from flask import abort, g, make_response, render_template, url_for
from werkzeug.routing import BuildError

from ..access import access
from ..charts import bar_chart, to_svg
from .models import CONFIDENCE, SOURCES
from .profile import load
from .profile_charts import radar, radar_description, timeline_chart, timeline_rows
from .views import bp


def indicator_namer():
    """indicator key -> the mapping's name for it (read once per page); hand-entered ones as written."""
    from .mapping import indicator_names

    names = indicator_names()
    return lambda key: names.get(key) or key.replace("_", " ").capitalize()


def record_url(record_id: int) -> str | None:
    """The evidence record's own page (on the records pages of this blueprint)."""
    try:
        return url_for("evidence.record_detail", org_slug=g.organisation.slug, record_id=record_id)
    except BuildError:
        return None


def _common(**extra) -> dict:
    return {"organisation": g.organisation, "confidence_labels": CONFIDENCE, "source_labels": SOURCES,
            "record_url": record_url, **extra}


@bp.route("/o/<org_slug>/evidence/")
@access("evidence.view")
def profile(org_slug: str):
    summaries = load(g.organisation)
    timeline = timeline_chart(summaries)
    header, rows = timeline_rows(summaries)
    return render_template(
        "evidence/profile.html", summaries=summaries,
        radar=to_svg(radar(summaries), description=radar_description(summaries)),
        timeline=to_svg(timeline, description="Scores of each capability by assessment date; "
                                              "the table below gives the numbers.") if timeline else None,
        timeline_header=header, timeline_rows=rows, **_common())


@bp.route("/o/<org_slug>/evidence/capabilities/<capability>")
@access("evidence.view")
def capability(org_slug: str, capability: str):
    summary = next((s for s in load(g.organisation) if s.capability.key == capability), None)
    if summary is None:
        abort(404)
    indicator_name = indicator_namer()
    charts = {}
    for indicator, rows in summary.indicators.items():
        values = [r for r in rows if r.value is not None]
        if len(values) < 2:
            continue
        labels = [f"{r.panel_title or 'Organisation-wide'} ({r.observed_on:%b %Y})" for r in values]
        unit = values[-1].unit or ""
        drawing = bar_chart(labels, {indicator_name(indicator): [r.value for r in values]},
                            title=f"{indicator_name(indicator)} by panel" + (f" ({unit})" if unit else ""))
        charts[indicator] = to_svg(drawing, description="Values by panel and date; the table gives the numbers.")
    return render_template("evidence/profile_capability.html", s=summary, charts=charts,
                           indicator_name=indicator_name, **_common())


@bp.route("/o/<org_slug>/evidence/profile.pdf")
@access("evidence.view")
def profile_pdf(org_slug: str):
    from .profile_pdf import capability_report

    pdf = capability_report(g.organisation, load(g.organisation), indicator_name=indicator_namer())
    response = make_response(pdf)
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = f'attachment; filename="{g.organisation.slug}-capabilities.pdf"'
    return response
