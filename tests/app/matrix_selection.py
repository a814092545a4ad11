"""Authorization matrix entries for selection."""

from __future__ import annotations

from tests.app.matrix_roles import MANAGERS, ORG_STAFF, PUBLIC

MATRIX = {
    "selection.overview": ORG_STAFF,
    "selection.targets_from_census": MANAGERS,
    "selection.target_edit": MANAGERS,
    "selection.targets_import": MANAGERS,
    "selection.targets_export": ORG_STAFF,
    "selection.run_start": MANAGERS,
    "selection.run_detail": ORG_STAFF,
    "selection.run_publish": MANAGERS,
    "selection.public_report": PUBLIC,
    "selection.public_file": PUBLIC,
    "selection.run_number": MANAGERS,
    "selection.public_pdf": PUBLIC,
    "selection.ceremony_public": PUBLIC,
    "selection.ceremony_list": PUBLIC,
}


def url_values(world, app) -> dict:
    from tests.selection.fixtures import published_run

    with app.app_context():
        run_id, target_id = published_run(world.panel.id)
    return {"run_id": run_id, "target_id": target_id, "name": "report.json"}
