"""Database plumbing shared by every area: SQLite pragmas, timestamps, JSON columns."""

from __future__ import annotations

import os
import threading
from contextlib import contextmanager
from datetime import UTC, datetime

from sqlalchemy import DateTime, event
from sqlalchemy.engine import Engine
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Timezone-aware datetimes on both databases (SQLite stores them naive)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value




@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """WAL lets the web server read while a job writes; foreign keys are off by default in SQLite."""
    module = type(dbapi_connection).__module__
    if not module.startswith("sqlite3"):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


_WRITER_THREADS = threading.Lock()
_WRITER_FILES: dict[tuple[int, str], object] = {}  # (process, database file) -> open lock file


def _writer_file(engine):
    """This process's lock file beside the SQLite database (None for an in-memory database).

    Opened once per process, after any fork: an flock belongs to the open file, so a file
    inherited from the parent would not keep the worker processes apart."""
    path = engine.url.database
    if not path or path == ":memory:" or path.startswith("file:"):
        return None
    key = (os.getpid(), path)
    handle = _WRITER_FILES.get(key)
    if handle is None:
        handle = _WRITER_FILES[key] = open(f"{path}-writer.lock", "a+b")  # noqa: SIM115 - kept open
    return handle


@contextmanager
def one_writer(engine):
    """On SQLite, one write transaction at a time across this installation's threads and processes.

    SQLite allows one writer anyway. Waiting here, on a thread lock and then an flock on a file
    beside the database, wakes the next writer the moment the last one is done; SQLite's own busy
    handler sleeps and retries (1, 2, 5, 10 ... ms), unfairly, which shows as slow outliers under
    load. Other databases need nothing of this.
    """
    if engine.dialect.name != "sqlite":
        yield
        return
    try:
        import fcntl
    except ImportError:  # not a POSIX system: the thread lock alone
        fcntl = None
    with _WRITER_THREADS:
        handle = _writer_file(engine) if fcntl else None
        if handle is None:
            yield
            return
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
