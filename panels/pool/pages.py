"""What the registration pages share: the page's language, rendering, and the answers a form
(or the fast path's checked values) gives."""

from __future__ import annotations

from collections.abc import Mapping

import flask_babel
from flask import g, render_template

from ..i18n import LANGUAGES
from . import services


def use_languages(settings) -> str:
    """Offer the panel's languages on this page; returns the page's language."""
    g.panel_languages = services.languages(settings)
    flask_babel.refresh()
    return str(flask_babel.get_locale() or "en")


def page(template: str, settings, locale: str, status: int = 200, **context):
    return render_template(template, settings=settings, panel=settings.panel, page_lang=locale,
                           languages=services.languages(settings), LANGUAGES=LANGUAGES,
                           words=services.words(settings, locale), **context), status


def status(form, *extra) -> int:
    return 422 if form.errors or any(extra) else 200


def answers_from(values: Mapping, category_names, locale: str) -> services.Answers:
    """The Answers from a form's data (form.data, or the same names checked by the fast path)."""
    def value(name):
        return values.get(name) or None

    def text(name):
        return (value(name) or "").strip() or None

    return services.Answers(
        first_name=text("first_name") or "", last_name=text("last_name") or "",
        email=(text("email") or "").lower() or None, phone=text("phone"),
        answers={name[len("cat_"):]: values.get(name) for name in category_names},
        availability=sorted(value("availability") or []),
        support_needs=[k for k in services.SUPPORT_KEYS if k in (value("support_needs") or [])],
        support_details=text("support_details"),
        consent_standing_pool=bool(value("consent_standing_pool")), language=locale,
        address=text("address"), area=text("area"),
    )
