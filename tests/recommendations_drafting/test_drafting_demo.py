"""The demo's reporting and responded panels: built once, the same after a second run."""

from __future__ import annotations


def _counts(db):
    from panels.accounts.models import Membership, User
    from panels.pool.models import Volunteer
    from panels.recommendations.models import Amendment, Comment, Recommendation, RecommendationVersion

    return {m.__name__: db.session.query(m).count()
            for m in (User, Membership, Volunteer, Recommendation, RecommendationVersion, Comment, Amendment)}


def test_the_demo_panels_have_drafts_with_versions_and_every_kind_of_amendment(app_ctx):
    from panels.accounts.models import Organisation
    from panels.demo import reporting
    from panels.extensions import db
    from panels.panel.models import Panel
    from panels.recommendations.models import Recommendation
    from panels.selection.models import Target
    from panels.sessions.tables import attributes, members

    org = Organisation(name="City of Riverton", slug="riverton")
    db.session.add(org)
    db.session.commit()
    lines = reporting.build(org)
    first = _counts(db)
    assert reporting.build(org) == lines and _counts(db) == first
    for slug, status in (("transport", "reporting"), ("parks", "responded")):
        panel = db.session.query(Panel).filter_by(slug=slug).one()
        assert panel.status == status and panel.seats == 24
        people = members(panel)
        assert len(people) == 24
        answers = attributes(panel, people)
        assert all(set(a) == {"age", "gender", "tenure", "education", "area"} for a in answers.values())
        assert len({a["age"] for a in answers.values()}) == 4  # spread across the bands
        assert db.session.query(Target).filter_by(panel_id=panel.id).count() > 10
        recs = db.session.query(Recommendation).filter_by(panel_id=panel.id).all()
        assert 5 <= len(recs) <= 6 and all(2 <= len(r.versions) <= 4 for r in recs)
        assert all(r.status == "ready" and r.authors and r.sources for r in recs)
        statuses = sorted(a.status for r in recs for a in r.amendments)
        assert statuses == ["accepted", "proposed", "rejected", "rejected"]
        spun = [r for r in recs if r.from_amendment_id]
        assert len(spun) == 1
        accepted = next(a for r in recs for a in r.amendments if a.status == "accepted")
        credited = next(v for v in accepted.recommendation.versions if v.amendment_id == accepted.id)
        assert credited.author_id == accepted.proposed_by_id and credited.note.startswith("Amendment by")
