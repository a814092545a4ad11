"""Fixtures of the pool tests (helpers live in tests/pool/pool_helpers.py)."""

from __future__ import annotations

import pytest

from tests.pool.pool_helpers import build_registration


@pytest.fixture
def reg(app, world):
    """world.panel with open registration (English and Spanish) and 30 letters."""
    with app.app_context():
        return build_registration(world.panel.id, world.org.id)
