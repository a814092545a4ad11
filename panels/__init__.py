"""Civic lottery and deliberative panel manager: the Flask application."""

from __future__ import annotations

import logging

from flask import Flask
from werkzeug.routing import IntegerConverter

from . import config as config_module
from .config import PACKAGE_DIR, PROJECT_DIR
from .cookie_session import CookieSessionInterface

__version__ = "0.1.0"


def create_app(config: dict | None = None) -> Flask:
    """Build the application; `config` overrides what the environment says."""
    settings = config_module.from_environment()
    if config:
        settings.update(config)
    app = Flask(
        __name__,
        template_folder=str(PROJECT_DIR / "templates"),
        static_folder=str(PACKAGE_DIR / "static"),
        instance_path=settings["INSTANCE_DIR"],
    )
    app.config.update(settings)
    if str(app.config["SQLALCHEMY_DATABASE_URI"]).startswith("sqlite"):
        # A file on this machine: no server to drop the connection, so no ping before each use.
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
            k: v for k, v in app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}).items() if k != "pool_pre_ping"}
    app.url_map.converters["int"] = DatabaseInt
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)

    from .extensions import babel, csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PACKAGE_DIR / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = "Log in to see this page."
    login_manager.login_message_category = "info"
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config.get("REDIS_URL") or "memory://")
    limiter.init_app(app)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(PACKAGE_DIR / "translations"))
    from .i18n import select_locale

    babel.init_app(app, locale_selector=select_locale)

    _import_models()
    _register_blueprints(app)

    from . import errors, events, outbox
    from .access import check_declared
    from .templating import register as register_templating

    errors.register(app)
    register_templating(app)
    app.after_request(outbox.after_request_kick)
    app.after_request(events.after_request)
    app.after_request(_security_headers)
    app.session_interface = CookieSessionInterface()
    check_declared(app)

    from .cli import register as register_cli

    register_cli(app)
    return app


def _import_models() -> None:
    """Every model module, so metadata (and Alembic) sees all tables."""
    from . import audit, jobs, outbox  # noqa: F401
    from .accounts import models as _accounts  # noqa: F401
    from .evidence import models as _evidence  # noqa: F401
    from .invitations import models as _invitations  # noqa: F401
    from .panel import models as _panel  # noqa: F401
    from .pool import models as _pool  # noqa: F401
    from .recommendations import models as _recommendations  # noqa: F401
    from .selection import models as _selection  # noqa: F401
    from .sessions import models as _sessions  # noqa: F401
    from .sessions import participation as _participation  # noqa: F401


class DatabaseInt(IntegerConverter):
    """An id in a URL fits the database's integer column: a bigger number is a 404, never an overflow."""

    def __init__(self, map, *args, **kwargs):  # noqa: A002 - werkzeug's parameter name
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(map, *args, **kwargs)


def _register_blueprints(app: Flask) -> None:
    from . import admin, home, job_views
    from .accounts.views import bp as accounts_bp
    from .evidence import views as evidence_views
    from .invitations.views import bp as invitations_bp
    from .panel.views import bp as panel_bp
    from .pool import import_views, standing_views  # noqa: F401  (more pages on the pool blueprint)
    from .pool.views import bp as pool_bp
    from .recommendations import drafting_views, report_views, response_views, voting_views
    from .selection.member_views import bp as seats_bp
    from .selection.views import bp as selection_bp
    from .sessions import (
        participation_views,  # noqa: F401
        table_views,  # noqa: F401  (table plans on the sessions blueprint)
    )
    from .sessions.views import bp as sessions_bp

    for bp in (home.bp, accounts_bp, panel_bp, admin.bp, job_views.bp, invitations_bp, selection_bp,
               pool_bp, seats_bp, sessions_bp, drafting_views.bp, voting_views.bp, report_views.bp,
               response_views.bp, evidence_views.bp):
        app.register_blueprint(bp)


SECURITY_HEADERS = (
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "same-origin"),
    ("Content-Security-Policy",
     "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
     "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"),
)


def _security_headers(response):
    """Each header unless the view set its own (one pass over the headers: a missing key in
    werkzeug's Headers costs an exception, which showed in the registration profile)."""
    present = {name.lower() for name, _ in response.headers.items()}
    for name, value in SECURITY_HEADERS:
        if name.lower() not in present:
            response.headers.add(name, value)
    return response
