"""What the response pages show, assembled once for the staff table and the public page alike:
each adopted recommendation with its response, implementation and members' rating, and the clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..charts import bar_chart, to_svg
from . import clock
from .implementation import STATUS_LABELS, RatingSummary, Summary, ratings, summary
from .models import RESPONSES, Recommendation
from .responses import adopted, progress_of, progress_reports, report_of, terms_of


@dataclass
class Row:
    recommendation: Recommendation
    implementation: Summary
    rating: RatingSummary | None
    overdue: bool  # no response, and the response deadline has passed

    @property
    def response(self):
        return self.recommendation.response

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.implementation.status]


@dataclass
class Overview:
    report: object
    rows: list[Row]
    deadlines: list[clock.Deadline]
    overdue: list[clock.Deadline]
    next_deadline: clock.Deadline | None
    missing: list[Recommendation]  # adopted recommendations without a response
    counts: dict[str, int]  # response kind -> number, plus "none"
    today: date
    reports: list
    response_due: date | None = None


def overview(panel, today: date | None = None) -> Overview:
    today = today or date.today()
    report = report_of(panel)
    recs = adopted(panel)
    terms = terms_of(panel, report)
    items = clock.deadlines(terms, progress_of(panel, recs)) if terms else []
    response_deadline = next((d for d in items if d.key == "response"), None)
    late = response_deadline is not None and response_deadline.overdue(today)
    rated = ratings(panel)
    rows = [Row(rec, summary(rec), rated.get(rec.id), late and rec.response is None) for rec in recs]
    counts = {kind: 0 for kind in RESPONSES} | {"none": 0}
    for rec in recs:
        counts[rec.response.response if rec.response else "none"] += 1
    return Overview(report, rows, items, clock.overdue(items, today), clock.next_open(items, today),
                    [rec for rec in recs if rec.response is None], counts, today, progress_reports(panel),
                    response_deadline.due_on if response_deadline else None)


def responses_chart(view: Overview):
    """Bars of responses by kind, with a one-line description; the page's table carries the numbers."""
    labels = [*RESPONSES.values(), "No response yet"]
    values = [view.counts[k] for k in RESPONSES] + [view.counts["none"]]
    drawing = bar_chart(labels, {"Recommendations": values}, title="Responses by kind")
    described = ", ".join(f"{label}: {value}" for label, value in zip(labels, values, strict=True))
    return to_svg(drawing, description=described)
