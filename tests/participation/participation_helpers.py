"""Shared set-up for the participation tests: sessions, more members, volunteers' support needs."""

from __future__ import annotations

from tests.sessions.sessions_helpers import add_session  # noqa: F401  (re-exported for the tests)

PASSWORD = "correct horse battery"  # noqa: S105  (the one tests/conftest.py uses)


def add_members(app, world, n: int) -> list[tuple[int, str]]:
    """n more member accounts on the world's panel: [(user id, email)]."""
    from panels.accounts.models import Membership, User
    from panels.extensions import db

    out = []
    with app.app_context():
        for i in range(n):
            user = User(email=f"member{i}@test.example", name=f"Extra Member {i:02d}")
            user.set_password(PASSWORD)
            db.session.add(user)
            db.session.flush()
            db.session.add(Membership(user_id=user.id, organisation_id=world.org.id, panel_id=world.panel.id,
                                      role="member"))
            out.append((user.id, user.email))
        db.session.commit()
    return out


def add_volunteer(app, panel_id: int, email: str, needs: list[str]) -> None:
    from panels.extensions import db
    from panels.pool.models import Volunteer

    with app.app_context():
        db.session.add(Volunteer(panel_id=panel_id, public_id=email[:12], status="selected", email=email,
                                 first_name="V", last_name="V", support_needs=needs))
        db.session.commit()


def session_code(app, session_id: int) -> str:
    from panels.extensions import db
    from panels.sessions import attendance
    from panels.sessions.models import ProgrammeSession

    with app.app_context(), app.test_request_context():
        return attendance.session_code(db.session.get(ProgrammeSession, session_id))
