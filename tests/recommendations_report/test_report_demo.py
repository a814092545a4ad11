"""The demo's final reports: parks published about five months ago, transport open for review with two flags."""

from __future__ import annotations

from datetime import date


def test_demo_reports_are_built_once(app_ctx):
    from panels.accounts.models import Membership, Organisation, User
    from panels.demo import final_report, reporting
    from panels.extensions import db
    from panels.panel.models import Panel
    from panels.recommendations.models import FinalReport, ReportFlag

    org = Organisation(name="City of Riverton", slug="riverton")
    db.session.add(org)
    db.session.flush()
    assert final_report.build(org) == []  # nothing to report on yet
    organiser = User(email="organiser@riverton.example", name="Olu Organiser")
    organiser.set_password("x" * 12)
    db.session.add(organiser)
    db.session.flush()
    db.session.add(Membership(user_id=organiser.id, organisation_id=org.id, role="organiser"))
    db.session.commit()
    reporting.build(org)
    first = final_report.build(org)
    second = final_report.build(org)
    assert len(first) == 2 and first == second
    parks = db.session.scalar(db.select(Panel).filter_by(slug="parks"))
    transport = db.session.scalar(db.select(Panel).filter_by(slug="transport"))
    published = db.session.get(FinalReport, parks.id)
    assert published.published_at is not None and published.foreword
    assert 140 <= (date.today() - published.delivered_on).days <= 160
    review = db.session.get(FinalReport, transport.id)
    assert review.status == "review" and review.published_at is None
    flags = db.session.scalars(db.select(ReportFlag).filter_by(panel_id=transport.id)).all()
    assert sorted(f.status for f in flags) == ["fixed", "open"]
