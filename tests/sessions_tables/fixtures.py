"""A session of the world's panel with members who answered the registration questions, and a plan."""

from __future__ import annotations

from panels.accounts.models import Membership, User
from panels.extensions import db
from panels.panel.models import Panel
from panels.pool.models import RegistrationSettings, Volunteer
from panels.sessions.models import ProgrammeSession
from panels.sessions.participation import TablePlan

CATEGORIES = [{"key": "age", "question": "Age", "options": [{"value": "young"}, {"value": "old"}]},
              {"key": "area", "question": "Area", "options": [{"value": "north"}, {"value": "south"}]}]


def members_with_answers(world, n: int = 12) -> list[int]:
    panel = db.session.get(Panel, world.panel.id)
    if not db.session.query(RegistrationSettings).filter_by(panel_id=panel.id).count():
        db.session.add(RegistrationSettings(panel_id=panel.id, short_code=f"tables-{panel.id}",
                                            categories=CATEGORIES))
    ids = []
    for i in range(n):
        user = User(email=f"member{i}@tables.example", name=f"Member {i:02d} Person")
        user.set_password("a long password here")
        db.session.add(user)
        db.session.flush()
        db.session.add(Membership(user_id=user.id, organisation_id=panel.organisation_id, panel_id=panel.id,
                                  role="member"))
        db.session.add(Volunteer(panel_id=panel.id, public_id=f"V-T{i:03d}", email=user.email, status="confirmed",
                                 answers={"age": "young" if i % 3 == 0 else "old",
                                          "area": "north" if i % 2 else "south"}))
        ids.append(user.id)
    db.session.commit()
    return ids


def session(world, number: int = 1) -> ProgrammeSession:
    found = db.session.query(ProgrammeSession).filter_by(panel_id=world.panel.id, number=number).first()
    if found is None:
        found = ProgrammeSession(panel_id=world.panel.id, number=number, title=f"Session {number}",
                                 phase="orientation_learning", start="10:00", end="16:00", agenda=[])
        db.session.add(found)
        db.session.commit()
    return found


def seated_session(world) -> int:
    """For the matrix: a session (reusing one another area made) with a plan to view and print."""
    s = session(world)
    if db.session.query(TablePlan).filter_by(session_id=s.id).first() is None:
        db.session.add(TablePlan(session_id=s.id, tables=[{"number": 1, "facilitator": None, "members": []}],
                                 categories=[], scores={}, seed="x"))
        db.session.commit()
    return s.id
