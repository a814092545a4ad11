"""Rulebooks and voting rounds: the panel adopts its decision rules, then votes on recommendations.

A round freezes the rulebook in force and the number of eligible members when it opens, and its
results (counted by ``tally``) when it closes, so later changes to the rules or the panel never
rewrite a past vote. With secret ballots a vote carries no user id and a random key; the ``Ballot``
receipt only says that a member took part. At close, the votes of a secret round are written back
in random order without their strata (the frozen results keep the breakdown), so neither the row
order nor a rare combination of categories can point back at a member.
"""

from __future__ import annotations

import random
from collections import Counter

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from .. import audit
from ..access import require
from ..db import utcnow
from ..extensions import db
from ..sessions import tables
from . import tally as tallying
from .models import DEFAULT_SCALE, Ballot, Recommendation, Rulebook, Vote, VotingRound

RULEBOOK_FIELDS = ("scale", "rule", "level", "threshold", "quorum", "secret_ballot", "allow_send_back", "notes")


class VotingError(ValueError):
    pass


# --------------------------------------------------------------------------- rulebooks

def current_rulebook(panel) -> Rulebook | None:
    """The rulebook in force (the one adopted and not superseded), if any."""
    return db.session.scalar(select(Rulebook).where(Rulebook.panel_id == panel.id, Rulebook.status == "adopted")
                             .order_by(Rulebook.version.desc()))


def rulebooks(panel) -> list[Rulebook]:
    return db.session.scalars(select(Rulebook).where(Rulebook.panel_id == panel.id)
                              .order_by(Rulebook.version.desc())).all()


def draft_of(panel) -> Rulebook | None:
    return db.session.scalar(select(Rulebook).where(Rulebook.panel_id == panel.id, Rulebook.status == "draft"))


def as_dict(book: Rulebook) -> dict:
    return {field: getattr(book, field) for field in RULEBOOK_FIELDS} | {"version": book.version}


def save_draft(actor, panel, fields: dict) -> Rulebook:
    """Write the next version's draft, starting from the rulebook in force (or the defaults)."""
    require(actor, "votes.manage", panel=panel)
    base = current_rulebook(panel)
    values = as_dict(base) if base else {"scale": list(DEFAULT_SCALE), "rule": "level_share", "level": 2,
                                         "threshold": 0.8, "quorum": 0.5, "secret_ballot": False,
                                         "allow_send_back": True, "notes": None}
    values.update({k: v for k, v in fields.items() if k in RULEBOOK_FIELDS})
    try:
        tallying.check_rulebook(values)
    except tallying.TallyError as exc:
        raise VotingError(str(exc)) from exc
    book = draft_of(panel)
    if book is None:
        version = (db.session.scalar(select(func.max(Rulebook.version)).where(Rulebook.panel_id == panel.id)) or 0) + 1
        book = Rulebook(panel_id=panel.id, version=version, status="draft", created_by_id=actor.id)
        db.session.add(book)
    for key, value in values.items():
        if key in RULEBOOK_FIELDS:
            setattr(book, key, value)
    audit.record("votes.rulebook_drafted", book, actor=actor, panel=panel, version=book.version)
    db.session.commit()
    return book


def adopt(actor, book: Rulebook, *, votes_for: int, votes_against: int, votes_abstain: int,
          note: str | None = None) -> Rulebook:
    """Record the panel's vote adopting a draft; it supersedes the rulebook in force."""
    require(actor, "votes.manage", panel=book_panel(book))
    if book.status != "draft":
        raise VotingError("This rulebook is not a draft: draft a new version to change the rules.")
    counts = (votes_for, votes_against, votes_abstain)
    if any(c is None or c < 0 for c in counts):
        raise VotingError("Votes: give the number for, against and abstaining (0 or more).")
    if votes_for <= votes_against:
        raise VotingError(f"Votes for: {votes_for} for and {votes_against} against is not a majority; "
                          "the rulebook stays a draft.")
    previous = current_rulebook(book_panel(book))
    if previous is not None:
        previous.status = "superseded"
    book.status, book.adopted_at, book.recorded_by_id = "adopted", utcnow(), actor.id
    book.votes_for, book.votes_against, book.votes_abstain, book.adopted_note = *counts, note or None
    audit.record("votes.rulebook_adopted", book, actor=actor, panel=book_panel(book), version=book.version,
                 votes_for=votes_for, votes_against=votes_against, votes_abstain=votes_abstain,
                 supersedes=previous.version if previous else None)
    db.session.commit()
    return book


