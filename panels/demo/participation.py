"""Attendance, expense claims and evaluations for the sitting panel's past sessions: members are
the confirmed volunteers (accounts with their registration email, so their support needs show),
attendance drops off a little each session, a few claims, and anonymous questionnaires."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time

from sqlalchemy import func, select

from ..accounts.models import Membership, User
from ..extensions import db
from ..sessions.models import ProgrammeSession
from ..sessions.participation import Attendance, EvaluationReceipt, EvaluationResponse, ExpenseClaim

MEMBERS = 24
HELD = 4
COMMENTS = [
    "The small tables made it easy to speak up.",
    "Too much to read before the session; a one-page summary would help.",
    "I liked hearing from the tenants and the landlords on the same day.",
    "The room was cold in the afternoon.",
    "Our facilitator kept things fair, even when it got heated.",
    "More time for questions to the speakers, please.",
    "I learned more than I expected about how homes are funded.",
    "Some members talked a lot; the round of turns helped.",
]
LOGIN = "gita.rao@residents.example"  # the demo member login answers nothing, so it can try


def _members(panel) -> list[User]:
    """The confirmed volunteers get member accounts with their registration email (as when invited)."""
    from ..pool.models import Volunteer
    from .city import PASSWORD

    volunteers = db.session.scalars(select(Volunteer).where(
        Volunteer.panel_id == panel.id, Volunteer.status == "confirmed", Volunteer.email.is_not(None))
        .order_by(Volunteer.public_id)).all()
    for v in volunteers[:MEMBERS]:
        user = db.session.scalar(select(User).filter_by(email=v.email))
        if user is None:
            user = User(email=v.email, name=f"{v.first_name or ''} {v.last_name or ''}".strip() or v.public_id)
            user.set_password(PASSWORD)
            db.session.add(user)
            db.session.flush()
        if db.session.scalar(select(Membership).filter_by(user_id=user.id, panel_id=panel.id)) is None:
            db.session.add(Membership(user_id=user.id, organisation_id=panel.organisation_id, panel_id=panel.id,
                                      role="member"))
    db.session.flush()
    return list(db.session.scalars(
        select(User).join(Membership, Membership.user_id == User.id)
        .where(Membership.panel_id == panel.id, Membership.role == "member").order_by(User.email)).unique())


def build(panel) -> list[str]:
    if panel is None:
        return []
    members = _members(panel)
    today = date.today()
    programme = list(db.session.scalars(select(ProgrammeSession).filter_by(panel_id=panel.id)
                                        .order_by(ProgrammeSession.number)))
    past = [s for s in programme if s.date and s.date <= today]
    # The demo shows a panel at least HELD sessions in, whatever the day it is built on.
    sessions = programme[:max(len(past), HELD)]
    facilitator = db.session.scalar(select(User).filter_by(email="facilitator@riverton.example"))
    rng = random.Random(f"riverton-attendance-{panel.id}")
    drifting = {m.id for m in rng.sample([m for m in members if m.email != LOGIN], k=min(2, len(members)))}
    present_by_session: dict[int, list[User]] = {}
    for i, s in enumerate(sessions):
        existing = {a.user_id: a for a in db.session.scalars(select(Attendance).filter_by(session_id=s.id))}
        present_by_session[s.id] = [m for m in members if m.id in existing and existing[m.id].status == "present"]
        if existing:
            continue
        at = datetime.combine(s.date or today, time(9, 20), tzinfo=UTC)
        for m in members:
            roll = rng.random()
            if m.email == LOGIN:
                status = "present"
            elif m.id in drifting and i >= 1:
                status = "absent"
            elif roll < 0.05 + 0.02 * i:
                status = "excused"
            elif roll < 0.08 + 0.05 * i:
                status = "absent"
            else:
                status = "present"
            by_code = status == "present" and rng.random() < 0.6
            db.session.add(Attendance(session_id=s.id, user_id=m.id, status=status,
                                      method="code" if by_code else "facilitator",
                                      recorded_by_id=m.id if by_code else getattr(facilitator, "id", None),
                                      checked_in_at=at))
            if status == "present":
                present_by_session[s.id].append(m)
    db.session.flush()

    ids = [s.id for s in sessions]
    has_claims = ids and db.session.scalar(select(ExpenseClaim.id).where(ExpenseClaim.session_id.in_(ids)))
    organiser = db.session.scalar(select(User).filter_by(email="organiser@riverton.example"))
    if ids and not has_claims:
        for s in sessions:
            for m in rng.sample(present_by_session[s.id], k=min(4, len(present_by_session[s.id]))):
                kind = rng.choice(["travel", "travel", "childcare", "meals"])
                amount = {"travel": rng.choice([4.60, 7.20, 12.50, 18.00]), "childcare": rng.choice([30, 45, 60]),
                          "meals": 8.50}[kind]
                db.session.add(ExpenseClaim(session_id=s.id, user_id=m.id, kind=kind, amount=amount,
                                            note="Bus fare" if kind == "travel" else None,
                                            status="paid" if s is not sessions[-1] else "claimed",
                                            recorded_by_id=getattr(organiser, "id", None)))

    answered = 0
    for s in sessions:
        key = str(s.id)
        if db.session.scalar(select(func.count()).select_from(EvaluationReceipt)
                             .filter_by(panel_id=panel.id, session_key=key)):
            continue
        day = datetime.combine(s.date or today, time(0, 0), tzinfo=UTC)
        respondents = [m for m in present_by_session[s.id] if m.email != LOGIN and rng.random() < 0.8]
        for m in respondents:
            db.session.add(EvaluationReceipt(panel_id=panel.id, session_key=key, user_id=m.id))
        for _ in range(max(len(respondents), 5)):  # never fewer than 5, so the demo shows results
            scores = {q: max(1, min(5, round(rng.gauss(mu, 0.8)))) for q, mu in
                      (("learning", 4.2), ("heard", 3.8 + 0.1 * s.number), ("respect", 4.4),
                       ("balance", 3.6), ("neutrality", 4.1))}
            db.session.add(EvaluationResponse(panel_id=panel.id, session_id=s.id, scores=scores, submitted_on=day,
                                              comment=rng.choice(COMMENTS) if rng.random() < 0.25 else None))
            answered += 1
    db.session.commit()
    total = db.session.scalar(select(func.count()).select_from(EvaluationResponse).filter_by(panel_id=panel.id))
    return [f"    participation: {len(members)} members, attendance for {len(sessions)} session(s), "
            f"{total} anonymous evaluation answers; /panels/{panel.id}/attendance"]
