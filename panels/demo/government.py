"""The government's response in the demo: parks (responded) has responses to all its adopted
recommendations but one, which is overdue, with results, milestones, a pilot, progress report 1 and
members' ratings; transport (reporting) has its commissioning terms set, the report not yet delivered.
Idempotent: every piece is added only if it is missing."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select

from ..accounts.models import User
from ..extensions import db
from ..panel.models import Panel
from ..recommendations import implementation as impl
from ..recommendations import responses
from ..recommendations.models import FinalReport, ProgressReport, ResponseRating

LEAD = "parks.response@riverton.example"
# response, reasons, department, others, cost, timeframe
ANSWERS = [
    ("accepted", None, "Parks Service", ["Children's Services"], 420000, "All four playgrounds open by spring"),
    ("accepted_in_part", "We will light the main paths of the three largest parks first and review the "
     "pilot before lighting the other three.", "Parks Service", ["Highways"], 310000, "Pilot this winter"),
    ("under_consideration", "Planting 2,000 trees needs a new budget line; the council will decide in the "
     "next budget round.", "Environment", ["Highways", "Finance"], 1200000, "Decision in February"),
    ("rejected", "The three sites are earmarked for homes in the local plan; we will offer the allotment "
     "waiting list two smaller sites instead.", "Planning", [], None, None),
]
SCORES = [(8, 6), (7, 7), (9, 5), (6, 6), (5, 4)]


def _panel(org, slug: str) -> Panel | None:
    return db.session.scalar(select(Panel).filter_by(organisation_id=org.id, slug=slug))


def _report(panel: Panel, delivered: date) -> FinalReport:
    report = responses.ensure_report(panel)
    report.delivered_on = report.delivered_on or delivered
    if report.status != "published":
        report.status = "published"
        report.published_at = report.published_at or datetime.combine(report.delivered_on, time(11), tzinfo=UTC)
    report.responsible_email = report.responsible_email or LEAD
    db.session.commit()
    return report


def _results(organiser: User, recs: list) -> None:
    if impl.results_of(recs[0]):
        return
    delivered = responses.report_of(recs[0].panel).delivered_on
    programme = impl.save_result(organiser, recs[0], title="Playground repair programme", status="in_progress",
                                 progress=0)
    eastfield = impl.save_result(organiser, recs[0], title="Eastfield playground rebuilt", status="completed",
                                 progress=100, weight=2, parent_id=programme.id)
    impl.save_milestone(organiser, eastfield, title="Eastfield playground reopened",
                        due_on=delivered + timedelta(days=90), done_on=delivered + timedelta(days=84),
                        evidence_url="https://example.org/riverton/eastfield-playground-reopens")
    others = impl.save_result(organiser, recs[0], title="Three other closed playgrounds", status="in_progress",
                              progress=30, parent_id=programme.id)
    impl.save_milestone(organiser, others, title="Contracts signed", due_on=delivered + timedelta(days=120),
                        done_on=delivered + timedelta(days=126))
    impl.save_milestone(organiser, others, title="All three reopened", due_on=delivered + timedelta(days=300))
    if len(recs) > 1:
        pilot = impl.save_result(organiser, recs[1], title="Lighting pilot in Parkside Park", status="in_progress",
                                 progress=60, is_pilot=True,
                                 evaluation_url="https://example.org/riverton/parkside-lighting-evaluation")
        impl.save_milestone(organiser, pilot, title="Lamps installed on the main path",
                            due_on=delivered + timedelta(days=100), done_on=delivered + timedelta(days=110))


def _ratings(panel: Panel, recs: list) -> None:
    from ..sessions.tables import members

    if db.session.scalar(select(ResponseRating.id).filter_by(panel_id=panel.id)) is not None:
        return
    for user, (response_score, implementation_score) in zip(members(panel), SCORES, strict=False):
        for rec in recs[:2]:
            impl.rate(user, rec, response_score=response_score, implementation_score=implementation_score)


def _parks(org, organiser: User) -> str | None:
    panel = _panel(org, "parks")
    if panel is None:
        return None
    report = _report(panel, date.today() - timedelta(days=152))
    recs = responses.adopted(panel)
    if not recs:
        return f"  {panel.title}: no adopted recommendations yet, so no government response"
    for rec, answer in zip(recs[:-1], ANSWERS, strict=False):  # the last one stays unanswered: overdue
        if rec.response is None:
            kind, reasons, department, others, cost, timeframe = answer
            responses.record_response(organiser, rec, response=kind, reasons=reasons, department=department,
                                      other_departments=others, cost=cost, timeframe=timeframe,
                                      responsible_email=LEAD, responded_on=report.delivered_on + timedelta(days=110))
    if db.session.scalar(select(ProgressReport.id).filter_by(panel_id=panel.id, number=1)) is None:
        responses.record_progress_report(
            organiser, panel, number=1, delivered_on=report.delivered_on + timedelta(days=88),
            summary="Eastfield playground is open again; the lighting pilot has started in Parkside Park.",
            url="https://example.org/riverton/parks-progress-1")
    _results(organiser, recs)
    _ratings(panel, recs)
    late = [d.label for d in responses.deadlines_of(panel) if d.overdue(date.today())]
    return (f"  {panel.title}: government response at /p/{panel.id}/response "
            f"({len(recs) - 1} of {len(recs)} answered; overdue: {', '.join(late) or 'nothing'})")


def _transport(org, organiser: User) -> str | None:
    panel = _panel(org, "transport")
    if panel is None:
        return None
    report = responses.report_of(panel)
    if report is None or report.responsible_email is None:
        responses.save_terms(organiser, panel, delivered_on=report.delivered_on if report else None,
                             response_due_months=3, first_progress_months=3, progress_every_months=6,
                             reminder_days=14, responsible_email="transport.response@riverton.example")
    return f"  {panel.title}: commissioning terms set (response due 3 months after the report is delivered)"


def build(org) -> list[str]:
    organiser = db.session.scalar(select(User).filter_by(email="organiser@riverton.example"))
    if organiser is None:
        return []
    return [line for line in (_transport(org, organiser), _parks(org, organiser)) if line]
