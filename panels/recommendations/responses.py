"""The government's response to each adopted recommendation, its progress reports, the
commissioning terms that set the clock, and the reminders that keep the clock honest."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from .. import audit, outbox
from ..access import require
from ..db import utcnow
from ..extensions import db
from . import clock
from .models import (
    RESPONSES,
    DeadlineReminder,
    FinalReport,
    GovernmentResponse,
    ProgressReport,
    Recommendation,
)

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
TERM_FIELDS = ("delivered_on", "response_due_months", "first_progress_months", "progress_every_months",
               "reminder_days", "responsible_email")
RESPONSE_FIELDS = ("response", "reasons", "department", "other_departments", "responsible_email", "cost",
                   "timeframe", "responded_on")


class ResponseError(ValueError):
    """Refused, nothing saved: ``problems`` maps each field to what is wrong and how to fix it."""

    def __init__(self, problems: dict[str, str]):
        self.problems = problems
        super().__init__("; ".join(f"{k}: {v}" for k, v in problems.items()))


# --------------------------------------------------------------------------- reading

def adopted(panel) -> list[Recommendation]:
    """The recommendations the government is asked to answer, in the report's order."""
    return list(db.session.scalars(select(Recommendation).filter_by(panel_id=panel.id, status="adopted")
                                   .order_by(Recommendation.number)))


def report_of(panel) -> FinalReport | None:
    return db.session.get(FinalReport, panel.id)


def progress_reports(panel) -> list[ProgressReport]:
    return list(db.session.scalars(select(ProgressReport).filter_by(panel_id=panel.id)
                                   .order_by(ProgressReport.number)))


def closing_day(panel) -> date | None:
    return panel.status_changed_at.date() if panel.status == "closed" and panel.status_changed_at else None


def terms_of(panel, report: FinalReport | None = None) -> clock.Terms | None:
    """The clock's terms, or None while the report has not been delivered."""
    report = report if report is not None else report_of(panel)
    if report is None or report.delivered_on is None:
        return None
    return clock.Terms(report.delivered_on, report.response_due_months, report.first_progress_months,
                       report.progress_every_months, report.reminder_days, until=closing_day(panel))


def progress_of(panel, recommendations: list[Recommendation] | None = None) -> clock.Progress:
    recommendations = adopted(panel) if recommendations is None else recommendations
    responses = [r.response for r in recommendations]
    responded = all(responses)  # nothing adopted: nothing to answer, so the deadline cannot fall overdue
    dates = [r.responded_on for r in responses if r is not None and r.responded_on]
    return clock.Progress(responded=responded, responded_on=max(dates) if responded and dates else None,
                          reports={p.number: p.delivered_on for p in progress_reports(panel)})


def deadlines_of(panel) -> list[clock.Deadline]:
    terms = terms_of(panel)
    return clock.deadlines(terms, progress_of(panel)) if terms else []


# --------------------------------------------------------------------------- checking values

def _text(value, limit: int | None = None) -> str | None:
    value = (str(value).strip() if value is not None else "") or None
    return value[:limit] if value and limit else value


def clean_response(values: dict) -> tuple[dict, dict[str, str]]:
    """Checked values of one response and the problems (field -> message with the fix)."""
    problems: dict[str, str] = {}
    kind = _text(values.get("response"))
    if kind not in RESPONSES:
        labels = {v.casefold(): k for k, v in RESPONSES.items()}
        kind = labels.get((kind or "").casefold(), kind)
    if kind not in RESPONSES:
        problems["response"] = ("Choose one of: " + ", ".join(RESPONSES.values()) + "."
                                if not kind else f"“{kind}” is not a response. Use one of: "
                                + ", ".join(RESPONSES.values()) + ".")
    reasons = _text(values.get("reasons"))
    if kind in RESPONSES and kind != "accepted" and not reasons:
        problems["reasons"] = f"Give the reasons: they are required when the response is “{RESPONSES[kind]}”."
    others = values.get("other_departments") or []
    if isinstance(others, str):
        others = re.split(r"[;\n]", others)
    others = [o.strip()[:200] for o in others if o and o.strip()]
    email = _text(values.get("responsible_email"), 254)
    if email and not EMAIL.match(email):
        problems["responsible_email"] = "Enter an e-mail address like name@council.example, or leave it empty."
    cost = values.get("cost")
    if isinstance(cost, str):
        cost = cost.strip().replace(",", "").lstrip("£$€") or None
    if cost is not None:
        try:
            cost = Decimal(str(cost))
            if cost < 0 or cost >= Decimal("1e12") or not cost.is_finite():
                raise InvalidOperation
            cost = cost.quantize(Decimal("0.01"))
        except (InvalidOperation, ValueError):
            problems["cost"] = "Enter the cost as a number of at least 0, like 125000 or 125000.50, or leave it empty."
            cost = None
    responded_on = values.get("responded_on")
    if isinstance(responded_on, str):
        try:
            responded_on = date.fromisoformat(responded_on.strip()) if responded_on.strip() else None
        except ValueError:
            problems["responded_on"] = "Enter the date as YYYY-MM-DD, like 2027-10-01."
            responded_on = None
    clean = {"response": kind, "reasons": reasons, "department": _text(values.get("department"), 200),
             "other_departments": others, "responsible_email": email, "cost": cost,
             "timeframe": _text(values.get("timeframe"), 200), "responded_on": responded_on}
    return clean, problems


