"""Voting rounds end to end: rulebooks, opening, ballots, closing, results pages, secrecy."""

from __future__ import annotations

import pytest

from panels.db import utcnow
from tests.recommendations_votes import votes_helpers as h


def _open_round(app, world, *, secret=False, n=10, recs=2, **rules):
    from panels.extensions import db
    from panels.recommendations import voting
    from panels.recommendations.models import VotingRound

    with app.app_context():
        ids = h.members(world, n)
        rec_ids = [h.recommendation(world, i + 1) for i in range(recs)]
        h.rulebook(world, secret_ballot=secret, **rules)
        staff = h.user(world.facilitator.id)
        vround = voting.create_round(staff, h.panel(world), "Final vote", rec_ids)
        voting.open_round(staff, vround)
        vround_id = db.session.get(VotingRound, vround.id).id
    return vround_id, ids, rec_ids


def _cast(app, vround_id, voter_id, levels):
    from panels.extensions import db
    from panels.recommendations import voting
    from panels.recommendations.models import VotingRound

    with app.app_context():
        voter = h.user(voter_id)
        voting.cast(voter, db.session.get(VotingRound, vround_id), levels)


def _close(app, world, vround_id, **kw):
    from panels.extensions import db
    from panels.recommendations import voting
    from panels.recommendations.models import VotingRound

    with app.app_context():
        return voting.close_round(h.user(world.organiser.id), db.session.get(VotingRound, vround_id), **kw)


def test_exactly_80_percent_adopts_and_one_under_does_not(app, world):
    vround_id, ids, (r1, r2) = _open_round(app, world, n=10)
    for i, uid in enumerate(ids):
        _cast(app, vround_id, uid, {r1: 2 if i < 8 else 3, r2: 1 if i < 7 else 4})
    results = _close(app, world, vround_id)
    assert results[str(r1)]["adopted"] and results[str(r1)]["share"] == 0.8
    assert not results[str(r2)]["adopted"]
    from panels.extensions import db
    from panels.recommendations.models import Recommendation

    with app.app_context():
        assert db.session.get(Recommendation, r1).status == "adopted"
        assert db.session.get(Recommendation, r2).status == "not_adopted"


def test_quorum_just_missed_gives_no_valid_result_and_the_recommendation_stays_ready(app, world):
    # 11 members (10 + the world's own member); quorum 50 % needs 6 ballots; 5 is just short.
    vround_id, ids, (r1,) = _open_round(app, world, n=10, recs=1)
    for uid in ids[:5]:
        _cast(app, vround_id, uid, {r1: 0})
    result = _close(app, world, vround_id)[str(r1)]
    assert result["outcome"] == "no_quorum" and result["quorum_needed"] == 6 and not result["adopted"]
    from panels.extensions import db
    from panels.recommendations.models import Recommendation

    with app.app_context():
        assert db.session.get(Recommendation, r1).status == "ready"


def test_supermajority_of_members_present(app, world):
    vround_id, ids, (r1,) = _open_round(app, world, n=10, recs=1, rule="supermajority_present", level=1,
                                        threshold=0.7)
    for uid in ids[:7]:
        _cast(app, vround_id, uid, {r1: 1})
    from panels.recommendations.voting import VotingError

    with pytest.raises(VotingError, match="Members present"):
        _close(app, world, vround_id)
    result = _close(app, world, vround_id, present=10)[str(r1)]
    assert result["adopted"] and result["denominator"] == 10


def test_every_vote_records_the_rulebook_version_it_was_taken_under(app, world):
    vround_id, ids, (r1,) = _open_round(app, world, n=5, recs=1)
    from panels.extensions import db
    from panels.recommendations import voting
    from panels.recommendations.models import Rulebook, VotingRound

    with app.app_context():
        v1 = db.session.get(VotingRound, vround_id).rulebook.version
        # The panel adopts a stricter version 2 while the round is open: the round keeps version 1.
        staff = h.user(world.organiser.id)
        draft = voting.save_draft(staff, h.panel(world), {"threshold": 1.0})
        voting.adopt(staff, draft, votes_for=8, votes_against=2, votes_abstain=0)
        assert voting.current_rulebook(h.panel(world)).version == 2
        assert db.session.query(Rulebook).filter_by(panel_id=world.panel.id, status="adopted").count() == 1
    for uid in ids:
        _cast(app, vround_id, uid, {r1: 0 if uid != ids[0] else 4})
    result = _close(app, world, vround_id)[str(r1)]
    # 4 of 5 is 80 %: adopted under version 1, which version 2 (100 %) would not have done.
    assert result["rulebook_version"] == v1 == 1 and result["adopted"]


