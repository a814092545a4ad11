"""The peer comparison page: the groups, the rule that made them, and the city beside its peers."""

from __future__ import annotations

from flask import g, render_template, request

from ..access import access
from ..charts import bar_chart, radar_chart, to_svg
from . import peers
from .profile import capabilities, framework_names
from .profile_views import chosen_framework, indicator_namer
from .views import bp

K_CHOICES = range(2, 7)


@bp.route("/o/<org_slug>/evidence/peers", endpoint="peers")
@access("evidence.view")
def peers_page(org_slug: str):
    organisation = g.organisation
    method = request.args.get("method", "bands")
    problems = []
    if method not in ("bands", "kmeans"):
        problems.append("Grouping: choose banding or k-means.")
        method = "bands"
    k = 2
    raw_k = request.args.get("k", "2")
    try:
        k = int(raw_k)
    except ValueError:
        k = 0
    if k not in K_CHOICES:
        problems.append(f"Number of clusters: choose a whole number from {K_CHOICES[0]} to {K_CHOICES[-1]}; "
                        "2 is used.")
        k = 2
    framework = chosen_framework()
    orgs, names, scores, values = peers.load(organisation, framework)
    groups = peers.group_by_kmeans(orgs, k) if method == "kmeans" else peers.group_by_bands(orgs)
    caps = capabilities(framework)
    comparison = peers.compare(organisation.id, groups, scores, values, [c.key for c in caps])
    charts = {}
    indicator_name = indicator_namer()
    if comparison is not None:
        series = {names[m]: [float(comparison.capabilities[c.key][m] or 0) for c in caps]
                  for m in comparison.organisations}
        charts["capabilities"] = to_svg(
            radar_chart([c.name for c in caps], series, title="Latest capability scores (1 to 5) in the peer group"),
            description="Each organisation's latest score per capability; 0 means not scored. The table gives "
                        "the numbers.")
        for name, by_org in comparison.indicators.items():
            present = [(m, v) for m, v in by_org.items() if v is not None]
            if len(present) < 2:
                continue
            unit = present[0][1][1] or ""
            charts[name] = to_svg(
                bar_chart([names[m] for m, _ in present], {indicator_name(name): [v[0] for _, v in present]},
                          title=f"{indicator_name(name)}" + (f" ({unit})" if unit else "")),
                description="Latest value per organisation; the table gives the numbers.")
    own = peers.group_of(groups, organisation.id)
    return render_template(
        "evidence/peers.html", organisation=organisation, method=method, k=k, k_choices=K_CHOICES,
        problems=problems, groups=groups, own=own, names=names, comparison=comparison, charts=charts,
        capabilities=caps, indicator_name=indicator_name, min_group=peers.MIN_GROUP,
        population_bands=peers.POPULATION_BANDS, budget_bands=peers.BUDGET_BANDS,
        features={o.id: o for o in orgs}, per_resident=peers.budget_per_resident, framework=framework,
        frameworks=framework_names())
