"""A small scripted panel lifecycle, built directly with the models: letters -> registrations ->
selection -> sessions -> recommendations -> responses -> milestones. Every person in it has a
name and an e-mail (PERSONAL) that must never reach an evidence record."""

from __future__ import annotations

from datetime import UTC, date, datetime

TODAY = date(2027, 5, 1)

PERSONAL = [
    "Ada Lovelace", "Lovelace", "ada@residents.example", "Grace Hopper", "Hopper", "grace@residents.example",
    "07700 900123", "12 Mill Lane", "Linus Torvalds", "Torvalds", "linus@residents.example", "Margaret Hamilton",
    "margaret@residents.example", "Dr Jane Smith", "Tom Brown", "Ann Lee", "officer@testville.example",
    "My name is Grace", "secret plan", "Katherine Johnson", "katherine@residents.example", "residents.example",
]


def _dt(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


def build_lifecycle(panel_id: int) -> dict:
    """Fill the panel with a whole lifecycle; returns the ids the tests look at."""
    from panels.accounts.models import Membership, User
    from panels.extensions import db
    from panels.invitations.models import Address, AddressRegister, Letter, Mailing
    from panels.panel.models import Panel
    from panels.pool.models import RegistrationSettings, Volunteer
    from panels.recommendations.models import (
        FinalReport,
        GovernmentResponse,
        ImplementationResult,
        Milestone,
        ProgressReport,
        Recommendation,
    )
    from panels.selection.models import SelectionRun
    from panels.sessions.models import ProgrammeSession, Speaker
    from panels.sessions.participation import Attendance, EvaluationResponse

    panel = db.session.get(Panel, panel_id)
    db.session.add(RegistrationSettings(panel_id=panel.id, short_code=f"ev{panel.id}", categories=[
        {"key": "age", "question": "How old are you?", "options": [
            {"value": "16-39", "label": "16 to 39", "share": 0.5},
            {"value": "40+", "label": "40 or over", "share": 0.5}]}]))
    # Letters: North 4 (2 answered), South 4 (1 answered).
    register = AddressRegister(organisation_id=panel.organisation_id, name="Register", status="ready")
    db.session.add(register)
    db.session.flush()
    mailing = Mailing(panel_id=panel.id, register_id=register.id, name="First letters", letter_text="Dear resident",
                      requested=8, seed="seed", status="ready")
    db.session.add(mailing)
    db.session.flush()
    letters = []
    for i, (area, answered) in enumerate([("North", 1), ("North", 1), ("North", 0), ("North", 0),
                                          ("South", 1), ("South", 0), ("South", 0), ("South", 0)]):
        address = Address(register_id=register.id, line1=f"{i} Mill Lane" if i else "12 Mill Lane", area=area,
                          household_key=f"h{panel.id}-{i}")
        db.session.add(address)
        db.session.flush()
        letter = Letter(mailing_id=mailing.id, address_id=address.id, panel_id=panel.id, code=f"C{panel.id}X{i}",
                        area=area, registrations=answered,
                        first_registered_at=_dt(date(2026, 1, 10 + i)) if answered else None)
        db.session.add(letter)
        letters.append(letter)
    db.session.flush()
    # Volunteers: three from letters, one by phone; two confirmed on the panel.
    people = [("Ada", "Lovelace", "16-39", "confirmed", letters[0]),
              ("Grace", "Hopper", "40+", "confirmed", letters[1]),
              ("Linus", "Torvalds", "16-39", "pool", letters[4]), ("Katherine", "Johnson", "16-39", "declined", None)]
    for i, (first, last, age, status, letter) in enumerate(people):
        db.session.add(Volunteer(panel_id=panel.id, public_id=f"V{panel.id}{i}", status=status, answers={"age": age},
                                 first_name=first, last_name=last, email=f"{first.lower()}@residents.example",
                                 phone="07700 900123", address="12 Mill Lane", letter_id=letter.id if letter else None,
                                 area=letter.area if letter else None))
    db.session.add(SelectionRun(panel_id=panel.id, kind="final", status="succeeded", seats=2,
                                finished_at=_dt(date(2026, 2, 27)), published_at=_dt(date(2026, 3, 1))))
    # Members as users; two sessions with attendance; speakers; evaluations.
    users = []
    for first, last in [("Ada", "Lovelace"), ("Grace", "Hopper"), ("Margaret", "Hamilton")]:
        user = User(email=f"{first.lower()}@residents.example", name=f"{first} {last}")
        db.session.add(user)
        db.session.flush()
        db.session.add(Membership(user_id=user.id, organisation_id=panel.organisation_id, panel_id=panel.id,
                                  role="member"))
        users.append(user)
    s1 = ProgrammeSession(panel_id=panel.id, number=1, title="Learning", phase="orientation_learning",
                          date=date(2026, 3, 10), start="10:00", end="16:00")
    s2 = ProgrammeSession(panel_id=panel.id, number=2, title="Deciding", phase="decision",
                          date=date(2026, 3, 20), start="10:00", end="16:00")
    db.session.add_all([s1, s2])
    db.session.flush()
    for user in users:
        db.session.add(Attendance(session_id=s1.id, user_id=user.id, status="present"))
    db.session.add_all([Attendance(session_id=s2.id, user_id=users[0].id, status="present"),
                        Attendance(session_id=s2.id, user_id=users[1].id, status="present"),
                        Attendance(session_id=s2.id, user_id=users[2].id, status="absent")])
    db.session.add_all([
        Speaker(panel_id=panel.id, name="Dr Jane Smith", affiliation="Riverside University", perspective="for"),
        Speaker(panel_id=panel.id, name="Tom Brown", affiliation=panel.organisation.name, perspective="against"),
        Speaker(panel_id=panel.id, name="Ann Lee", affiliation="riverside  university", perspective="For "),
    ])
    for balance, heard in [(4, 5), (4, 5), (5, 4), (3, 4), (4, 5)]:
        db.session.add(EvaluationResponse(panel_id=panel.id, session_id=s1.id,
                                          scores={"balance": balance, "heard": heard},
                                          comment="My name is Grace, here is my secret plan",
                                          submitted_on=_dt(date(2026, 3, 11))))
    for _ in range(2):  # too few answers to count: never shown, never recorded
        db.session.add(EvaluationResponse(panel_id=panel.id, session_id=s2.id, scores={"balance": 1, "heard": 1},
                                          submitted_on=_dt(date(2026, 3, 21))))
    # Recommendations, the report, the government's response, progress, implementation.
    recs = []
    for number, status in [(1, "adopted"), (2, "adopted"), (3, "adopted"), (4, "not_adopted")]:
        rec = Recommendation(panel_id=panel.id, number=number, title=f"Recommendation {number}",
                             text="Grace Hopper's secret plan", status=status)
        db.session.add(rec)
        recs.append(rec)
    db.session.flush()
    db.session.add(FinalReport(panel_id=panel.id, status="published", delivered_on=date(2026, 4, 1),
                               responsible_email="officer@testville.example"))
    db.session.add_all([
        GovernmentResponse(recommendation_id=recs[0].id, response="accepted", department="Parks",
                           other_departments=["Transport"], responsible_email="officer@testville.example",
                           responded_on=date(2026, 7, 15)),
        GovernmentResponse(recommendation_id=recs[1].id, response="accepted_in_part", reasons="Budget",
                           department="Housing", responded_on=date(2026, 8, 10)),
        GovernmentResponse(recommendation_id=recs[2].id, response="rejected", reasons="Not ours",
                           responded_on=date(2026, 7, 20)),
    ])
    db.session.add_all([ProgressReport(panel_id=panel.id, number=1, delivered_on=date(2026, 6, 25)),
                        ProgressReport(panel_id=panel.id, number=2, delivered_on=date(2027, 1, 10))])
    pilot = ImplementationResult(panel_id=panel.id, recommendation_id=recs[0].id, title="Pilot", is_pilot=True,
                                 evaluation_url="https://testville.example/evaluation",
                                 created_at=_dt(date(2026, 5, 1)), updated_at=_dt(date(2026, 9, 1)))
    other = ImplementationResult(panel_id=panel.id, recommendation_id=recs[1].id, title="Housing work",
                                 created_at=_dt(date(2026, 5, 2)), updated_at=_dt(date(2026, 5, 2)))
    db.session.add_all([pilot, other])
    db.session.flush()
    db.session.add_all([
        Milestone(result_id=pilot.id, title="Start", done_on=date(2026, 6, 1)),
        Milestone(result_id=pilot.id, title="Evaluate", done_on=date(2026, 9, 15)),
        Milestone(result_id=other.id, title="Plan", done_on=date(2027, 2, 1)),
        Milestone(result_id=other.id, title="Build", due_on=date(2027, 12, 1)),
    ])
    db.session.commit()
    return {"panel_id": panel.id, "organisation_id": panel.organisation_id}


# (indicator, period) -> value, worked out by hand from the lifecycle above, as of TODAY.
EXPECTED = {
    ("response_rate", "all"): 37.5,  # 3 of 8 households
    ("response_rate_spread", "all"): 25.0,  # North 50 %, South 25 %
    ("pool_census_distance", "all"): 25.0,  # pool 75/25 against census 50/50
    ("panel_census_distance", "all"): 0.0,  # panel 1 + 1
    ("speakers", "all"): 3.0,
    ("speaker_perspectives", "all"): 2.0,  # for, against
    ("external_organisations", "all"): 1.0,  # the university (twice), not the city itself
    ("retention", "all"): 66.7,  # 2 of the 3 present at session 1 came to session 2
    ("evaluation_balance", "all"): 4.0,  # session 2 has too few answers to count
    ("evaluation_heard", "all"): 4.6,
    ("recommendations_accepted", "all"): 66.7,  # accepted + in part, of 3
    ("response_days", "all"): 131.0,  # 1 April -> 10 August
    ("response_days_past_deadline", "all"): 9.0,  # due 1 August
    ("progress_reports_on_time", "all"): 50.0,  # report 1 on time, report 2 late
    ("implementation_progress", "3m"): 25.0,
    ("implementation_progress", "6m"): 50.0,
    ("implementation_progress", "12m"): 75.0,
    ("named_department", "all"): 66.7,
    ("shared_departments", "all"): 33.3,
    ("pilots_launched", "all"): 1.0,
    ("evaluations_published", "all"): 1.0,
}