def test_one_ballot_per_member_and_only_members_vote(app, world):
    vround_id, ids, (r1,) = _open_round(app, world, n=3, recs=1)
    from panels.recommendations.voting import VotingError

    _cast(app, vround_id, ids[0], {r1: 0})
    with pytest.raises(VotingError, match="already voted"):
        _cast(app, vround_id, ids[0], {r1: 4})
    with pytest.raises(VotingError, match="choose a level for R1"):
        _cast(app, vround_id, ids[1], {})
    from panels.extensions import db
    from panels.recommendations import voting
    from panels.recommendations.models import VotingRound

    with app.app_context(), pytest.raises(Exception):  # noqa: B017,PT011 - 403 from the permission re-check
        voting.cast(h.user(world.facilitator.id), db.session.get(VotingRound, vround_id), {r1: 0})


def test_a_rulebook_needs_a_majority_to_be_adopted_and_supersedes_the_previous(app, world):
    from panels.recommendations import voting

    with app.app_context():
        staff = h.user(world.organiser.id)
        panel = h.panel(world)
        draft = voting.save_draft(staff, panel, {"threshold": 0.75})
        with pytest.raises(voting.VotingError, match="not a majority"):
            voting.adopt(staff, draft, votes_for=5, votes_against=5, votes_abstain=1)
        voting.adopt(staff, draft, votes_for=18, votes_against=3, votes_abstain=2)
        second = voting.save_draft(staff, panel, {"quorum": 0.6})
        assert second.version == 2 and second.threshold == 0.75  # starts from the one in force
        voting.adopt(staff, second, votes_for=12, votes_against=1, votes_abstain=0)
        books = voting.rulebooks(panel)
        assert [(b.version, b.status) for b in books] == [(2, "adopted"), (1, "superseded")]
        assert (books[1].votes_for, books[1].votes_against, books[1].votes_abstain) == (18, 3, 2)
        with pytest.raises(voting.VotingError, match="Threshold"):
            voting.save_draft(staff, panel, {"threshold": 0})


def test_rulebook_page_shows_the_current_version_and_the_adopting_vote(app, world, as_user):
    staff = as_user("facilitator")
    response = staff.post(f"/panels/{world.panel.id}/votes/rulebook", data={
        "scale": "Yes\nMaybe\nNo", "rule": "level_share", "level": "2", "threshold": "75", "quorum": "50",
        "allow_send_back": "y"})
    assert response.status_code == 302
    from panels.extensions import db
    from panels.recommendations.models import Rulebook

    with app.app_context():
        book_id = db.session.query(Rulebook.id).filter_by(panel_id=world.panel.id).scalar()
    bad = staff.post(f"/panels/{world.panel.id}/votes/rulebook/{book_id}/adopt",
                     data={"votes_for": "2", "votes_against": "3", "votes_abstain": "0"})
    assert bad.status_code == 422 and b"not a majority" in bad.data
    assert staff.post(f"/panels/{world.panel.id}/votes/rulebook/{book_id}/adopt",
                      data={"votes_for": "19", "votes_against": "3", "votes_abstain": "1"}).status_code == 302
    page = as_user("member").get(f"/panels/{world.panel.id}/votes/rulebook").get_data(as_text=True)
    assert "In force: version 1" in page and "19 for, 3 against, 1 abstaining" in page
    assert "at least 75 % of the votes cast are “Maybe” or better" in page
    over = staff.post(f"/panels/{world.panel.id}/votes/rulebook", data={
        "scale": "Yes\nNo", "rule": "level_share", "level": "5", "threshold": "120", "quorum": "50"})
    assert over.status_code == 422
    text = over.get_data(as_text=True)
    assert "The scale has 2 levels" in text and "Give a share from 1 to 100 %" in text


def _strata_round(app, world, *, secret):
    vround_id, ids, (r1, r2) = _open_round(app, world, n=12, secret=secret)
    for i, uid in enumerate(ids):
        # R2 is supported in the north (first half) but not in the south: support split across areas.
        _cast(app, vround_id, uid, {r1: 0 if i != 11 else 3, r2: 1 if i < 6 else 4})
    _close(app, world, vround_id)
    return vround_id, ids, (r1, r2)


def test_breakdown_by_category_and_consensus_on_the_results_page(app, world, as_user):
    vround_id, ids, (r1, r2) = _strata_round(app, world, secret=False)
    from panels.recommendations import voting

    with app.app_context():
        results = voting.results_for(h.panel(world))
    area = {c["value"]: c for c in results[r2]["breakdown"]["area"]}
    assert (area["north"]["count"], area["north"]["support"], area["south"]["support"]) == (6, 6, 0)
    assert results[r2]["share"] == 0.5 and results[r2]["consensus"] == 0.0
    assert results[r1]["consensus"] == pytest.approx(5 / 6)  # the one dissenter is young, in the south
    page = as_user("observer").get(f"/panels/{world.panel.id}/votes/{vround_id}").get_data(as_text=True)
    assert page.count('<svg role="img"') >= 2 + 2 * 2  # a support chart and two breakdowns per recommendation
    assert "consensus score" in page and "Support by Area" in page and "rulebook version 1" in page
    assert "How each member voted" in page and "Voter 00" in page  # open ballots may show names


