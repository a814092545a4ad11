"""Authorization matrix entries for table plans."""

from __future__ import annotations

from tests.app.matrix_roles import ORG_STAFF

STAFF_WHO_PLAN = {"facilitator", "organiser", "admin"}

MATRIX = {
    "sessions.table_plan": ORG_STAFF,
    "sessions.table_allocate": STAFF_WHO_PLAN,
    "sessions.table_move": STAFF_WHO_PLAN,
    "sessions.table_lock": STAFF_WHO_PLAN,
    "sessions.table_note": STAFF_WHO_PLAN,
    "sessions.table_pdf": ORG_STAFF,
}


def url_values(world, app) -> dict:
    from tests.sessions_tables.fixtures import seated_session

    with app.app_context():
        seated_session(world)  # the sessions matrix made the session; this adds a plan to it
    return {}
