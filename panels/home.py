"""The front door: a landing page for the public, 'your panels' for people who log in."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from .access import access
from .roles import ROLE_LABELS, Role

bp = Blueprint("home", __name__)


@bp.route("/")
@access("public")
def index():
    if not current_user.is_authenticated:
        return render_template("home/landing.html")
    organisations, panels = {}, {}
    for membership in current_user.memberships:
        if membership.panel_id is None:
            organisations.setdefault(membership.organisation, []).append(Role(membership.role))
        else:
            panels.setdefault(membership.panel, []).append(Role(membership.role))
    return render_template("home/index.html", organisations=organisations, panels=panels,
                           role_labels=ROLE_LABELS)


@bp.route("/healthz")
@access("public")
def health():
    from sqlalchemy import text

    from .extensions import db

    db.session.execute(text("SELECT 1"))
    return {"status": "ok"}