def test_secret_ballots_never_expose_who_voted_what(app, world, as_user):
    vround_id, ids, (r1, r2) = _strata_round(app, world, secret=True)
    from panels.audit import AuditEvent
    from panels.extensions import db
    from panels.recommendations.models import Ballot, Vote, VotingRound

    with app.app_context():
        names = [h.user(uid).name for uid in ids]
        frozen = str(db.session.get(VotingRound, vround_id).results)
        assert not any(h.user(uid).name in frozen or h.user(uid).email in frozen for uid in ids)
        assert "user_id" not in frozen
        votes = db.session.query(Vote).filter_by(voting_round_id=vround_id).all()
        assert len(votes) == 24 and all(v.user_id is None and not v.strata for v in votes)
        assert db.session.query(Ballot).filter_by(voting_round_id=vround_id).count() == 12  # receipts only
        for event in db.session.query(AuditEvent).all():
            assert "level" not in str(event.details) and "levels" not in str(event.details)
            assert not set(map(str, event.details.values())) & {"0", "1", "3", "4"} or event.action in (
                "votes.round_closed", "votes.round_opened", "votes.ballot_cast")
    page = as_user("organiser").get(f"/panels/{world.panel.id}/votes/{vround_id}").get_data(as_text=True)
    csv = as_user("organiser").get(f"/panels/{world.panel.id}/votes/{vround_id}/results.csv").get_data(as_text=True)
    for name in names:
        assert name not in page and name not in csv
    assert "How each member voted" not in page and "tallies only" in page
    assert "Ballots were secret, so groups with fewer than 3 voters are hidden" in page
    audit = as_user("organiser").get(f"/panels/{world.panel.id}/audit").get_data(as_text=True)
    for label in ("Strongly support", "Cannot support", "Have concerns"):
        assert label not in audit


def test_secret_breakdown_hides_groups_under_three(app, world):
    from panels.recommendations import voting

    vround_id, ids, (r1,) = _open_round(app, world, n=6, secret=True, recs=1)
    for uid in ids[:4]:
        _cast(app, vround_id, uid, {r1: 0})
    _close(app, world, vround_id)
    with app.app_context():
        result = voting.results_for(h.panel(world))[r1]
    # 4 voters: ages old/young 2 and 2 -> both hidden; areas north 3, south 1 -> both hidden (complement).
    assert all(c["hidden"] for c in result["breakdown"]["age"])
    assert all(c["hidden"] for c in result["breakdown"]["area"])


def test_send_back_for_redrafting_when_the_rulebook_allows(app, world):
    vround_id, ids, (r1, r2) = _open_round(app, world, n=10)
    for uid in ids:
        _cast(app, vround_id, uid, {r1: 4, r2: 4})
    results = _close(app, world, vround_id, send_back={r1})
    assert results[str(r1)]["sent_back"] and not results[str(r2)]["sent_back"]
    from panels.extensions import db
    from panels.recommendations.models import Recommendation

    with app.app_context():
        assert db.session.get(Recommendation, r1).status == "redraft"
        assert db.session.get(Recommendation, r2).status == "not_adopted"


def test_members_vote_in_the_app_and_staff_enter_paper_ballots(app, world, as_user, client):
    vround_id, ids, (r1, r2) = _open_round(app, world, n=3)
    member = as_user("member")
    form = member.get(f"/panels/{world.panel.id}/votes/{vround_id}/ballot").get_data(as_text=True)
    assert 'type="radio"' in form and "Can live with it" in form
    missing = member.post(f"/panels/{world.panel.id}/votes/{vround_id}/ballot", data={f"rec_{r1}": "0"})
    assert missing.status_code == 422 and "Choose your level of support for R2" in missing.get_data(as_text=True)
    done = member.post(f"/panels/{world.panel.id}/votes/{vround_id}/ballot", data={f"rec_{r1}": "0", f"rec_{r2}": "2"})
    assert done.status_code == 302
    again = member.get(f"/panels/{world.panel.id}/votes/{vround_id}/ballot").get_data(as_text=True)
    assert "Your ballot is in" in again
    staff = as_user("facilitator")
    paper = staff.post(f"/panels/{world.panel.id}/votes/{vround_id}/paper",
                       data={"member": str(ids[0]), f"rec_{r1}": "1", f"rec_{r2}": "4"})
    assert paper.status_code == 302
    twice = staff.post(f"/panels/{world.panel.id}/votes/{vround_id}/paper",
                       data={"member": str(ids[0]), f"rec_{r1}": "1", f"rec_{r2}": "4"})
    assert twice.status_code == 422 and "already voted" in twice.get_data(as_text=True)
    close = staff.post(f"/panels/{world.panel.id}/votes/{vround_id}/close", data={})
    assert close.status_code == 302
    csv = staff.get(f"/panels/{world.panel.id}/votes/{vround_id}/results.csv").get_data(as_text=True)
    assert "R1,Recommendation 1,1," in csv and "Member" in csv  # open ballots: names in the export