def book_panel(book: Rulebook):
    from ..panel.models import Panel

    return db.session.get(Panel, book.panel_id)


# --------------------------------------------------------------------------- rounds

def rounds(panel) -> list[VotingRound]:
    return db.session.scalars(select(VotingRound).where(VotingRound.panel_id == panel.id)
                              .order_by(VotingRound.created_at.desc(), VotingRound.id.desc())).all()


def ready_recommendations(panel) -> list[Recommendation]:
    return db.session.scalars(select(Recommendation).where(Recommendation.panel_id == panel.id,
                                                           Recommendation.status == "ready")
                              .order_by(Recommendation.number)).all()


def _refuse_after_publication(panel) -> None:
    from .drafting import report_published

    if report_published(panel):
        raise VotingError("The final report is published: its votes can no longer change.")


def create_round(actor, panel, title: str, recommendation_ids: list[int]) -> VotingRound:
    require(actor, "votes.manage", panel=panel)
    _refuse_after_publication(panel)
    book = current_rulebook(panel)
    if book is None:
        raise VotingError("Rulebook: the panel has no adopted rulebook yet. Adopt one before voting.")
    ready = {r.id: r for r in ready_recommendations(panel)}
    chosen = [ready[i] for i in recommendation_ids if i in ready]
    if not chosen or len(chosen) != len(set(recommendation_ids)):
        raise VotingError("Recommendations: choose one or more recommendations that are ready for a vote.")
    busy = [r.code for r in chosen if _in_unfinished_round(r)]
    if busy:
        raise VotingError(f"Recommendations: {', '.join(busy)} already in a round that is not closed.")
    vround = VotingRound(panel_id=panel.id, title=title.strip(), rulebook_id=book.id, created_by_id=actor.id,
                         status="draft", recommendations=chosen)
    db.session.add(vround)
    audit.record("votes.round_created", vround, actor=actor, panel=panel, recommendations=[r.code for r in chosen])
    db.session.commit()
    return vround


def _in_unfinished_round(rec: Recommendation) -> bool:
    from .models import round_recommendation as rr

    return db.session.scalar(select(func.count()).select_from(rr)
                             .join(VotingRound, VotingRound.id == rr.c.voting_round_id)
                             .where(rr.c.recommendation_id == rec.id, VotingRound.status != "closed")) > 0


def open_round(actor, vround: VotingRound) -> VotingRound:
    """Freeze the rulebook in force and the number of eligible members; members can vote."""
    panel = _panel(vround)
    require(actor, "votes.manage", panel=panel)
    if vround.status != "draft":
        raise VotingError("This round has already been opened.")
    _refuse_after_publication(panel)
    book = current_rulebook(panel)
    if book is None:
        raise VotingError("Rulebook: the panel has no adopted rulebook. Adopt one before opening the round.")
    eligible = len(tables.members(panel))
    if eligible == 0:
        raise VotingError("Members: the panel has no members to vote.")
    vround.rulebook_id, vround.members_eligible = book.id, eligible
    vround.status, vround.opened_at = "open", utcnow()
    audit.record("votes.round_opened", vround, actor=actor, panel=panel, rulebook_version=book.version,
                 eligible=eligible)
    db.session.commit()
    return vround


def _panel(vround: VotingRound):
    from ..panel.models import Panel

    return db.session.get(Panel, vround.panel_id)


def ballot_of(vround: VotingRound, user) -> Ballot | None:
    return db.session.scalar(select(Ballot).where(Ballot.voting_round_id == vround.id, Ballot.user_id == user.id))


def ballots_cast(vround: VotingRound) -> int:
    return db.session.scalar(select(func.count()).select_from(Ballot).where(Ballot.voting_round_id == vround.id)) or 0


