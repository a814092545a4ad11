"""The demo's government response: built on a parks-like panel, idempotent, one recommendation overdue."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from panels.accounts.models import Membership, Organisation
from panels.demo import government
from panels.extensions import db
from panels.panel.models import Panel
from panels.recommendations import responses
from panels.recommendations.models import (
    FinalReport,
    GovernmentResponse,
    ImplementationResult,
    Milestone,
    ProgressReport,
    ResponseRating,
)
from tests.conftest import make_user
from tests.recommendations_response.response_helpers import adopted_recommendations

COUNTED = (GovernmentResponse, ImplementationResult, Milestone, ProgressReport, ResponseRating)


def _city():
    org = Organisation(name="Riverton", slug="riverton-test")
    db.session.add(org)
    db.session.flush()
    organiser = make_user("organiser@riverton.example", "Olu")
    db.session.add(Membership(user=organiser, organisation=org, role="organiser"))
    parks = Panel(organisation=org, title="Parks", slug="parks", question="Q?", seats=24, status="responded")
    transport = Panel(organisation=org, title="Transport", slug="transport", question="Q?", seats=24,
                      status="reporting")
    db.session.add_all([parks, transport])
    db.session.flush()
    for i in range(4):
        db.session.add(Membership(user=make_user(f"p{i}@residents.example", f"P{i}"), organisation=org, panel=parks,
                                  role="member"))
    db.session.commit()
    adopted_recommendations(parks.id, 4)
    return org, parks, transport


def counts():
    return [db.session.scalar(select(func.count()).select_from(model)) for model in COUNTED]


def test_the_demo_answers_all_but_one_and_that_one_is_overdue(app_ctx):
    org, parks, transport = _city()
    lines = government.build(org)
    assert any("/response" in line for line in lines)
    first = counts()
    assert first[0] == 3 and first[1] >= 4 and first[2] >= 3 and first[3] == 1 and first[4] == 8
    assert government.build(org) and counts() == first  # idempotent
    overdue = [d.key for d in responses.deadlines_of(parks) if d.overdue(date.today())]
    assert overdue == ["response"]
    report = db.session.get(FinalReport, parks.id)
    assert report.status == "published" and (date.today() - report.delivered_on).days > 140
    assert any(r.is_pilot for r in db.session.scalars(select(ImplementationResult)))
    assert any(m.done_on and m.evidence_url for m in db.session.scalars(select(Milestone)))
    terms = db.session.get(FinalReport, transport.id)
    assert terms.delivered_on is None and terms.responsible_email and terms.response_due_months == 3


def test_without_the_parks_panel_there_is_nothing_to_do(app_ctx, world):
    org = db.session.get(Organisation, world.org.id)
    assert government.build(org) == []