def test_amendments_sent_to_a_vote_are_settled_before_the_round_opens(app, world, as_user):
    from panels.extensions import db
    from panels.recommendations import drafting
    from panels.recommendations.models import Amendment, Recommendation, VotingRound

    with app.app_context():
        h.members(world, 3)
        rec_id = h.recommendation(world, 1)
        rec = db.session.get(Recommendation, rec_id)
        drafting.add_version(rec, None, "First version")
        db.session.commit()
        h.rulebook(world)
        taken = Amendment(recommendation_id=rec_id, base_version=1, new_text="Do thing number 1, **faster**.",
                          status="to_vote", proposed_by_id=world.member.id)
        dropped = Amendment(recommendation_id=rec_id, base_version=1, new_text="Do nothing.", status="to_vote")
        db.session.add_all([taken, dropped])
        db.session.commit()
        taken_id, dropped_id = taken.id, dropped.id
    staff = as_user("facilitator")
    assert staff.post(f"/panels/{world.panel.id}/votes/new", data={"title": "Vote", "recommendations": [str(rec_id)]}
                      ).status_code == 302
    with app.app_context():
        vround_id = db.session.query(VotingRound.id).filter_by(panel_id=world.panel.id).scalar()
    page = staff.get(f"/panels/{world.panel.id}/votes/{vround_id}").get_data(as_text=True)
    assert "Amendments sent to a vote of the panel" in page and "<strong>faster</strong>" in page
    url = f"/panels/{world.panel.id}/votes/{vround_id}/amendments"
    assert staff.post(f"{url}/{taken_id}", data={f"a{taken_id}-votes_for": "12", f"a{taken_id}-votes_against": "3",
                                                f"a{taken_id}-votes_abstain": "1"}).status_code == 302
    assert staff.post(f"{url}/{dropped_id}", data={f"a{dropped_id}-votes_for": "2", f"a{dropped_id}-votes_against":
                                                   "13", f"a{dropped_id}-votes_abstain": "1"}).status_code == 302
    with app.app_context():
        rec = db.session.get(Recommendation, rec_id)
        assert rec.text == "Do thing number 1, **faster**." and rec.status == "ready"
        assert db.session.get(Amendment, taken_id).status == "accepted"
        dropped = db.session.get(Amendment, dropped_id)
        assert dropped.status == "rejected" and "2 for, 13 against" in dropped.decision_note
    staff.post(f"/panels/{world.panel.id}/votes/{vround_id}/open")
    late = staff.post(f"{url}/{dropped_id}", data={f"a{dropped_id}-votes_for": "9", f"a{dropped_id}-votes_against":
                                                   "1", f"a{dropped_id}-votes_abstain": "0"})
    assert late.status_code == 422


def test_results_csv_cells_are_never_spreadsheet_formulas(app, world, as_user):
    from panels.extensions import db
    from panels.recommendations.models import Recommendation

    vround_id, ids, (r1,) = _open_round(app, world, n=3, recs=1)
    with app.app_context():
        db.session.get(Recommendation, r1).title = '=HYPERLINK("http://evil.example","x")'
        db.session.commit()
    for uid in ids:
        _cast(app, vround_id, uid, {r1: 0})
    _close(app, world, vround_id)
    text = as_user("organiser").get(f"/panels/{world.panel.id}/votes/{vround_id}/results.csv").get_data(as_text=True)
    assert "'=HYPERLINK" in text and ",=HYPERLINK" not in text and ",\"=HYPERLINK" not in text


def test_no_round_can_be_created_once_the_final_report_is_published(app, world):
    from panels.extensions import db
    from panels.recommendations import voting
    from panels.recommendations.models import FinalReport

    with app.app_context():
        h.members(world, 3)
        rec_id = h.recommendation(world, 1)
        h.rulebook(world)
        db.session.add(FinalReport(panel_id=world.panel.id, status="published", published_at=utcnow()))
        db.session.commit()
        with pytest.raises(voting.VotingError, match="published"):
            voting.create_round(h.user(world.facilitator.id), h.panel(world), "Late vote", [rec_id])
