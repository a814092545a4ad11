"""The amendment lifecycle: propose, accept (credited to its author), reject, to a vote, spin off, withdraw."""

from __future__ import annotations

from tests.conftest import login
from tests.recommendations_drafting import drafting_helpers as h


def _state(app, rec_id):
    from panels.extensions import db
    from panels.recommendations.models import Recommendation

    with app.app_context():
        rec = db.session.get(Recommendation, rec_id)
        return {"title": rec.title, "text": rec.text, "rationale": rec.rationale,
                "versions": [(v.number, v.author_id, v.amendment_id, v.note) for v in rec.versions],
                "amendments": {a.id: (a.status, a.decision_note, a.version_id) for a in rec.amendments}}


def _audit(app, action):
    from panels.audit import AuditEvent
    from panels.extensions import db

    with app.app_context():
        return db.session.query(AuditEvent).filter_by(action=action).count()


def _second(app, world):
    other = h.add_member(app, world)
    client = app.test_client()
    login(client, other.email)
    return other, client


def test_a_member_proposes_and_the_co_author_accepts_it_credited_to_the_proposer(app, world, as_user):
    rec_id = h.draft(app, world)
    other, client = _second(app, world)
    response = client.post(h.rec_url(world, rec_id, "/amendments/new"),
                           data={"section": "text", "new_text": "Run buses every 10 minutes.", "reason": "Faster"})
    assert response.status_code == 302
    amendment_id = next(iter(_state(app, rec_id)["amendments"]))
    # the proposer, not a co-author, cannot accept their own amendment
    assert client.post(h.amendment_url(world, rec_id, amendment_id, "accept")).status_code == 403
    as_user("member").post(h.amendment_url(world, rec_id, amendment_id, "accept"))
    state = _state(app, rec_id)
    assert state["text"] == "Run buses every 10 minutes."
    number, author, linked, note = state["versions"][-1]
    assert (number, author, linked) == (2, other.id, amendment_id)
    assert note == "Amendment by Second Member accepted"
    assert state["amendments"][amendment_id][0] == "accepted"
    page = as_user("member").get(h.rec_url(world, rec_id)).get_data(as_text=True)
    assert "Amendment by Second Member accepted" in page
    assert _audit(app, "amendment.proposed") == 1 and _audit(app, "amendment.accepted") == 1


def test_title_and_rationale_amendments_change_only_their_part(app, world, as_user):
    rec_id = h.draft(app, world)
    other = h.add_member(app, world)
    title_id = h.propose(app, rec_id, other.id, "Frequent buses", section="title")
    why_id = h.propose(app, rec_id, other.id, "Because waiting is the worst part.", section="rationale")
    client = as_user("member")
    client.post(h.amendment_url(world, rec_id, title_id, "accept"))
    client.post(h.amendment_url(world, rec_id, why_id, "accept"))
    state = _state(app, rec_id)
    assert state["title"] == "Frequent buses" and state["rationale"] == "Because waiting is the worst part."
    assert state["text"] == "Run buses every 15 minutes." and len(state["versions"]) == 3


def test_reject_needs_a_reason_and_keeps_the_text(app, world, as_user):
    rec_id = h.draft(app, world)
    other = h.add_member(app, world)
    amendment_id = h.propose(app, rec_id, other.id, "Abolish buses.")
    client = as_user("member")
    client.post(h.amendment_url(world, rec_id, amendment_id, "reject"), data={"note": ""})
    assert _state(app, rec_id)["amendments"][amendment_id][0] == "proposed"
    response = client.post(h.amendment_url(world, rec_id, amendment_id, "reject"), data={"note": ""},
                           follow_redirects=True)
    assert "Reason for rejecting" in response.get_data(as_text=True)
    client.post(h.amendment_url(world, rec_id, amendment_id, "reject"), data={"note": "Out of our remit."})
    state = _state(app, rec_id)
    assert state["amendments"][amendment_id][:2] == ("rejected", "Out of our remit.")
    assert state["text"] == "Run buses every 15 minutes." and len(state["versions"]) == 1


