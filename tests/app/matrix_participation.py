"""Authorization matrix entries for attendance, expense claims and evaluations."""

from __future__ import annotations

STAFF_READ = {"observer", "facilitator", "organiser", "admin"}
PLANNERS = {"facilitator", "organiser", "admin"}

MATRIX = {
    "sessions.attendance_overview": PLANNERS,
    "sessions.attendance_session": PLANNERS,
    "sessions.attendance_record": PLANNERS,
    "sessions.check_in": {"member"},
    "sessions.my_sessions": {"member"},
    "sessions.expenses": PLANNERS,
    "sessions.expense_add": PLANNERS,
    "sessions.expense_status": PLANNERS,
    "sessions.evaluation_form": {"member"},
    "sessions.evaluation_results": STAFF_READ,
}


def url_values(world, app) -> dict:
    """An expense claim (the sessions matrix makes the session; this one adds its own)."""
    from panels.extensions import db
    from panels.sessions.models import ProgrammeSession
    from panels.sessions.participation import ExpenseClaim

    with app.app_context():
        session = ProgrammeSession(panel_id=world.panel.id, number=9, title="Matrix claims session",
                                   phase="orientation_learning", start="09:30", end="16:30", agenda=[])
        db.session.add(session)
        db.session.flush()
        claim = ExpenseClaim(session_id=session.id, user_id=world.member.id, kind="travel", amount=5)
        db.session.add(claim)
        db.session.commit()
        values = {"claim_id": claim.id}
        db.session.remove()
    return values