def cast(actor, vround: VotingRound, levels: dict[int, int], *, voter=None, method: str = "app") -> Ballot:
    """One ballot per member per round: a support level for every recommendation in the round.

    ``voter`` is the member (the actor themselves in the app; the member whose paper ballot a
    facilitator enters)."""
    panel = _panel(vround)
    voter = voter or actor
    require(actor, "votes.cast" if method == "app" else "votes.manage", panel=panel)
    if vround.status != "open":
        raise VotingError("This round is not open for voting.")
    if voter.id not in {u.id for u in tables.members(panel)}:
        raise VotingError("Member: only members of the panel vote.")
    if ballot_of(vround, voter) is not None:
        raise VotingError("Ballot: this member has already voted in this round (one ballot per member).")
    size = len(vround.rulebook.scale)
    missing = [r.code for r in vround.recommendations if r.id not in levels]
    if missing:
        raise VotingError(f"Support: choose a level for {', '.join(missing)}.")
    if any(not 0 <= int(levels[r.id]) < size for r in vround.recommendations):
        raise VotingError("Support: choose one of the levels on the scale.")
    secret = vround.rulebook.secret_ballot
    strata = tables.attributes(panel, [voter]).get(voter.id, {})
    ballot = Ballot(voting_round_id=vround.id, user_id=voter.id, method=method)
    db.session.add(ballot)
    for rec in vround.recommendations:
        db.session.add(Vote(voting_round_id=vround.id, recommendation_id=rec.id, level=int(levels[rec.id]),
                            user_id=None if secret else voter.id, strata=dict(strata)))
    # Who took part is not secret (the receipt says so); how they voted never goes in the log.
    audit.record("votes.ballot_cast", vround, actor=actor, panel=panel, method=method,
                 member=None if method == "app" else voter.id)
    try:
        db.session.commit()
    except IntegrityError as exc:
        db.session.rollback()
        raise VotingError("Ballot: this member has already voted in this round (one ballot per member).") from exc
    return ballot


def close_round(actor, vround: VotingRound, *, present: int | None = None, send_back: set[int] = frozenset()) -> dict:
    """Count every recommendation under the frozen rulebook, freeze the results and set the statuses."""
    panel = _panel(vround)
    require(actor, "votes.manage", panel=panel)
    if vround.status != "open":
        raise VotingError("Only an open round can be closed.")
    book = vround.rulebook
    if present is not None:
        vround.members_present = present
    if book.rule == "supermajority_present" and vround.members_present is None:
        raise VotingError("Members present: this rulebook counts the members present; record how many were.")
    if send_back and not book.allow_send_back:
        raise VotingError("Send back: this rulebook does not allow sending recommendations back for redrafting.")
    rule = as_dict(book)
    categories = _categories(panel)
    results, outcomes = {}, Counter()
    for rec in vround.recommendations:
        votes = db.session.scalars(select(Vote).where(Vote.voting_round_id == vround.id,
                                                      Vote.recommendation_id == rec.id)).all()
        try:
            result = tallying.tally(rule, [{"level": v.level, "strata": v.strata} for v in votes],
                                    eligible=vround.members_eligible or 0, present=vround.members_present,
                                    categories=categories or None)
        except tallying.TallyError as exc:
            raise VotingError(str(exc)) from exc
        result |= {"recommendation_id": rec.id, "code": rec.code, "title": rec.title, "round_id": vround.id,
                   "round_title": vround.title, "rulebook_id": book.id, "rulebook_version": book.version,
                   "ballots": ballots_cast(vround), "sent_back": False}
        if not result["quorum_met"]:
            status = "ready"  # no valid result: it can go to another round
        elif rec.id in send_back and not result["adopted"]:
            status, result["sent_back"] = "redraft", True
        else:
            status = "adopted" if result["adopted"] else "not_adopted"
        rec.status = status
        results[str(rec.id)] = result
        outcomes[result["outcome"]] += 1
    vround.results, vround.status, vround.closed_at = results, "closed", utcnow()
    if book.secret_ballot:
        _shuffle_and_strip(vround)
    audit.record("votes.round_closed", vround, actor=actor, panel=panel, rulebook_version=book.version,
                 ballots=ballots_cast(vround), **{k: outcomes[k] for k in ("adopted", "not_adopted", "no_quorum")})
    db.session.commit()
    return results


def _shuffle_and_strip(vround: VotingRound) -> None:
    rows = db.session.scalars(select(Vote).where(Vote.voting_round_id == vround.id)).all()
    kept = [(v.recommendation_id, v.level) for v in rows]
    for v in rows:
        db.session.delete(v)
    db.session.flush()
    random.SystemRandom().shuffle(kept)
    db.session.add_all([Vote(voting_round_id=vround.id, recommendation_id=rec_id, level=level, user_id=None,
                             strata={}) for rec_id, level in kept])


def _categories(panel) -> list[str]:
    from ..pool.models import RegistrationSettings

    settings = db.session.scalar(select(RegistrationSettings).where(RegistrationSettings.panel_id == panel.id))
    return [c["key"] for c in (settings.categories if settings else []) if c.get("key")]


def category_labels(panel) -> dict[str, str]:
    from ..pool.models import RegistrationSettings

    settings = db.session.scalar(select(RegistrationSettings).where(RegistrationSettings.panel_id == panel.id))
    return {c["key"]: c.get("question") or c["key"] for c in (settings.categories if settings else [])}


