"""Friendly error pages: a person sees what happened and what to do, never a traceback."""

from __future__ import annotations

import logging

from flask import render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import HTTPException

from .extensions import db

log = logging.getLogger(__name__)

MESSAGES = {
    400: ("The request could not be understood", "Go back, reload the page and try again."),
    403: ("You do not have permission to see this page",
          "If you think you should, ask the organiser of the panel to give you a role."),
    404: ("Page not found", "Check the address, or start again from the home page."),
    405: ("That action is not possible here", "Go back and use the buttons on the page."),
    413: ("The file is too large", "Upload a smaller file."),
    429: ("Too many attempts", "Wait a minute and try again."),
    500: ("Something went wrong on our side",
          "Nothing you entered has been saved. Try again in a moment; the error has been logged."),
}


def _page(status: int, title: str | None = None, hint: str | None = None):
    default_title, default_hint = MESSAGES.get(status, MESSAGES[500])
    return render_template("errors/error.html", status=status, title=title or default_title,
                           hint=hint or default_hint), status


def register(app) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(exc):
        return _page(400, "This form has expired",
                     "For your security, forms expire. Go back, reload the page and send it again.")

    @app.errorhandler(IntegrityError)
    def integrity_error(exc):
        db.session.rollback()
        log.warning("integrity error on %s %s: %s", request.method, request.path, exc.orig)
        return _page(409, "That conflicts with something that already exists",
                     "Nothing was saved. A record with the same name or code may already exist: "
                     "change it and try again.")

    @app.errorhandler(HTTPException)
    def http_error(exc):
        if exc.code is None or exc.code < 400:
            return exc
        return _page(exc.code)

    @app.errorhandler(Exception)
    def unexpected(exc):
        db.session.rollback()
        log.exception("unhandled error on %s %s", request.method, request.path)
        return _page(500)