def test_to_a_vote_then_settled_by_the_voting_round(app, world, as_user):
    from panels.accounts.models import User
    from panels.extensions import db
    from panels.recommendations import amendments
    from panels.recommendations.models import Amendment

    rec_id = h.draft(app, world)
    other = h.add_member(app, world)
    yes_id = h.propose(app, rec_id, other.id, "Run buses every 8 minutes.")
    no_id = h.propose(app, rec_id, other.id, "Run buses hourly.")
    # members cannot send an amendment to a vote; staff can
    assert as_user("member").post(h.amendment_url(world, rec_id, yes_id, "vote")).status_code == 403
    for amendment_id in (yes_id, no_id):
        as_user("facilitator").post(h.amendment_url(world, rec_id, amendment_id, "vote"))
    assert {s for s, _, _ in _state(app, rec_id)["amendments"].values()} == {"to_vote"}
    # while it is with the panel, the co-authors cannot decide it themselves
    as_user("member").post(h.amendment_url(world, rec_id, yes_id, "accept"))
    assert _state(app, rec_id)["amendments"][yes_id][0] == "to_vote"
    with app.app_context():
        organiser = db.session.get(User, world.organiser.id)
        amendments.settle_by_vote(db.session.get(Amendment, yes_id), True, organiser)
        amendments.settle_by_vote(db.session.get(Amendment, no_id), False, organiser)
    state = _state(app, rec_id)
    assert state["text"] == "Run buses every 8 minutes."
    assert state["versions"][-1][1:3] == (other.id, yes_id)
    assert state["amendments"][no_id][:2] == ("rejected", "Rejected by a vote of the panel.")
    assert _audit(app, "amendment.settled_by_vote") == 2


def test_a_rejected_amendment_becomes_a_recommendation_of_its_own(app, world, as_user):
    rec_id = h.draft(app, world)
    other, client = _second(app, world)
    amendment_id = h.propose(app, rec_id, other.id, "Free buses for under-18s.", reason="Young people")
    # not yet rejected: no spin-off
    client.post(h.amendment_url(world, rec_id, amendment_id, "spin-off"), data={"title": "Free buses"})
    as_user("member").post(h.amendment_url(world, rec_id, amendment_id, "reject"), data={"note": "Another idea."})
    response = client.post(h.amendment_url(world, rec_id, amendment_id, "spin-off"), data={"title": "Free buses"})
    assert response.status_code == 302
    from panels.extensions import db
    from panels.recommendations.models import Recommendation

    with app.app_context():
        new = db.session.query(Recommendation).filter_by(from_amendment_id=amendment_id).one()
        assert (new.code, new.title, new.text, new.rationale) == ("R2", "Free buses", "Free buses for under-18s.",
                                                                   "Young people")
        assert [a.id for a in new.authors] == [other.id] and len(new.versions) == 1
        new_id = new.id
    assert response.headers["Location"].endswith(f"/recommendations/{new_id}")
    # once only
    client.post(h.amendment_url(world, rec_id, amendment_id, "spin-off"), data={"title": "Again"})
    with app.app_context():
        assert db.session.query(Recommendation).count() == 2
    page = client.get(h.rec_url(world, rec_id)).get_data(as_text=True)
    assert "It became" in page and "R2. Free buses" in page


def test_the_proposer_withdraws_and_no_one_else_can(app, world, as_user):
    rec_id = h.draft(app, world)
    other, client = _second(app, world)
    amendment_id = h.propose(app, rec_id, other.id, "Run trams.")
    assert as_user("member").post(h.amendment_url(world, rec_id, amendment_id, "withdraw")).status_code == 403
    client.post(h.amendment_url(world, rec_id, amendment_id, "withdraw"))
    assert _state(app, rec_id)["amendments"][amendment_id][0] == "withdrawn"
    # a withdrawn amendment cannot be accepted afterwards
    as_user("member").post(h.amendment_url(world, rec_id, amendment_id, "accept"))
    assert _state(app, rec_id)["text"] == "Run buses every 15 minutes."


def test_an_amendment_overtaken_by_an_edit_warns_and_shows_the_diff_against_the_current_text(app, world, as_user):
    rec_id = h.draft(app, world, text="Run buses every 15 minutes on main routes.")
    other = h.add_member(app, world)
    amendment_id = h.propose(app, rec_id, other.id, "Run buses every 10 minutes on main routes.")
    client = as_user("member")
    client.post(h.rec_url(world, rec_id, "/edit"), data={"title": "Buses", "text": "Run buses every 12 minutes "
                                                                                  "on all routes."})
    page = client.get(h.rec_url(world, rec_id)).get_data(as_text=True)
    assert "has changed since version 1" in page
    assert "<del>12</del>" in page and "<ins>10</ins>" in page  # against the current wording, not the base
    client.post(h.amendment_url(world, rec_id, amendment_id, "accept"))
    state = _state(app, rec_id)
    assert state["text"] == "Run buses every 10 minutes on main routes." and len(state["versions"]) == 3


def test_an_amendment_must_change_something(app, world, as_user):
    rec_id = h.draft(app, world)
    response = as_user("member").post(h.rec_url(world, rec_id, "/amendments/new"),
                                      data={"section": "text", "new_text": "Run buses every 15 minutes."})
    assert response.status_code == 422
    assert "same as the current wording" in response.get_data(as_text=True)
    assert _state(app, rec_id)["amendments"] == {}
