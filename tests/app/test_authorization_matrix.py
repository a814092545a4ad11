"""Every route, every role: the declared outcome, and no route without a decision.

Each area lists its routes in `tests/app/matrix_<area>.py` (MATRIX, and `url_values`
for the sample objects its URLs need). A route missing from the matrix fails
`test_every_route_is_in_the_matrix`, so nothing ships without a decision.
"""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

import pytest

from tests.app.matrix_roles import LOGGED_IN, MANAGERS, ON_PANEL, ORG_STAFF, PUBLIC, ROLES, SITE_ADMIN

# endpoint -> roles allowed. Everyone else: anonymous is sent to log in, others get 403.
FOUNDATION: dict[str, set[str]] = {
    "home.index": PUBLIC,
    "home.health": PUBLIC,
    "accounts.login": PUBLIC,
    "accounts.logout": LOGGED_IN,
    "accounts.change_password": LOGGED_IN,
    "accounts.forgot_password": PUBLIC,
    "accounts.reset_password": PUBLIC,
    "accounts.accept_invitation": PUBLIC,
    "accounts.invite_to_organisation": MANAGERS,
    "accounts.invite_to_panel": MANAGERS,
    "panel.dashboard": ORG_STAFF,
    "panel.create": MANAGERS,
    "panel.detail": ON_PANEL,
    "panel.edit": MANAGERS,
    "panel.change_status": MANAGERS,
    "panel.add_topic": MANAGERS,
    "panel.add_cohort": MANAGERS,
    "panel.audit_log": MANAGERS | {"observer"},
    "admin.outbox_list": SITE_ADMIN,
    "admin.outbox_message": SITE_ADMIN,
    "admin.outbox_deliver": SITE_ADMIN,
    "admin.audit_log": SITE_ADMIN,
    "jobs.status": ON_PANEL,
    "jobs.fragment": ON_PANEL,
}


AREAS = [importlib.import_module(f"tests.app.{m.name}")
         for m in pkgutil.iter_modules([str(Path(__file__).parent)]) if m.name.startswith("matrix_")
         and m.name != "matrix_roles"]
MATRIX: dict[str, set[str]] = {**FOUNDATION}
for _area in AREAS:
    MATRIX.update(_area.MATRIX)


def url_values(world, app) -> dict:
    values = {
        "panel_id": world.panel.id,
        "org_slug": world.org.slug,
        "job_id": world.job.id,
        "message_id": world.message.id,
        "token": "not-a-real-token",
        "target": "recruiting",
    }
    for area in AREAS:
        values.update(area.url_values(world, app))
    return values


def outcome(response) -> str:
    if response.status_code == 302 and "/login?next=" in response.headers.get("Location", ""):
        return "login"
    if response.status_code in (401, 403):
        return "forbidden"
    assert response.status_code < 500, response.data[:300]
    assert response.status_code != 404, "the matrix's sample URL values do not exist"
    return "allowed"


def test_every_route_is_in_the_matrix(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint != "static"}
    assert endpoints - MATRIX.keys() == set(), "routes without a decision in the matrix"
    assert MATRIX.keys() - endpoints == set(), "matrix entries for routes that no longer exist"


@pytest.mark.parametrize("endpoint", sorted(MATRIX))
def test_route_enforces_its_declared_roles(app, world, as_user, endpoint):
    from flask import url_for

    rules = [r for r in app.url_map.iter_rules() if r.endpoint == endpoint]
    values = url_values(world, app)
    for rule in rules:
        with app.test_request_context():
            url = url_for(endpoint, **{k: values[k] for k in rule.arguments})
        for method in sorted(rule.methods & {"GET", "POST"}):
            for role in ROLES:
                client = as_user(role)
                response = client.open(url, method=method)
                expected = ("allowed" if role in MATRIX[endpoint]
                            else "login" if role == "anonymous" else "forbidden")
                assert outcome(response) == expected, f"{method} {url} as {role}"


def test_other_panels_staff_cannot_see_this_panel(world, as_user):
    client = as_user("outsider")  # organiser of another organisation's panel
    assert client.get(f"/panels/{world.panel.id}/").status_code == 403
    assert client.get(f"/panels/{world.other_panel.id}/").status_code == 200
