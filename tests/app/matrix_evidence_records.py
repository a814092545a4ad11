"""Authorization matrix entries for evidence records, the feed button and open data."""

from __future__ import annotations

from tests.app.matrix_roles import MANAGERS, ORG_STAFF, PUBLIC

MATRIX = {
    "evidence.records_list": ORG_STAFF,
    "evidence.record_detail": ORG_STAFF,
    "evidence.record_document": ORG_STAFF,
    "evidence.record_new": MANAGERS,
    "evidence.record_delete": MANAGERS,
    "evidence.feed_run": MANAGERS,
    "evidence.import_upload": MANAGERS,
    "evidence.export_csv": ORG_STAFF,
    "evidence.export_json": ORG_STAFF,
    "evidence.open_csv": PUBLIC,
    "evidence.open_json": PUBLIC,
    "evidence.open_schema": PUBLIC,
}


def url_values(world, app) -> dict:
    """A hand-entered record of the world's organisation, with an uploaded source document."""
    from datetime import date

    from panels.evidence.models import EvidenceRecord
    from panels.evidence.records import document_path
    from panels.extensions import db

    with app.app_context():
        stored = "matrixevidence.pdf"
        document_path(stored).write_bytes(b"%PDF-1.4\n% matrix\n")
        record = EvidenceRecord(organisation_id=world.org.id, panel_id=world.panel.id, framework="psci",
                                capability="coalitions", indicator="Partners engaged", value=4, unit="count",
                                observed_on=date(2026, 1, 31), source="manual", source_kind="document",
                                confidence="documented", document_filename="partners.pdf", document_stored_name=stored)
        db.session.add(record)
        db.session.commit()
        values = {"record_id": record.id}
        db.session.remove()
    return values
