"""Amendments: any member proposes new wording for one section of a recommendation; its co-authors
(or staff) accept or reject it, or staff send it to a vote of the panel. An accepted amendment
becomes a version credited to its author; a rejected one can become a recommendation of its own.
"""

from __future__ import annotations

from sqlalchemy import select

from .. import audit
from ..access import PermissionDenied, require
from ..db import utcnow
from ..extensions import db
from . import drafting
from .drafting import DraftingError
from .models import AMENDMENT_SECTIONS, Amendment, Recommendation

SECTION_LABELS = {"text": "Text", "title": "Title", "rationale": "Rationale"}
LIMITS = {"text": 20000, "title": 300, "rationale": 10000}


class AmendmentError(DraftingError):
    pass


def current_value(rec: Recommendation, section: str) -> str:
    return getattr(rec, section) or ""


def base_value(amendment: Amendment) -> str:
    """The section as it was in the version the amendment was written against."""
    rec = amendment.recommendation
    base = drafting.version(rec, amendment.base_version)
    return (getattr(base, amendment.section) or "") if base else current_value(rec, amendment.section)


def is_stale(amendment: Amendment) -> bool:
    """The section changed since the amendment was written: accepting replaces the current wording."""
    return base_value(amendment) != current_value(amendment.recommendation, amendment.section)


def pending(rec: Recommendation) -> list[Amendment]:
    return [a for a in rec.amendments if a.status in ("proposed", "to_vote")]


def spun_off(amendment: Amendment) -> Recommendation | None:
    return db.session.scalar(select(Recommendation).filter_by(from_amendment_id=amendment.id))


def propose(actor, rec: Recommendation, *, section: str, new_text: str, reason: str | None = None) -> Amendment:
    require(actor, "recommendations.draft", panel=rec.panel)
    drafting.check_open(rec.panel)
    if rec.status not in drafting.EDITABLE:
        raise AmendmentError(f"{rec.code} is {rec.status.replace('_', ' ')}: it can no longer be amended.")
    problems = []
    if section not in AMENDMENT_SECTIONS:
        problems.append("Part to change: choose the text, the title or the rationale.")
    new_text = (new_text or "").replace("\r\n", "\n").strip()
    reason = (reason or "").replace("\r\n", "\n").strip() or None
    if not new_text:
        problems.append("New wording: write the wording you propose.")
    elif section in LIMITS and len(new_text) > LIMITS[section]:
        problems.append(f"New wording: shorten it to {LIMITS[section]:,} characters at most.")
    elif section in AMENDMENT_SECTIONS and new_text == current_value(rec, section).strip():
        problems.append("New wording: it is the same as the current wording. Change something.")
    if reason and len(reason) > 5000:
        problems.append("Reason: shorten it to 5,000 characters at most.")
    if problems:
        raise AmendmentError(problems)
    amendment = Amendment(recommendation_id=rec.id, section=section, base_version=len(rec.versions),
                          new_text=new_text, reason=reason, status="proposed", proposed_by_id=actor.id)
    rec.amendments.append(amendment)
    db.session.flush()
    audit.record("amendment.proposed", amendment, actor=actor, panel=rec.panel, code=rec.code, section=section)
    db.session.commit()
    return amendment


def _decide(amendment: Amendment, actor, status: str, note: str | None) -> None:
    amendment.status, amendment.decided_by_id, amendment.decided_at = status, getattr(actor, "id", None), utcnow()
    amendment.decision_note = note


def _apply(amendment: Amendment, actor, note: str | None, how: str) -> None:
    rec = amendment.recommendation
    proposer = amendment.proposed_by
    name = proposer.name if proposer else "a former member"
    setattr(rec, amendment.section, amendment.new_text)
    version = drafting.add_version(rec, amendment.proposed_by_id, f"Amendment by {name} accepted{how}"[:300],
                                   amendment_id=amendment.id)
    _decide(amendment, actor, "accepted", note)
    amendment.version_id = version.id


def _require_decider(actor, amendment: Amendment) -> Recommendation:
    rec = amendment.recommendation
    require(actor, "recommendations.draft", panel=rec.panel)
    if not (drafting.is_author(actor, rec) or drafting.is_staff(actor, rec.panel)):
        raise PermissionDenied("Only the co-authors of the recommendation and staff decide on amendments.")
    drafting.check_open(rec.panel)
    return rec


