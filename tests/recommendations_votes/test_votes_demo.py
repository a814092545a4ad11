"""The demo's votes: built on the reporting demo's panels, realistic, and idempotent."""

from __future__ import annotations


def test_demo_votes_build_once_and_tell_a_story(app_ctx):
    from panels.accounts.models import Membership, Organisation, User
    from panels.demo import reporting
    from panels.demo import voting as voting_demo
    from panels.extensions import db
    from panels.panel.models import Panel
    from panels.recommendations import voting
    from panels.recommendations.models import Ballot, MinorityReport, Vote

    org = Organisation(name="City of Riverton", slug="riverton")
    db.session.add(org)
    facilitator = User(email="facilitator@riverton.example", name="Fran Facilitator")
    facilitator.set_password("riverton-demo")
    db.session.add(facilitator)
    db.session.flush()
    db.session.add(Membership(user_id=facilitator.id, organisation_id=org.id, role="facilitator"))
    db.session.commit()
    assert voting_demo.build(org) == []  # no panels yet: nothing to vote on
    reporting.build(org)
    lines = voting_demo.build(org)
    assert len(lines) == 2
    counts = (db.session.query(Vote).count(), db.session.query(Ballot).count(),
              db.session.query(MinorityReport).count())
    assert voting_demo.build(org) == lines
    assert (db.session.query(Vote).count(), db.session.query(Ballot).count(),
            db.session.query(MinorityReport).count()) == counts
    for slug in ("transport", "parks"):
        panel = db.session.query(Panel).filter_by(slug=slug).one()
        results = voting.results_for(panel)
        outcomes = [r["outcome"] for r in results.values()]
        assert outcomes.count("not_adopted") == 1 and outcomes.count("adopted") == len(outcomes) - 1
        assert voting.current_rulebook(panel).votes_for == 21
        split = min(results.values(), key=lambda r: r["consensus"] if r["adopted"] else 2)
        assert split["adopted"] and split["consensus"] < 0.8  # support split across areas
        report = db.session.query(MinorityReport).filter_by(panel_id=panel.id).one()
        assert 4 <= len(report.signatories) <= 5  # the author and 3-4 co-signatories
        assert all(r["votes"] >= 22 for r in results.values())
    transport = db.session.query(Panel).filter_by(slug="transport").one()
    assert all(v.user_id is None for v in db.session.query(Vote).filter_by(
        voting_round_id=next(iter(voting.results_for(transport).values()))["round_id"]))
