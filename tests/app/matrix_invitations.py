"""Authorization matrix entries for address registers, mailings and responses."""

from __future__ import annotations

from tests.app.matrix_roles import MANAGERS, ORG_STAFF

MATRIX = {
    "invitations.register_list": MANAGERS,
    "invitations.register_upload": MANAGERS,
    "invitations.register_map": MANAGERS,
    "invitations.register_detail": MANAGERS,
    "invitations.mailing_list": MANAGERS,
    "invitations.mailing_new": MANAGERS,
    "invitations.mailing_detail": MANAGERS,
    "invitations.mailing_preview": MANAGERS,
    "invitations.mailing_generate": MANAGERS,
    "invitations.mailing_posted": MANAGERS,
    "invitations.mailing_reminder": MANAGERS,
    "invitations.mailing_download": MANAGERS,
    "invitations.responses": ORG_STAFF,
    "invitations.responses_csv": ORG_STAFF,
}


def url_values(world, app) -> dict:
    from tests.invitations.fixtures import make_register_and_mailing

    with app.app_context():
        register_id, mailing_id = make_register_and_mailing(world.org.id, world.panel.id, households=40,
                                                            letters=10, generate=True)
    return {"register_id": register_id, "mailing_id": mailing_id, "kind": "csv"}
