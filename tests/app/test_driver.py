"""Statements run on the driver (panels/driver.py) store exactly what the ORM stores: the same raw
values in every column (JSON, timestamps, defaults), on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select, text


def raw_row(db, table: str, row_id: int) -> dict:
    """The row as the database holds it, without SQLAlchemy's type processing."""
    cursor = db.session.connection().connection.cursor()
    cursor.execute(f"SELECT * FROM {table} WHERE id = {int(row_id)}")  # noqa: S608 - a test's own table name
    names = [d[0] for d in cursor.description]
    values = cursor.fetchone()
    cursor.close()
    return dict(zip(names, values, strict=True))


def test_an_insert_on_the_driver_stores_what_the_orm_stores(app, world):
    from panels import audit
    from panels.audit import AuditEvent
    from panels.extensions import db

    details = {"channel": "web", "language": "es", "by_letter": True, "note": "Año 'quoted' \"twice\""}
    with app.app_context():
        before = datetime.now(UTC)
        audit.insert_event("pool.registered", object_type="Volunteer", object_id=7, panel_id=world.panel.id,
                           organisation_id=world.org.id, **details)
        db.session.commit()
        event = db.session.scalars(select(AuditEvent)).one()
        assert event.details == details and before <= event.at <= datetime.now(UTC)
        orm = AuditEvent(action="pool.registered", object_type="Volunteer", object_id="7", panel_id=world.panel.id,
                         organisation_id=world.org.id, details=details, at=event.at)
        db.session.add(orm)
        db.session.commit()
        expected, got = raw_row(db, "audit_event", orm.id), raw_row(db, "audit_event", event.id)
        assert {**got, "id": None} == {**expected, "id": None}
        db.session.remove()


def test_a_failed_statement_on_the_driver_leaves_nothing_behind(app, world):
    """The driver's statements belong to the session's transaction: a rollback undoes them."""
    from panels import outbox
    from panels.extensions import db
    from panels.outbox import OutboxMessage

    count = text("SELECT count(*) FROM outbox_message")
    with app.app_context():
        before = db.session.scalar(count)
        outbox.insert_message("a@example.org", "Subject", "Text", related_type="Volunteer", related_id=1)
        assert db.session.scalar(count) == before + 1
        db.session.rollback()
        assert db.session.scalar(count) == before
        outbox.insert_message("a@example.org", "Subject", "Text")
        db.session.commit()
        message = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()
        assert (message.status, message.attempts, message.created_at.utcoffset()) == ("queued", 0, timedelta(0))
        db.session.remove()


def test_a_clash_of_random_identifiers_is_retried_and_nothing_is_lost(app, world, monkeypatch):
    """The driver's errors are SQLAlchemy's (IntegrityError here), so a registration whose random
    private-link token clashes with another's is written again with new identifiers."""
    from sqlalchemy.exc import IntegrityError

    from panels.extensions import db
    from panels.pool import registering
    from panels.pool.models import RegistrationSettings, Volunteer

    hashes = iter(["same"] * 2 + [f"fresh-{i}" for i in range(5)])
    monkeypatch.setattr(registering, "hash_token", lambda token: next(hashes))
    with app.app_context():
        settings = RegistrationSettings(panel_id=world.panel.id, short_code="clash", is_open=True)
        db.session.add(settings)
        db.session.commit()
        answers = registering.Answers(first_name="Ada", last_name="Lovelace", phone="0100 000 001")
        first = registering.write(settings, answers, channel="phone")
        second = registering.write(settings, answers, channel="phone")  # clashes once, then succeeds
        hashes_now = db.session.scalars(select(Volunteer.manage_token_hash).order_by(Volunteer.id)).all()
        assert first.id != second.id and hashes_now == ["same", "fresh-0"]
        try:
            registering._INSERT_VOLUNTEER.run(db.session.connection(), {
                **{name: None for name in registering._INSERT_VOLUNTEER._columns},
                "panel_id": world.panel.id, "public_id": "V-SECRET", "manage_token_hash": "same",
                "answers": {}, "availability": [], "support_needs": [], "channel": "web", "language": "en",
                "status": "pool", "consent_standing_pool": False, "first_name": "Private Name"})
        except IntegrityError as exc:
            assert "Private Name" not in str(exc)  # a resident's answers never reach the logs
        else:
            raise AssertionError("a duplicate token was accepted")
        db.session.rollback()
        db.session.remove()
