"""Languages: a page's language is chosen per panel, then by the visitor (?lang=), then the browser."""

from __future__ import annotations

from flask import g, request

LANGUAGES = {"en": "English", "es": "Español"}


def select_locale() -> str:
    allowed = g.get("panel_languages") or list(LANGUAGES)
    chosen = request.args.get("lang") or request.form.get("lang")
    if chosen in allowed:
        return chosen
    return request.accept_languages.best_match(allowed) or allowed[0]
