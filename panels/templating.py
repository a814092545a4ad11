"""Template helpers: navigation by role, dates, status labels."""

from __future__ import annotations

from flask import request
from flask_login import current_user

from .access import can
from .roles import Role


def _nav() -> list[tuple[str, str]]:
    from flask import url_for
    from flask_babel import gettext as _

    if not current_user.is_authenticated:
        return [(_("Home"), url_for("home.index"))]
    items = [("Your panels", url_for("home.index"))]
    seen = set()
    for membership in current_user.memberships:
        org = membership.organisation
        if membership.panel_id is None and org.id not in seen and Role(membership.role) != Role.MEMBER:
            seen.add(org.id)
            items.append((org.name, url_for("panel.dashboard", org_slug=org.slug)))
    if current_user.site_admin:
        items.append(("Outbox", url_for("admin.outbox_list")))
        items.append(("Audit log", url_for("admin.audit_log")))
    return items


def _date(value, fmt: str = "%-d %B %Y") -> str:
    return value.strftime(fmt) if value else ""


def register(app) -> None:
    app.jinja_env.filters["date"] = _date
    app.jinja_env.filters["datetime"] = lambda v: _date(v, "%-d %b %Y, %H:%M UTC")

    @app.context_processor
    def globals_():
        return {"nav_items": _nav, "can": lambda *a, **k: can(current_user, *a, **k),
                "current_path": request.path}
