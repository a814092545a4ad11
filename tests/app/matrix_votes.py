"""Authorization matrix entries for rulebooks, voting rounds, ballots and minority reports."""

from __future__ import annotations

from tests.app.matrix_roles import ON_PANEL

STAFF = {"facilitator", "organiser", "admin"}
MEMBERS = {"member"}

MATRIX = {
    "votes.rulebook": ON_PANEL,
    "votes.rulebook_draft": STAFF,
    "votes.rulebook_adopt": STAFF,
    "votes.rounds": ON_PANEL,
    "votes.round_new": STAFF,
    "votes.round_create": STAFF,
    "votes.round_detail": ON_PANEL,
    "votes.round_open": STAFF,
    "votes.round_close": STAFF,
    "votes.amendment_settle": STAFF,
    "votes.ballot": MEMBERS,
    "votes.ballot_cast": MEMBERS,
    "votes.paper": STAFF,
    "votes.paper_record": STAFF,
    "votes.results_csv": ON_PANEL,
    "votes.minority_list": ON_PANEL,
    "votes.minority_new": MEMBERS,
    "votes.minority_create": MEMBERS,
    "votes.minority_detail": ON_PANEL,
    "votes.minority_edit": MEMBERS,
    "votes.minority_update": MEMBERS,
    "votes.minority_sign": MEMBERS,
    "votes.minority_unsign": MEMBERS,
    "votes.minority_delete": MEMBERS,
}


def url_values(world, app) -> dict:
    """An adopted rulebook and a draft of the next version, an open round, a member's minority report."""
    from panels.db import utcnow
    from panels.extensions import db
    from panels.recommendations.models import Amendment, MinorityReport, Recommendation, Rulebook, VotingRound

    with app.app_context():
        number = (db.session.query(db.func.max(Recommendation.number)).filter_by(panel_id=world.panel.id).scalar()
                  or 0) + 1
        rec = Recommendation(panel_id=world.panel.id, number=number, title="Matrix recommendation",
                             text="Plant trees.", status="ready")
        db.session.add(rec)
        adopted = Rulebook(panel_id=world.panel.id, version=1, status="adopted", adopted_at=utcnow(),
                           votes_for=10, votes_against=0, votes_abstain=0)
        draft = Rulebook(panel_id=world.panel.id, version=2, status="draft")
        db.session.add_all([adopted, draft])
        db.session.flush()
        vround = VotingRound(panel_id=world.panel.id, title="Matrix round", rulebook_id=adopted.id, status="open",
                             members_eligible=1, opened_at=utcnow(), recommendations=[rec])
        report = MinorityReport(panel_id=world.panel.id, recommendation_id=rec.id, title="We disagree",
                                text="Because.", author_id=world.member.id)
        amendment = Amendment(recommendation_id=rec.id, base_version=1, new_text="Plant more trees.",
                              status="to_vote")
        db.session.add_all([vround, report, amendment])
        db.session.commit()
        return {"rulebook_id": draft.id, "voting_round_id": vround.id, "minority_report_id": report.id,
                "voted_amendment_id": amendment.id}
