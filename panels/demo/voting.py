"""Votes in the demo: the transport and parks panels adopt a rulebook, vote on their recommendations
(mostly supportive, one not adopted, one with support split across areas) and one minority report
each. Built through the voting services, so the results are counted as a real round would be; a
second run changes nothing."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from sqlalchemy import select

from ..accounts.models import User
from ..extensions import db
from ..panel.models import Panel
from ..recommendations import voting
from ..recommendations.models import MinorityReport, Recommendation, VotingRound
from ..sessions import tables

# Levels (0 = strongly support ... 4 = cannot support) handed out in turn to the voters of a group.
SUPPORTIVE = [0, 1, 0, 2, 1, 0, 1, 2, 0, 1, 2, 1, 0, 1, 0, 2, 1, 0, 1, 2, 0, 1, 3, 1]  # 23 of 24 "can live with it"+
WEAK = [2, 3, 4, 1, 3, 4, 2, 0, 3, 4, 2, 3]  # 5 of 12
STRONG = [0, 0, 1, 0, 1, 2]
RELUCTANT = [2, 3, 1, 2, 4, 2, 3, 2, 1, 4, 2]  # 7 of 11

PANELS = {
    "transport": {
        "secret": True, "weak": 4, "split": 2, "split_strong": ("centre", "east"), "absent": 2,
        "day": 70,
        "minority": ("Bus lanes must not cut off Bridge Street's shops",
                     "We support better buses, but a bus lane on the inner ring road would leave the shops on "
                     "Bridge Street with no loading bays.\n\nWe ask the council to:\n\n"
                     "- keep loading bays on Bridge Street, outside the peak hours;\n"
                     "- try the lane for a year before making it permanent.", 3),
    },
    "parks": {
        "secret": False, "weak": 5, "split": 4, "split_strong": ("north", "centre"), "absent": 1,
        "day": 70,
        "minority": ("Allotments should not take playing fields",
                     "Three of the sites named are used for informal football by young people in Eastfield "
                     "and Southbank. Allotments are welcome, but **not** on land that children already use.", 4),
    },
}


def _when(panel: Panel, days: int) -> datetime:
    start = panel.term_start or datetime.now(UTC).date()
    return datetime.combine(start + timedelta(days=days), time(19), tzinfo=UTC)


def _levels(rec: Recommendation, spec: dict, voters: list, strata: dict, pattern_pos: dict) -> dict[int, int]:
    out = {}
    for user in voters:
        area = strata[user.id].get("area", "")
        if rec.number == spec["split"]:
            pattern = STRONG if area in spec["split_strong"] else RELUCTANT
            key = (rec.id, area in spec["split_strong"])
        else:
            pattern = WEAK if rec.number == spec["weak"] else SUPPORTIVE
            key = (rec.id, None)
        i = pattern_pos.get(key, 0)
        pattern_pos[key] = i + 1
        out.setdefault(user.id, {})[rec.id] = pattern[(i + rec.number) % len(pattern)]
    return out


def _vote(panel: Panel, spec: dict, facilitator: User) -> VotingRound:
    book = voting.current_rulebook(panel)
    if book is None:
        draft = voting.save_draft(facilitator, panel, {
            "secret_ballot": spec["secret"], "threshold": 0.8, "level": 2, "quorum": 0.5,
            "notes": "Agreed at the drafting session after a discussion of consensus and majority rules."})
        book = voting.adopt(facilitator, draft, votes_for=21, votes_against=1, votes_abstain=2,
                            note="Show of hands at the drafting session")
        book.adopted_at = _when(panel, spec["day"] - 14)
        db.session.commit()
    recs = voting.ready_recommendations(panel)
    vround = voting.create_round(facilitator, panel, "Final vote on the recommendations", [r.id for r in recs])
    voting.open_round(facilitator, vround)
    members = tables.members(panel)
    voters = members[: len(members) - spec["absent"]]
    strata = tables.attributes(panel, voters)
    ballots: dict[int, dict[int, int]] = {}
    positions: dict = {}
    for rec in vround.recommendations:
        for uid, levels in _levels(rec, spec, voters, strata, positions).items():
            ballots.setdefault(uid, {}).update(levels)
    for user in voters:
        method = "paper" if user.id % 7 == 0 else "app"
        actor = facilitator if method == "paper" else user
        voting.cast(actor, vround, ballots[user.id], voter=user, method=method)
    voting.close_round(facilitator, vround, present=len(voters))
    vround.opened_at, vround.closed_at = _when(panel, spec["day"]), _when(panel, spec["day"]) + timedelta(hours=1)
    db.session.commit()
    return vround


def _minority(panel: Panel, spec: dict, vround: VotingRound) -> None:
    if db.session.scalar(select(MinorityReport.id).filter_by(panel_id=panel.id)) is not None:
        return
    title, text, cosigners = spec["minority"]
    rec = next(r for r in vround.recommendations if r.number == spec["split"])
    members = tables.members(panel)
    strata = tables.attributes(panel, members)
    dissenters = [u for u in members if strata[u.id].get("area") not in spec["split_strong"]]
    author, others = dissenters[0], dissenters[1: 1 + cosigners]
    # Written on the models: the demo's report may already be published, and a minority report is history.
    report = MinorityReport(panel_id=panel.id, recommendation_id=rec.id, title=title, text=text,
                            author_id=author.id, created_at=vround.closed_at, updated_at=vround.closed_at)
    report.signatories = [author, *others]
    db.session.add(report)
    db.session.commit()


def build(org) -> list[str]:
    facilitator = db.session.scalar(select(User).filter_by(email="facilitator@riverton.example"))
    lines = []
    for slug, spec in PANELS.items():
        panel = db.session.scalar(select(Panel).filter_by(organisation_id=org.id, slug=slug))
        if panel is None or facilitator is None:
            continue
        vround = db.session.scalar(select(VotingRound).filter_by(panel_id=panel.id, status="closed"))
        if vround is None:
            if not voting.ready_recommendations(panel) or len(tables.members(panel)) < 6:
                continue
            vround = _vote(panel, spec, facilitator)
        _minority(panel, spec, vround)
        results = vround.results or {}
        adopted = sum(1 for r in results.values() if r["adopted"])
        lines.append(f"  {panel.title}: rulebook v{vround.rulebook.version}, {adopted} of {len(results)} "
                     f"recommendations adopted ({'secret' if spec['secret'] else 'open'} ballots), "
                     f"1 minority report; results at /panels/{panel.id}/votes/{vround.id}")
    return lines