# --------------------------------------------------------------------------- changing

def record_response(user, recommendation: Recommendation, **values) -> GovernmentResponse:
    """Record or edit the government's response to one adopted recommendation."""
    panel = recommendation.panel
    require(user, "response.manage", panel=panel)
    if recommendation.status != "adopted":
        raise ResponseError({"response": "Only adopted recommendations get a government response."})
    clean, problems = clean_response(values)
    if problems:
        raise ResponseError(problems)
    clean["responded_on"] = clean["responded_on"] or date.today()
    row = recommendation.response
    before = row.response if row else None
    if row is None:
        row = GovernmentResponse(recommendation=recommendation)
        db.session.add(row)
    for name, value in clean.items():
        setattr(row, name, value)
    row.recorded_by_id = user.id
    audit.record("response.recorded" if before is None else "response.edited", recommendation, actor=user,
                 panel=panel, code=recommendation.code, response=row.response, previous=before)
    db.session.commit()
    return row


def ensure_report(panel) -> FinalReport:
    report = report_of(panel)
    if report is None:
        report = FinalReport(panel_id=panel.id)
        db.session.add(report)
        db.session.flush()
    return report


def save_terms(user, panel, **values) -> FinalReport:
    """The commissioning terms (the clock) and the report's delivery date."""
    require(user, "response.manage", panel=panel)
    problems = {}
    for name, low, high in (("response_due_months", 1, 36), ("first_progress_months", 1, 36),
                            ("progress_every_months", 1, 24), ("reminder_days", 0, 90)):
        value = values.get(name)
        if not isinstance(value, int) or not low <= value <= high:
            problems[name] = f"Enter a whole number from {low} to {high}."
    email = _text(values.get("responsible_email"), 254)
    if email and not EMAIL.match(email):
        problems["responsible_email"] = "Enter an e-mail address like name@council.example, or leave it empty."
    delivered = values.get("delivered_on")
    if delivered is not None and not isinstance(delivered, date):
        problems["delivered_on"] = "Enter the date as YYYY-MM-DD."
    elif clock.delivery_problem(delivered):
        problems["delivered_on"] = clock.delivery_problem(delivered)
    if problems:
        raise ResponseError(problems)
    report = ensure_report(panel)
    for name in TERM_FIELDS:
        setattr(report, name, email if name == "responsible_email" else values.get(name))
    audit.record("response.terms_changed", panel, actor=user,
                 delivered_on=delivered.isoformat() if delivered else None,
                 **{n: values[n] for n in TERM_FIELDS[1:5]})
    db.session.commit()
    return report


def record_progress_report(user, panel, *, number: int, delivered_on: date, summary: str | None = None,
                           url: str | None = None) -> ProgressReport:
    """Record (or correct) progress report ``number`` as delivered."""
    require(user, "response.manage", panel=panel)
    problems = {}
    if not isinstance(number, int) or not 1 <= number <= 50:
        problems["number"] = "Enter the report's number (1 for the first progress report)."
    if not isinstance(delivered_on, date):
        problems["delivered_on"] = "Enter the date it was delivered, as YYYY-MM-DD."
    url = _text(url, 500)
    if url and not url.startswith(("https://", "http://")):
        problems["url"] = "Enter a full web address starting with https://, or leave it empty."
    if problems:
        raise ResponseError(problems)
    row = db.session.scalar(select(ProgressReport).filter_by(panel_id=panel.id, number=number))
    if row is None:
        row = ProgressReport(panel_id=panel.id, number=number)
        db.session.add(row)
    row.delivered_on, row.summary, row.url, row.recorded_by_id = delivered_on, _text(summary), url, user.id
    audit.record("response.progress_report", panel, actor=user, number=number,
                 delivered_on=delivered_on.isoformat())
    ask_members_to_rate(panel, f"progress-{number}")
    db.session.commit()
    return row


ASK_RATING = "ask_rating"


