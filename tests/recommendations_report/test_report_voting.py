"""The report on a vote run through the voting services: the rulebook's verdict, secret ballots, signatures."""

from __future__ import annotations

from recommendations_report_helpers import add_members, pdf_text


def _voted_panel(app, world):
    from panels.accounts.models import User
    from panels.extensions import db
    from panels.panel.models import Panel
    from panels.recommendations import minority, voting
    from panels.recommendations.models import Recommendation

    with app.app_context():
        panel = db.session.get(Panel, world.panel.id)
        panel.status = "reporting"
        members = [db.session.get(User, world.member.id), *add_members(world, panel, 4, "secret", "Secret Voter")]
        recs = [Recommendation(panel_id=panel.id, number=n, title=t, text=f"Text of {t}", status="ready")
                for n, t in ((1, "Exactly eighty"), (2, "Just under"))]
        db.session.add_all(recs)
        db.session.commit()
        facilitator = db.session.get(User, world.facilitator.id)
        book = voting.save_draft(facilitator, panel, {"secret_ballot": True, "threshold": 0.8, "level": 2})
        voting.adopt(facilitator, book, votes_for=5, votes_against=0, votes_abstain=0)
        vround = voting.create_round(facilitator, panel, "Closing vote", [r.id for r in recs])
        voting.open_round(facilitator, vround)
        # R1: 4 of 5 at "can live with it" or better = exactly 80 %: adopted. R2: 3 of 5: not adopted.
        for user, levels in zip(members, ([0, 0], [1, 1], [2, 2], [2, 3], [4, 4]), strict=True):
            voting.cast(user, vround, {recs[0].id: levels[0], recs[1].id: levels[1]})
        voting.close_round(facilitator, vround)
        mr = minority.write(members[4], panel, title="We cannot support R1", text="Too expensive.",
                            recommendation_id=recs[0].id)
        minority.sign(members[3], mr, panel)
        minority.write(members[1], panel, title="R2 deserved better", text="It was close.",
                       recommendation_id=recs[1].id)
        return panel.id, [u.name for u in members]


def test_report_follows_the_rulebook_verdict_and_keeps_every_minority_report(app, world):
    from panels.extensions import db
    from panels.panel.models import Panel
    from panels.recommendations import report
    from panels.recommendations.report_pdf import report_pdf

    panel_id, names = _voted_panel(app, world)
    with app.app_context():
        rep = report.gather(db.session.get(Panel, panel_id))
        assert [(i.code, i.outcome) for i in rep.items] == [("R1", "Adopted"), ("R2", "Not adopted")]
        assert rep.items[0].support.counts == [1, 1, 2, 0, 1]
        assert rep.items[0].support.turnout == 1.0
        assert [(m.title, m.signatories) for m in rep.all_minority] == [("We cannot support R1", 2),
                                                                         ("R2 deserved better", 1)]
        assert rep.rulebook["secret"] and rep.rulebook["for"] == 5
        flat = " ".join(" ".join(pdf_text(report_pdf(rep))).split())
    assert "Minority report: We cannot support R1 Signed by 2 members." in flat
    assert "Minority report: R2 deserved better Signed by 1 member." in flat
    assert "Ballots are secret." in flat
    for name in names[1:]:  # a secret ballot never names who voted, nor who signed
        assert name not in flat


def test_public_page_of_a_secret_vote_names_nobody(app, world, as_user):
    from recommendations_report_helpers import publish

    panel_id, names = _voted_panel(app, world)
    publish(app, panel_id)
    html = as_user("anonymous").get(f"/p/{panel_id}/report").get_data(as_text=True)
    assert "We cannot support R1" in html and "Signed by 2 members." in html
    assert "Secret: results are published without names" in html
    for name in names[1:]:
        assert name not in html
