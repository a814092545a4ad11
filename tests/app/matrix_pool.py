"""Authorization matrix entries for volunteer registration and the pool."""

from __future__ import annotations

from tests.app.matrix_roles import MANAGERS, PUBLIC

STAFF = {"facilitator", "organiser", "admin"}

MATRIX = {
    "pool.register": PUBLIC,
    "pool.thanks": PUBLIC,
    "pool.manage": PUBLIC,
    "pool.phone": STAFF,
    "pool.settings": MANAGERS,
    "pool.volunteers": MANAGERS,  # personal data: organisers of the panel and admins only
    "pool.export_csv": MANAGERS,
    "pool.import_upload": MANAGERS,
    "pool.import_map": MANAGERS,
    "pool.standing_pool": MANAGERS,
    "pool.register_again": PUBLIC,
}

MANAGE_TOKEN = "matrix-private-link-token"


def url_values(world, app) -> dict:
    """Registration settings for the world's panel (reused if another area made them) and one
    volunteer whose private link is MANAGE_TOKEN."""
    from sqlalchemy import select

    from panels.extensions import db
    from panels.pool import services
    from panels.pool.models import RegistrationSettings, Volunteer

    with app.app_context():
        settings = db.session.scalar(select(RegistrationSettings).filter_by(panel_id=world.panel.id))
        if settings is None:
            settings = RegistrationSettings(
                panel_id=world.panel.id, short_code="matrix-pool", is_open=True,
                categories=[{"key": "age", "question": "How old are you?", "options": [
                    {"value": "16-39", "label": "16 to 39"}, {"value": "40+", "label": "40 or older"}]}],
                session_dates=["2026-03-07"], privacy_notice="Notice.", languages=["en"])
            db.session.add(settings)
        db.session.add(Volunteer(panel_id=world.panel.id, public_id="V-MATRIX01", first_name="Matrix",
                                 last_name="Volunteer", email="matrix@example.org", answers={"age": "40+"},
                                 manage_token_hash=services.hash_token(MANAGE_TOKEN)))
        db.session.commit()
        short_code = settings.short_code
        from panels.uploads import upload_dir

        upload = "0" * 32 + ".csv"
        (upload_dir("pools", str(world.panel.id)) / upload).write_text("first_name,email,age\nAna,ana@x.org,40+\n")
        db.session.remove()
    return {"short_code": short_code, "manage_token": MANAGE_TOKEN, "upload": upload, "token": "not-a-real-token"}