def ask_members_to_rate(panel, checkpoint: str) -> int:
    """Ask every (former) member, once per checkpoint, to rate the response and the implementation
    (an e-mail through the outbox, in the caller's transaction); returns the messages queued."""
    from ..sessions.tables import members
    from ..urls import external_url

    if db.session.scalar(select(DeadlineReminder.id).filter_by(panel_id=panel.id, deadline=checkpoint,
                                                               kind=ASK_RATING)) is not None:
        return 0
    db.session.add(DeadlineReminder(panel_id=panel.id, deadline=checkpoint, kind=ASK_RATING, sent_at=utcnow()))
    label = "the government's response" if checkpoint == "response" else f"progress report {checkpoint.split('-')[1]}"
    page = external_url("government.responses_list", panel_id=panel.id)
    subject = f"How did the government do? Rate {label} to {panel.title}"
    body = (f"You sat on {panel.title}. The government has delivered {label} on what became of the panel's "
            f"recommendations.\n\nPlease rate the response and the implementation so far, from 0 to 10, for each "
            f"recommendation (it takes a minute; only the average of at least three members is shown):\n{page}\n")
    queued = 0
    for member in members(panel):
        if member.email:
            outbox.queue(member.email, subject, body, related=panel, panel=panel)
            queued += 1
    return queued


# --------------------------------------------------------------------------- reminders

@dataclass
class Reminder:
    panel_id: int
    deadline: str
    kind: str
    recipients: list[str]


def _recipients(panel, report: FinalReport, deadline: clock.Deadline) -> list[str]:
    found = [report.responsible_email] if report.responsible_email else []
    if deadline.key.startswith("progress-"):
        found += [r.response.responsible_email for r in adopted(panel)
                  if r.response is not None and r.response.responsible_email]
    seen, out = set(), []
    for email in found:
        if email.casefold() not in seen:
            seen.add(email.casefold())
            out.append(email)
    return out


def _message(panel, deadline: clock.Deadline, kind: str, today: date) -> tuple[str, str]:
    from ..urls import external_url

    when = deadline.due_on.strftime("%-d %B %Y")
    subject = {"before": f"Reminder: {deadline.label} for {panel.title} is due on {when}",
               "due": f"Due today: {deadline.label} for {panel.title}",
               "overdue": f"Overdue: {deadline.label} for {panel.title} was due on {when}"}[kind]
    page = external_url("government.public_response", responded_panel_id=panel.id)
    body = (f"{subject}.\n\nThe commissioning terms of {panel.title} set this deadline when the panel's "
            f"report was delivered. The public page shows every deadline, and overdue ones at the top:\n{page}\n"
            f"\nRecord the response or the progress report in Civic Panels to stop these reminders.\n")
    return subject, body


def send_due_reminders(today: date | None = None) -> int:
    """Queue the reminders due today for every panel with a delivered report; each (panel, deadline,
    kind) goes exactly once, even with two workers at once: the unique DeadlineReminder row is
    committed together with its e-mails, and a worker that loses the race rolls both back."""
    from ..panel.models import Panel

    today = today or date.today()
    sent = 0
    reports = db.session.scalars(select(FinalReport).where(FinalReport.delivered_on.is_not(None))
                                 .order_by(FinalReport.panel_id)).all()
    for report_id in [r.panel_id for r in reports]:
        report = db.session.get(FinalReport, report_id)
        panel = db.session.get(Panel, report_id)
        terms = terms_of(panel, report)
        if terms is None:
            continue
        done = {(r.deadline, r.kind) for r in db.session.scalars(select(DeadlineReminder)
                                                                .filter_by(panel_id=panel.id))}
        for deadline, kind in clock.reminders_due(clock.deadlines(terms, progress_of(panel)), today,
                                                  terms.reminder_days):
            if (deadline.key, kind) in done:
                continue
            recipients = _recipients(panel, report, deadline)
            if not recipients:
                continue  # nobody to tell yet; an address added later catches up
            db.session.add(DeadlineReminder(panel_id=panel.id, deadline=deadline.key, kind=kind, sent_at=utcnow()))
            try:
                db.session.flush()
            except IntegrityError:  # another worker sent it first
                db.session.rollback()
                panel, report = db.session.get(Panel, report_id), db.session.get(FinalReport, report_id)
                continue
            subject, body = _message(panel, deadline, kind, today)
            for email in recipients:
                outbox.queue(email, subject, body, related=panel, panel=panel)
            audit.record("response.reminder_sent", panel, panel=panel, deadline=deadline.key, kind=kind,
                         recipients=len(recipients))
            try:
                db.session.commit()
            except IntegrityError:
                db.session.rollback()
            else:
                sent += 1
            panel, report = db.session.get(Panel, report_id), db.session.get(FinalReport, report_id)
    if sent:
        outbox.kick()
    return sent

