"""Permissions declared once per view, and re-checked by the services that change data.

Every view carries `@access(rule)`: "public", "login" or a permission from
`roles.PERMISSIONS`. The scope comes from the URL: `panel_id` checks roles on that
panel (organisation roles count on all its panels), `org_slug` on that organisation,
neither on the installation (site administrators). The factory refuses to start if a
view has no declaration, and the authorization-matrix test walks them all.
"""

from __future__ import annotations

from functools import wraps

from flask import abort, g
from flask_login import current_user
from werkzeug.exceptions import Forbidden

from .extensions import db, login_manager
from .roles import PERMISSIONS, Role

ACCESS_ATTR = "_panels_access"


class PermissionDenied(Forbidden):
    description = "You do not have permission to do this."


def roles_for(user, *, panel=None, organisation=None) -> set[Role]:
    """The roles a user holds on a panel (or on an organisation as a whole)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return set()
    roles: set[Role] = {Role.ADMIN} if user.site_admin else set()
    for membership in user.memberships:
        if panel is not None:
            on_panel = membership.panel_id == panel.id
            on_org = membership.panel_id is None and membership.organisation_id == panel.organisation_id
            if on_panel or on_org:
                roles.add(Role(membership.role))
        elif (organisation is not None and membership.panel_id is None
              and membership.organisation_id == organisation.id):
            roles.add(Role(membership.role))
    return roles


def can(user, permission: str, *, panel=None, organisation=None) -> bool:
    if permission.startswith("system."):
        return bool(getattr(user, "is_authenticated", False) and user.site_admin)
    return bool(PERMISSIONS[permission] & roles_for(user, panel=panel, organisation=organisation))


def require(user, permission: str, *, panel=None, organisation=None) -> None:
    """The services' re-check: raise 403 unless the user holds the permission."""
    if not can(user, permission, panel=panel, organisation=organisation):
        raise PermissionDenied()


def _scope(kwargs: dict) -> dict:
    from .accounts.models import Organisation
    from .panel.models import Panel

    if "panel_id" in kwargs:
        panel = db.session.get(Panel, kwargs["panel_id"]) or abort(404)
        g.panel = panel
        return {"panel": panel}
    if "org_slug" in kwargs:
        organisation = db.session.scalar(
            db.select(Organisation).filter_by(slug=kwargs["org_slug"])
        ) or abort(404)
        g.organisation = organisation
        return {"organisation": organisation}
    return {}


def of_panel(model, object_id: int, panel=None):
    """The object if it belongs to the panel in scope (a URL cannot reach another panel's), else 404."""
    panel = panel if panel is not None else g.panel
    obj = db.session.get(model, object_id)
    if obj is None or obj.panel_id != panel.id:
        abort(404)
    return obj


def access(rule: str):
    if rule not in {"public", "login"} and rule not in PERMISSIONS:
        raise ValueError(f"unknown access rule {rule!r}")

    def decorate(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if rule != "public":
                if not current_user.is_authenticated:
                    return login_manager.unauthorized()
                if rule != "login":
                    require(current_user, rule, **_scope(kwargs))
            return view(*args, **kwargs)

        setattr(wrapped, ACCESS_ATTR, rule)
        return wrapped

    return decorate


def check_declared(app) -> None:
    """Refuse to start with a view that has no access declaration."""
    missing = [
        endpoint
        for endpoint, view in app.view_functions.items()
        if endpoint != "static" and not hasattr(view, ACCESS_ATTR)
    ]
    if missing:
        raise RuntimeError(f"views without an @access declaration: {', '.join(sorted(missing))}")
