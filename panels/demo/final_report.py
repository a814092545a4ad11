"""The final reports of the demo's later-stage panels: parks published about five months ago,
transport open for members' review with two flags (one already fixed). Idempotent."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select

from ..accounts.models import User
from ..audit import record
from ..extensions import db
from ..panel.models import Panel
from ..recommendations.models import FinalReport, ReportFlag

PARKS_FOREWORD = (
    "Over six Saturdays, twenty-four residents of Riverton, drawn by lottery, learned about the city's parks, "
    "heard from park users, staff and experts, and agreed the recommendations in this report.\n\n"
    "We thank every member for their time and care, and the speakers who answered their questions. "
    "The council has committed to respond to *every* recommendation in public."
)
TRANSPORT_FOREWORD = "A draft for members' review: tell us what we got wrong before it goes to the council."
FLAGS = [
    ("The programme", "Session 2 ran until 16:30, not 16:00.", "fixed", "Corrected in the programme table."),
    ("Recommendations", "The rationale of R2 leaves out the point about night buses we agreed.", "open", None),
]


def _panel(org, slug: str) -> Panel | None:
    return db.session.scalar(select(Panel).filter_by(organisation_id=org.id, slug=slug))


def _member_users(panel: Panel) -> list[User]:
    from ..sessions.tables import members

    return members(panel)


def _parks(org) -> str | None:
    panel = _panel(org, "parks")
    if panel is None:
        return None
    report = db.session.get(FinalReport, panel.id) or FinalReport(panel_id=panel.id)
    db.session.add(report)
    if report.published_at is None:
        delivered = date.today() - timedelta(days=152)
        organiser = db.session.scalar(select(User).filter_by(email="organiser@riverton.example"))
        report.foreword = report.foreword or PARKS_FOREWORD
        report.delivered_on = report.delivered_on or delivered
        report.review_opened_at = datetime.combine(delivered - timedelta(days=21), time(10), tzinfo=UTC)
        report.status, report.published_at = "published", datetime.combine(delivered, time(11), tzinfo=UTC)
        record("report.published", panel, actor=organiser, panel=panel, open_flags=0)
    db.session.commit()
    return f"  {panel.title}: final report published at /p/{panel.id}/report (PDF at /p/{panel.id}/report.pdf)"


def _transport(org) -> str | None:
    panel = _panel(org, "transport")
    if panel is None:
        return None
    report = db.session.get(FinalReport, panel.id) or FinalReport(panel_id=panel.id)
    db.session.add(report)
    if report.published_at is None and report.status != "review":
        report.status = "review"
        report.review_opened_at = datetime.now(UTC) - timedelta(days=3)
        report.foreword = report.foreword or TRANSPORT_FOREWORD
    members = _member_users(panel)
    if members and db.session.scalar(select(ReportFlag.id).filter_by(panel_id=panel.id)) is None:
        for (section, text, status, note), user in zip(FLAGS, members, strict=False):
            db.session.add(ReportFlag(panel_id=panel.id, section=section, text=text, user_id=user.id, status=status,
                                      resolution=note))
    db.session.commit()
    return f"  {panel.title}: draft final report open for members' review at /panels/{panel.id}/report (2 flags)"


def build(org) -> list[str]:
    """Idempotent: a second run changes nothing. Without the later-stage panels there is nothing to do."""
    return [line for line in (_transport(org), _parks(org)) if line]
