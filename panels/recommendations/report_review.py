"""The final report's lifecycle: foreword, members' review (flags of errors), publication.

Every service re-checks the permission; publication, reopening and changes to a published
report are in the audit log (without members' names or texts).
"""

from __future__ import annotations

from datetime import date

from ..access import require
from ..audit import record
from ..db import utcnow
from ..extensions import db
from ..panel.lifecycle import ORDER, Status
from . import clock
from .models import FinalReport, ReportFlag

FLAG_STATUSES = {"fixed": "Fixed", "declined": "Declined"}
MAX_FOREWORD = 20_000
MAX_FLAG = 5_000


class ReportError(ValueError):
    """A request the report cannot take, with a message that says why and what to do."""


def _record(panel) -> FinalReport:
    found = db.session.get(FinalReport, panel.id)
    if found is None:
        found = FinalReport(panel_id=panel.id, status="draft")
        db.session.add(found)
        db.session.flush()
    return found


def save_foreword(actor, panel, foreword: str | None, delivered_on: date | None) -> FinalReport:
    require(actor, "report.manage", panel=panel)
    foreword = (foreword or "").strip() or None
    if foreword and len(foreword) > MAX_FOREWORD:
        raise ReportError(f"Foreword: keep it under {MAX_FOREWORD:,} characters.")
    if clock.delivery_problem(delivered_on):
        raise ReportError("Delivered to the council on: " + clock.delivery_problem(delivered_on))
    report = _record(panel)
    changed = (report.foreword != foreword) or (report.delivered_on != delivered_on)
    report.foreword, report.delivered_on = foreword, delivered_on
    if changed and report.published_at is not None:
        record("report.amended", panel, actor=actor, panel=panel, fields="foreword, delivered_on")
    db.session.commit()
    return report


def open_review(actor, panel) -> FinalReport:
    """Members can now read the draft and flag errors."""
    require(actor, "report.manage", panel=panel)
    report = _record(panel)
    if report.published_at is not None:
        raise ReportError("The report is already published; members' review is over.")
    report.status, report.review_opened_at = "review", utcnow()
    record("report.review_opened", panel, actor=actor, panel=panel)
    db.session.commit()
    return report


def flag(user, panel, section: str, text: str) -> ReportFlag:
    """A member's note of an error in the draft; only while the report is open for review."""
    require(user, "report.review", panel=panel)
    report = db.session.get(FinalReport, panel.id)
    if report is None or report.status != "review":
        raise ReportError("The draft report is not open for review at the moment.")
    section, text = (section or "").strip(), (text or "").strip()
    if not section:
        raise ReportError("Section: say which part of the report the error is in.")
    if len(section) > 120:
        raise ReportError("Section: name the part of the report in 120 characters or fewer.")
    if not text:
        raise ReportError("What is wrong: describe the error so staff can fix it.")
    if len(text) > MAX_FLAG:
        raise ReportError(f"What is wrong: keep it under {MAX_FLAG:,} characters.")
    item = ReportFlag(panel_id=panel.id, section=section, text=text, user_id=user.id, status="open")
    db.session.add(item)
    db.session.commit()
    return item


def resolve(actor, item: ReportFlag, status: str, note: str | None) -> ReportFlag:
    from ..panel.models import Panel

    panel = db.session.get(Panel, item.panel_id)
    require(actor, "report.manage", panel=panel)
    if status not in FLAG_STATUSES:
        raise ReportError("Decision: choose fixed or declined.")
    note = (note or "").strip() or None
    if status == "declined" and not note:
        raise ReportError("Note: say why the flag is declined, so the member knows.")
    item.status, item.resolution = status, note
    record("report.flag_resolved", item, actor=actor, panel=panel, status=status)
    db.session.commit()
    return item


def can_publish(panel) -> bool:
    return ORDER.index(Status(panel.status)) >= ORDER.index(Status.REPORTING)


def publish(actor, panel) -> FinalReport:
    """Publish the report: only once the panel is reporting (or later); recorded in the audit log."""
    require(actor, "report.manage", panel=panel)
    if not can_publish(panel):
        raise ReportError("The report can be published once the panel is in the reporting stage "
                          f"(it is {panel.status_label.lower()} now).")
    report = _record(panel)
    if report.published_at is not None:
        raise ReportError("The report is already published.")
    report.status, report.published_at = "published", utcnow()
    if report.delivered_on is None:
        report.delivered_on = report.published_at.date()
    open_flags = db.session.query(ReportFlag).filter_by(panel_id=panel.id, status="open").count()
    record("report.published", panel, actor=actor, panel=panel, open_flags=open_flags)
    db.session.commit()
    return report
