"""Authorization matrix entries for seats: confirmations, members, replacements."""

from __future__ import annotations

from tests.app.matrix_roles import MANAGERS, PUBLIC

MATRIX = {
    "seats.confirm": PUBLIC,  # the private link: its token is the key
    "seats.members": MANAGERS,  # contact details: organisers of the panel and admins only
    "seats.invite": MANAGERS,
    "seats.record": MANAGERS,
    "seats.dropout": MANAGERS,
    "seats.replacements": MANAGERS,
}

CONFIRMATION_TOKEN = "matrix-confirmation-token"


def url_values(world, app) -> dict:
    """One selected volunteer with a pending confirmation whose private link is CONFIRMATION_TOKEN."""
    from datetime import timedelta

    from sqlalchemy import select

    from panels.db import utcnow
    from panels.extensions import db
    from panels.pool.models import RegistrationSettings, Volunteer
    from panels.selection.confirmation import hash_token
    from panels.selection.models import Confirmation

    with app.app_context():
        if db.session.scalar(select(RegistrationSettings).filter_by(panel_id=world.panel.id)) is None:
            db.session.add(RegistrationSettings(panel_id=world.panel.id, short_code="matrix-seats"))
        volunteer = Volunteer(panel_id=world.panel.id, public_id="V-SEATS001", first_name="Seat",
                              email="seat@example.org", status="selected", answers={})
        db.session.add(volunteer)
        db.session.flush()
        db.session.add(Confirmation(panel_id=world.panel.id, volunteer_id=volunteer.id,
                                    token_hash=hash_token(CONFIRMATION_TOKEN), deadline=utcnow() + timedelta(days=5)))
        db.session.commit()
        volunteer_id = volunteer.id
        db.session.remove()
    return {"confirmation_token": CONFIRMATION_TOKEN, "volunteer_id": volunteer_id}
