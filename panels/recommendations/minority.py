"""Minority reports: a member's dissent on one recommendation or on the report as a whole.

Other members co-sign (and may take their signature back). The author edits it until the final
report is published; from then on it can be neither edited nor deleted, so it is never dropped.
"""

from __future__ import annotations

from sqlalchemy import select

from .. import audit
from ..access import can, require
from ..extensions import db
from ..sessions import tables
from .models import FinalReport, MinorityReport, Recommendation


class MinorityError(ValueError):
    pass


def published(panel) -> bool:
    report = db.session.get(FinalReport, panel.id)
    return report is not None and report.status == "published"


def of_panel(panel) -> list[MinorityReport]:
    return db.session.scalars(select(MinorityReport).where(MinorityReport.panel_id == panel.id)
                              .order_by(MinorityReport.recommendation_id.is_(None), MinorityReport.id)).all()


def _check(panel, title: str, text: str, recommendation_id: int | None) -> Recommendation | None:
    if not (title or "").strip():
        raise MinorityError("Title: give the minority report a title.")
    if not (text or "").strip():
        raise MinorityError("Text: write what the minority thinks and why.")
    if recommendation_id is None:
        return None
    rec = db.session.get(Recommendation, recommendation_id)
    if rec is None or rec.panel_id != panel.id:
        raise MinorityError("Recommendation: choose a recommendation of this panel, or the report as a whole.")
    return rec


def write(actor, panel, *, title: str, text: str, recommendation_id: int | None = None) -> MinorityReport:
    require(actor, "minority.write", panel=panel)
    if published(panel):
        raise MinorityError("The final report is published: new minority reports can no longer be added.")
    rec = _check(panel, title, text, recommendation_id)
    report = MinorityReport(panel_id=panel.id, recommendation_id=rec.id if rec else None, title=title.strip(),
                            text=text, author_id=actor.id)
    report.signatories = [actor]
    db.session.add(report)
    audit.record("minority.written", report, actor=actor, panel=panel, recommendation=rec.code if rec else None)
    db.session.commit()
    return report


def can_edit(user, report: MinorityReport, panel) -> bool:
    return (getattr(user, "is_authenticated", False) and report.author_id == user.id
            and can(user, "minority.write", panel=panel) and not published(panel))


def edit(actor, report: MinorityReport, panel, *, title: str, text: str,
         recommendation_id: int | None = None) -> MinorityReport:
    require(actor, "minority.write", panel=panel)
    if report.author_id != actor.id:
        raise MinorityError("Only its author can edit a minority report.")
    if published(panel):
        raise MinorityError("The final report is published: its minority reports can no longer be changed.")
    rec = _check(panel, title, text, recommendation_id)
    report.title, report.text, report.recommendation_id = title.strip(), text, rec.id if rec else None
    audit.record("minority.edited", report, actor=actor, panel=panel)
    db.session.commit()
    return report


def delete(actor, report: MinorityReport, panel) -> None:
    """The author may withdraw it while the report is a draft; never once it is published."""
    require(actor, "minority.write", panel=panel)
    if published(panel):
        raise MinorityError("The final report is published: its minority reports are part of the record "
                            "and cannot be deleted.")
    if report.author_id != actor.id:
        raise MinorityError("Only its author can withdraw a minority report.")
    audit.record("minority.withdrawn", report, actor=actor, panel=panel, title=report.title)
    db.session.delete(report)
    db.session.commit()


def sign(actor, report: MinorityReport, panel) -> None:
    require(actor, "minority.write", panel=panel)
    if published(panel):
        raise MinorityError("The final report is published: signatures can no longer change.")
    if actor.id not in {u.id for u in tables.members(panel)}:
        raise MinorityError("Only members of the panel co-sign minority reports.")
    if actor not in report.signatories:
        report.signatories.append(actor)
        audit.record("minority.signed", report, actor=actor, panel=panel, signatories=len(report.signatories))
        db.session.commit()


def unsign(actor, report: MinorityReport, panel) -> None:
    require(actor, "minority.write", panel=panel)
    if published(panel):
        raise MinorityError("The final report is published: signatures can no longer change.")
    if report.author_id == actor.id:
        raise MinorityError("The author's signature stays; withdraw the report instead.")
    if actor in report.signatories:
        report.signatories.remove(actor)
        audit.record("minority.unsigned", report, actor=actor, panel=panel, signatories=len(report.signatories))
        db.session.commit()