def _require_status(amendment: Amendment, *statuses: str) -> None:
    if amendment.status not in statuses:
        raise AmendmentError(f"This amendment is already {amendment.status.replace('_', ' ')}.")


def accept(actor, amendment: Amendment, note: str | None = None) -> None:
    """The amendment's wording replaces the current one, as a new version credited to its author."""
    rec = _require_decider(actor, amendment)
    _require_status(amendment, "proposed")
    if rec.status not in drafting.EDITABLE:
        raise AmendmentError(f"{rec.code} is {rec.status.replace('_', ' ')}: it can no longer be amended.")
    stale = is_stale(amendment)
    _apply(amendment, actor, (note or "").strip() or None, "")
    audit.record("amendment.accepted", amendment, actor=actor, panel=rec.panel, code=rec.code,
                 section=amendment.section, version=len(rec.versions), over_later_changes=stale)
    db.session.commit()


def reject(actor, amendment: Amendment, note: str | None) -> None:
    rec = _require_decider(actor, amendment)
    _require_status(amendment, "proposed")
    note = (note or "").strip()
    if not note:
        raise AmendmentError("Reason for rejecting: say why, so the proposer knows (a sentence is enough).")
    _decide(amendment, actor, "rejected", note[:5000])
    audit.record("amendment.rejected", amendment, actor=actor, panel=rec.panel, code=rec.code)
    db.session.commit()


def send_to_vote(actor, amendment: Amendment) -> None:
    rec = amendment.recommendation
    require(actor, "recommendations.manage", panel=rec.panel)
    drafting.check_open(rec.panel)
    _require_status(amendment, "proposed")
    amendment.status = "to_vote"
    audit.record("amendment.to_vote", amendment, actor=actor, panel=rec.panel, code=rec.code)
    db.session.commit()


def settle_by_vote(amendment: Amendment, accepted: bool, actor) -> None:
    """Called by a voting round that decided the amendment (its permissions are checked there)."""
    rec = amendment.recommendation
    _require_status(amendment, "to_vote")
    if accepted:
        _apply(amendment, actor, "Accepted by a vote of the panel.", " by a vote of the panel")
    else:
        _decide(amendment, actor, "rejected", "Rejected by a vote of the panel.")
    audit.record("amendment.settled_by_vote", amendment, actor=actor, panel=rec.panel, code=rec.code,
                 accepted=bool(accepted))
    db.session.commit()


def withdraw(actor, amendment: Amendment) -> None:
    rec = amendment.recommendation
    require(actor, "recommendations.draft", panel=rec.panel)
    if amendment.proposed_by_id != actor.id:
        raise PermissionDenied("Only the member who proposed an amendment can withdraw it.")
    _require_status(amendment, "proposed")
    amendment.status = "withdrawn"
    audit.record("amendment.withdrawn", amendment, actor=actor, panel=rec.panel, code=rec.code)
    db.session.commit()


def spin_off(actor, amendment: Amendment, *, title: str | None = None, working_group_id=None) -> Recommendation:
    """A rejected amendment becomes a recommendation of its own, its proposer the first co-author."""
    rec = amendment.recommendation
    require(actor, "recommendations.draft", panel=rec.panel)
    if amendment.proposed_by_id != actor.id and not drafting.is_staff(actor, rec.panel):
        raise PermissionDenied("Only the proposer or staff can turn an amendment into a recommendation.")
    _require_status(amendment, "rejected")
    if spun_off(amendment) is not None:
        raise AmendmentError(f"This amendment is already {spun_off(amendment).code}.")
    if amendment.section == "title":
        title, text = title or amendment.new_text, rec.text
    else:
        text = amendment.new_text
    authors = [amendment.proposed_by] if amendment.proposed_by else []
    new = drafting.create(actor, rec.panel, title=title or "", text=text, rationale=amendment.reason,
                          working_group_id=working_group_id or rec.working_group_id, topic_id=rec.topic_id,
                          authors=authors, from_amendment_id=amendment.id,
                          note=f"From a rejected amendment to {rec.code}", commit=False)
    audit.record("amendment.spun_off", amendment, actor=actor, panel=rec.panel, code=rec.code, new_code=new.code)
    db.session.commit()
    return new
