"""The public registration pages' copy of a panel's registration settings, kept in each process.

Every public request needs the settings and a little of their panel; loading them through the
ORM costs more than a millisecond. Each process keeps an immutable copy per short address and,
on every request, compares it with the row as it is now: one small query of the raw columns
(the settings' own and the panel's title, question and organisation). Any change, by staff in
another process, by a bulk or raw UPDATE, shows on the very next request; nothing expires by time.

Things derived from one copy (rendered page skeletons, the confirmation email, the form's rules)
live in its `derived` dict, so they go when the copy is replaced.
"""

from __future__ import annotations

import copy
import threading
from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app
from sqlalchemy import select, text
from sqlalchemy.orm import joinedload

from ..driver import Statement
from ..extensions import db
from .models import RegistrationSettings

PANEL_COLUMNS = ("title", "question", "organisation_id")  # what the public pages use of the panel
DERIVED_MAX = 64  # page skeletons per copy (per language, host and prefilled code or not)


@dataclass(frozen=True)
class PublicPanel:
    id: int
    title: str
    question: str
    organisation_id: int


@dataclass(frozen=True, eq=False)
class PublicSettings:
    """The settings as the public pages read them (same attribute names as the model)."""

    id: int
    panel_id: int
    short_code: str
    is_open: bool
    closes_on: datetime | None
    categories: list
    session_dates: list
    min_age: int
    residence_rule: str
    exclusions: list
    privacy_notice: str
    retention_months: int
    allow_household_multiple: bool
    languages: list
    translations: dict
    phone: str | None
    contact_email: str | None
    panel: PublicPanel
    derived: dict = field(default_factory=dict, repr=False)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def remember(self, key, make):
        """derived[key], made once (a racing thread may make it too; one of them is kept)."""
        value = self.derived.get(key)
        if value is None:
            value = make()
            with self.lock:
                if len(self.derived) >= DERIVED_MAX:
                    self.derived.clear()
                value = self.derived.setdefault(key, value)
        return value


_FIELDS = [name for name in PublicSettings.__dataclass_fields__ if name not in ("panel", "derived", "lock")]


def from_model(settings: RegistrationSettings) -> PublicSettings:
    """A copy of an ORM row (with its panel); the JSON values are copied too, never shared."""
    panel = settings.panel
    values = {name: copy.deepcopy(getattr(settings, name)) for name in _FIELDS}
    return PublicSettings(**values, panel=PublicPanel(id=panel.id, title=panel.title, question=panel.question,
                                                      organisation_id=panel.organisation_id))


def _current_row():
    """The raw columns of the settings and of what the pages use of the panel (no type processing)."""
    columns = [f"s.{c.name}" for c in RegistrationSettings.__table__.columns]
    columns += [f"p.{name}" for name in PANEL_COLUMNS]
    # Column names come from the models; the short code is a bound parameter.
    return text(f"SELECT {', '.join(columns)} FROM registration_settings s "  # noqa: S608
                "JOIN panel p ON p.id = s.panel_id WHERE s.short_code = :code")


_CURRENT_ROW = Statement(_current_row)


def _fetch_row(code: str):
    """The current row, read straight through the driver on a pooled connection.

    This runs on every public request; through SQLAlchemy's Connection and the request's Session
    it would cost several times what the database does (nothing is written, no transaction is
    needed, and the values are compared raw, so nothing is lost by skipping them)."""
    engine = db.engine
    connection = engine.raw_connection()
    try:
        cursor = _CURRENT_ROW.on(engine.dialect, connection, {"code": code})
        row = cursor.fetchone()
        cursor.close()
    finally:
        connection.close()  # back to the pool
    return row


def _load(code: str) -> RegistrationSettings | None:
    """The ORM row, read afresh even if this session already holds it (so the copy is never older
    than the row compared with it)."""
    return db.session.scalar(
        select(RegistrationSettings).options(joinedload(RegistrationSettings.panel))
        .where(RegistrationSettings.short_code == code).execution_options(populate_existing=True))


def _cache() -> dict:
    return current_app.extensions.setdefault("pool.public_settings", {})


def public_settings(short_code: str) -> PublicSettings | None:
    """The settings for a short address as they are now, from this process's copy when it is current."""
    code = short_code.strip().lower()
    row = _fetch_row(code)
    cache_ = _cache()
    if row is None:
        cache_.pop(code, None)
        return None
    row = tuple(row)
    kept = cache_.get(code)
    if kept is not None and kept[0] == row:
        return kept[1]
    settings = _load(code)
    if settings is None:
        return None
    snapshot = from_model(settings)
    cache_[code] = (row, snapshot)
    return snapshot
