"""The selection report as a PDF: the same figures and charts as the page."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Spacer

from ..pdf import H1, H2, SMALL, chart, para, render, table
from .report_view import drawings


def _pct(value) -> str:
    return "—" if value is None else f"{100 * value:.1f} %"


def selection_pdf(panel, run, letters: int | None = None) -> bytes:
    view = drawings(run)
    s = view["summary"]
    story = [para(f"How the members of {panel.title} were selected", H1),
             para(f"{panel.organisation.name}. Selection run #{run.id}"
                  f"{run.finished_at.strftime(', %d %B %Y') if run.finished_at else ''}.", SMALL),
             Spacer(1, 4 * mm)]
    if letters:
        story.append(para(f"{letters:,} invitation letters were sent to households drawn at random; "
                          f"{s['n']} residents volunteered."))
    story += [
        para(f"{s['k']} members were drawn from {s['n']} volunteers by the {run.report['algorithm']} algorithm, "
             f"which gives the least-favoured volunteers as high a chance as the targets allow. The smallest "
             f"chance of any volunteer was {100 * s['min_probability']:.2f} % and the largest "
             f"{100 * s['max_probability']:.2f} %; an equal chance for all would have been "
             f"{100 * s['k_over_n']:.2f} %."),
    ]
    legacy = view["legacy"]
    if legacy:
        story.append(para(f"For comparison, the old greedy method would have given its least-favoured volunteer "
                          f"{100 * legacy['min_probability']:.2f} %, and {legacy['below_half_k_over_n']} volunteers "
                          f"less than half of the equal chance (estimated from {legacy['runs']} runs)."))
    story.append(para("The panel compared with the pool and the population", H2))
    for category, rows in view["by_category"].items():
        story.append(chart(view["charts"][category], f"{category}: shares of the panel, the pool and the census."))
        story.append(table(["Answer", "Population", "Target", "Pool", "Panel"],
                           [[r["value"], _pct(r.get("population_share")), f"{r['min']}–{r['max']}", r["pool"],
                             r["selected"]] for r in rows],
                           widths=[60 * mm, 28 * mm, 25 * mm, 20 * mm, 20 * mm]))
        story.append(Spacer(1, 4 * mm))
    story += [para("Selection probabilities", H2),
              chart(view["histogram"], "Number of volunteers per range of selection probability."),
              PageBreak(), para("Check it yourself", H2),
              para(f"Input fingerprint (SHA-256): {run.input_hash}"),
              para(f"Seed: {run.seed} ({run.seed_source}). Algorithm: {run.report['algorithm']}, "
                   f"civic-panels lottery {run.lottery_version}."),
              para("Drawn panel (pseudonymous ids): " + ", ".join(run.selected)),
              para("Download report.json, quotas.csv and people.csv from the public selection page and run: "
                   "python -m lottery verify report.json --features quotas.csv --people people.csv")]
    return render(story, title=f"Selection report: {panel.title}", footer=f"{panel.title} — selection report")
