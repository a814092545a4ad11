"""The demo city: realistic data for every stage that exists, built idempotently."""

from __future__ import annotations

from flask_migrate import upgrade

from . import city


def build() -> str:
    """Migrate the database, then create or refresh the demo data; returns a summary to print."""
    upgrade()
    lines = city.build()
    return "\n".join(lines)
