"""The capability profile pages: the profile (radar, table, warnings), a capability's drill-down, the PDF."""

from __future__ import annotations

from flask import abort, g, make_response, render_template, request, url_for
from werkzeug.routing import BuildError

from ..access import access
from ..charts import bar_chart, to_svg
from .models import CONFIDENCE, SOURCES
from .profile import framework_names, load
from .profile_charts import radar, radar_description, timeline_chart, timeline_rows
from .views import bp


def indicator_namer():
    """indicator key -> the mapping's name for it (read once per page); hand-entered ones as written."""
    from .mapping import indicator_names

    names = indicator_names()

    def name(key: str) -> str:
        key, _, period = key.partition("@")  # a period of the feed ("12m"): see profile.indicator_key
        text = names.get(key) or key.replace("_", " ").capitalize()
        return f"{text}, {period.removesuffix('m')} months after the report" if period else text

    return name


def record_url(record_id: int) -> str | None:
    """The evidence record's own page (on the records pages of this blueprint)."""
    try:
        return url_for("evidence.record_detail", org_slug=g.organisation.slug, record_id=record_id)
    except BuildError:
        return None


def chosen_framework() -> str:
    """The framework asked for (``?framework=``): the PSCI by default, else the first one the file defines."""
    names = framework_names()
    key = request.args.get("framework") or ("psci" if "psci" in names else next(iter(names), "psci"))
    if key not in names:
        abort(404)
    return key


def _common(framework: str = "psci", **extra) -> dict:
    return {"organisation": g.organisation, "confidence_labels": CONFIDENCE, "source_labels": SOURCES,
            "record_url": record_url, "frameworks": framework_names(), "framework": framework, **extra}


@bp.route("/o/<org_slug>/evidence/")
@access("evidence.view")
def profile(org_slug: str):
    framework = chosen_framework()
    summaries = load(g.organisation, framework)
    timeline = timeline_chart(summaries)
    header, rows = timeline_rows(summaries)
    return render_template(
        "evidence/profile.html", summaries=summaries,
        radar=to_svg(radar(summaries), description=radar_description(summaries)),
        timeline=to_svg(timeline, description="Scores of each capability by assessment date; "
                                              "the table below gives the numbers.") if timeline else None,
        timeline_header=header, timeline_rows=rows, **_common(framework))


@bp.route("/o/<org_slug>/evidence/capabilities/<capability>")
@access("evidence.view")
def capability(org_slug: str, capability: str):
    from .frameworks import capability as find_capability

    found = find_capability(capability)
    if found is None:
        abort(404)
    summary = next((s for s in load(g.organisation, found.framework) if s.capability.key == capability), None)
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
                           indicator_name=indicator_name, **_common(found.framework))


@bp.route("/o/<org_slug>/evidence/profile.pdf")
@access("evidence.view")
def profile_pdf(org_slug: str):
    from .profile_pdf import capability_report

    framework = chosen_framework()
    pdf = capability_report(g.organisation, load(g.organisation, framework), indicator_name=indicator_namer(),
                            framework_name=framework_names()[framework])
    response = make_response(pdf)
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = \
        f'attachment; filename="{g.organisation.slug}-{framework}-capabilities.pdf"'
    return response
