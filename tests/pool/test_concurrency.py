"""Registrations are never lost, and a code cannot be used twice, under concurrent submissions."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from tests.pool.pool_helpers import valid_form


@pytest.fixture
def unlimited(app, monkeypatch):
    monkeypatch.setitem(app.config, "REGISTRATION_LIMIT_PER_IP", "10000 per minute")


def post_all(app, url: str, forms: list[dict]) -> list[int]:
    """Post every form at the same moment, each from its own client and thread."""
    barrier = threading.Barrier(len(forms))
    statuses: list[int | None] = [None] * len(forms)
    errors: list[BaseException] = []

    def run(i: int) -> None:
        client = app.test_client()
        try:
            barrier.wait(timeout=30)
            statuses[i] = client.post(url, data=forms[i]).status_code
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(forms))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    return statuses


def totals(app):
    from panels.extensions import db
    from panels.invitations.models import Letter
    from panels.outbox import OutboxMessage
    from panels.pool.models import Volunteer

    with app.app_context():
        result = (
            db.session.scalar(select(func.count()).select_from(Volunteer)),
            db.session.scalar(select(func.coalesce(func.sum(Letter.registrations), 0))),
            db.session.scalar(select(func.count()).select_from(OutboxMessage)
                              .where(OutboxMessage.related_type == "Volunteer")),
        )
        db.session.remove()
    return result


def test_many_clients_register_at_once_and_none_is_lost(app, reg, unlimited):
    n = 20
    forms = [valid_form(app, reg.codes[i], first_name=f"Person{i}", email=f"p{i}@example.org") for i in range(n)]
    statuses = post_all(app, reg.url, forms)
    assert statuses == [302] * n
    assert totals(app) == (n, n, n)


def test_the_same_code_at_once_succeeds_exactly_once(app, reg, unlimited, monkeypatch):
    monkeypatch.setitem(app.config, "REGISTRATION_LIMIT_PER_CODE", "1000 per hour")
    n = 10
    forms = [valid_form(app, reg.codes[0], first_name=f"Person{i}") for i in range(n)]
    statuses = post_all(app, reg.url, forms)
    assert sorted(statuses) == [302] + [422] * (n - 1)
    assert totals(app) == (1, 1, 1)


def test_the_atomic_claim_alone_stops_a_second_registration(app, reg, unlimited, monkeypatch):
    """Even when every request passes the early "already used" check (as in a race), the
    conditional UPDATE on the letter lets only one registration through."""
    from panels.pool import registering, services

    def find_without_used_check(settings, typed, *, required=True):
        return registering.letter_by_code(services.normalised_code(typed))

    monkeypatch.setattr(services, "find_letter", find_without_used_check)
    monkeypatch.setitem(app.config, "REGISTRATION_LIMIT_PER_CODE", "1000 per hour")
    n = 10
    statuses = post_all(app, reg.url, [valid_form(app, reg.codes[0], first_name=f"P{i}") for i in range(n)])
    assert sorted(statuses) == [302] + [422] * (n - 1)
    assert totals(app) == (1, 1, 1)