def open_votes(vround: VotingRound) -> list[tuple[str, dict[int, int]]]:
    """Who voted what, for open ballots only (names beside levels); empty for secret ballots."""
    if vround.rulebook.secret_ballot:
        return []
    from ..accounts.models import User

    by_user: dict[int, dict[int, int]] = {}
    for v in db.session.scalars(select(Vote).where(Vote.voting_round_id == vround.id, Vote.user_id.is_not(None))):
        by_user.setdefault(v.user_id, {})[v.recommendation_id] = v.level
    names = {u.id: u.name for u in db.session.scalars(select(User).where(User.id.in_(list(by_user))))}
    return sorted(((names.get(uid, "?"), levels) for uid, levels in by_user.items()), key=lambda p: p[0])


# --------------------------------------------------------------------------- amendments sent to a vote

def amendments_of(vround: VotingRound) -> list:
    """Amendments to the round's recommendations that wait for the panel's vote, or were settled in it."""
    from .models import Amendment

    ids = [r.id for r in vround.recommendations]
    return db.session.scalars(select(Amendment).where(Amendment.recommendation_id.in_(ids)).where(
        (Amendment.status == "to_vote") | (Amendment.voting_round_id == vround.id))
        .order_by(Amendment.recommendation_id, Amendment.created_at)).all()


def settle_amendment(actor, vround: VotingRound, amendment, *, votes_for: int, votes_against: int,
                     votes_abstain: int) -> bool:
    """Record the panel's vote on an amendment (a show of hands) before the round opens, so members
    then vote on the final wording; accepted when more vote for than against."""
    panel = _panel(vround)
    require(actor, "votes.manage", panel=panel)
    if vround.status != "draft":
        raise VotingError("Amendments are voted on before the round opens, so members vote on the final text.")
    if amendment.status != "to_vote" or amendment.recommendation_id not in {r.id for r in vround.recommendations}:
        raise VotingError("Amendment: it is not waiting for a vote on a recommendation of this round.")
    if any(c is None or c < 0 for c in (votes_for, votes_against, votes_abstain)):
        raise VotingError("Votes: give the number for, against and abstaining (0 or more).")
    from . import amendments

    accepted = votes_for > votes_against
    amendment.voting_round_id = vround.id
    amendments.settle_by_vote(amendment, accepted, actor)
    amendment.decision_note = (f"{'Accepted' if accepted else 'Rejected'} by a vote of the panel: {votes_for} for, "
                               f"{votes_against} against, {votes_abstain} abstaining.")
    audit.record("votes.amendment_settled", vround, actor=actor, panel=panel, amendment=amendment.id,
                 accepted=accepted, votes_for=votes_for, votes_against=votes_against, votes_abstain=votes_abstain)
    db.session.commit()
    return accepted


# --------------------------------------------------------------------------- for the final report

def results_for(panel) -> dict[int, dict]:
    """Recommendation id -> its result in the latest closed round that voted on it (stable API)."""
    out: dict[int, dict] = {}
    closed = db.session.scalars(select(VotingRound).where(VotingRound.panel_id == panel.id,
                                                          VotingRound.status == "closed")
                                .order_by(VotingRound.closed_at, VotingRound.id)).all()
    for vround in closed:
        for key, result in (vround.results or {}).items():
            out[int(key)] = result
    return out


def support_chart(result: dict):
    """The distribution of support levels of one result as a chart (a reportlab Drawing; stable API)."""
    from ..charts import bar_chart

    votes = result.get("votes") or 0
    shares = [c / votes if votes else 0.0 for c in result["distribution"]]
    title = f"{result.get('code', '')} support ({votes} votes)".strip()
    return bar_chart(result["scale"], {"Share of votes": shares}, title=title, percent=True)


def support_text(result: dict) -> str:
    """The chart's text alternative in one sentence."""
    votes = result.get("votes") or 0
    parts = [f"{label}: {count} ({100 * count / votes if votes else 0:.0f} %)"
             for label, count in zip(result["scale"], result["distribution"], strict=True)]
    return f"{votes} votes. " + "; ".join(parts) + "."


def breakdown_chart(result: dict, category: str, label: str | None = None):
    """Share of support by group of one category (hidden cells left out)."""
    from ..charts import bar_chart

    cells = [c for c in result["breakdown"].get(category, []) if not c["hidden"]]
    title = f"{result.get('code', '')} — support by {label or category}".strip(" —")
    return bar_chart([c["value"] for c in cells] or ["(no group large enough)"],
                     {f"{result['level_label']} or better": [c["share"] for c in cells] or [0]},
                     title=title, percent=True)
