"""Configuration from the environment, with defaults that are safe for an embedded install."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent
DEFAULT_INSTANCE = PROJECT_DIR / "instance"


def instance_dir() -> Path:
    path = Path(os.environ.get("PANELS_INSTANCE", DEFAULT_INSTANCE))
    path.mkdir(parents=True, exist_ok=True)
    return path


def _secret_key(folder: Path) -> str:
    """Read the key from the environment, else from instance/, else generate it there once."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    key_file = folder / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(48))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def _database_url(folder: Path) -> str:
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        return f"sqlite:///{folder / 'panels.sqlite'}"
    # Heroku-style URLs name the old driver; psycopg 3 is what we ship.
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def from_environment() -> dict:
    folder = instance_dir()
    debug = os.environ.get("FLASK_DEBUG", "") in {"1", "true", "yes"}
    return {
        "INSTANCE_DIR": str(folder),
        "SECRET_KEY": _secret_key(folder),
        "SQLALCHEMY_DATABASE_URI": _database_url(folder),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "REDIS_URL": os.environ.get("REDIS_URL") or None,
        "JOB_EXECUTOR": os.environ.get("JOB_EXECUTOR") or None,
        "JOB_QUEUE": os.environ.get("JOB_QUEUE", "panels"),
        "JOB_STALE_AFTER": float(os.environ.get("JOB_STALE_AFTER", "60")),
        "JOB_HEARTBEAT": float(os.environ.get("JOB_HEARTBEAT", "5")),
        "MAIL_SERVER": os.environ.get("MAIL_SERVER") or None,
        "MAIL_PORT": int(os.environ.get("MAIL_PORT", "25")),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD") or None,
        "MAIL_USE_TLS": os.environ.get("MAIL_USE_TLS", "") in {"1", "true", "yes"},
        "MAIL_SENDER": os.environ.get("MAIL_SENDER", "panels@localhost"),
        "BASE_URL": os.environ.get("BASE_URL") or None,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": not debug,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": not debug,
        "WTF_CSRF_TIME_LIMIT": 8 * 3600,
        "MAX_CONTENT_LENGTH": 64 * 1024 * 1024,
        "PASSWORD_RESET_MAX_AGE": 3600,
        "INVITATION_MAX_AGE_DAYS": 14,
    }
