"""The public registration form's fast path: most requests are a first-time visitor fetching the
form, then sending it filled in correctly. Both are served here without Jinja or WTForms.

- The page comes from a skeleton: rendered once per panel, language and host by the full template
  (as an anonymous visitor, in a context of its own), with markers where the CSRF token, the
  timing token and a prefilled code go.
- A submission is checked against the form's rules directly. Only one the full form would accept
  is accepted here (tests/pool/test_fast_path.py checks that on many variations); anything else
  (a logged-in visitor, a flashed message, a mistake, an expired token, a used code) returns None
  and the view's full path renders or explains it exactly as before.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace
from urllib.parse import quote_plus

from flask import current_app, redirect, request, session, url_for
from flask_login import current_user
from flask_wtf.csrf import generate_csrf, validate_csrf
from markupsafe import escape
from wtforms.validators import Email, ValidationError

from ..skeleton import Skeleton, marker
from . import forms, pages, registering, services

_UNTICKED = (None, "", "false")  # what a checkbox (BooleanField) reads as not ticked
_SUPPORT = frozenset(services.SUPPORT_KEYS)
_EMAIL = Email(message="-")
# (field, longest, required): the text fields' limits, as in forms._build_registration_form
_TEXTS = (("code", 40, False), ("first_name", 100, True), ("last_name", 100, True),
          ("support_details", 2000, False), ("email", 254, False), ("phone", 40, False))
URL_SAFE = "!$'()*,/:;?@"  # what url_for leaves unquoted in a query value (werkzeug.urls._urlencode)


# --- the page ------------------------------------------------------------------------------------


def form_page(settings, locale: str):
    """The empty form (with the QR code's code filled in) for a visitor without a session to show."""
    if current_user.is_authenticated or "_flashes" in session:
        return None
    code = request.args.get("code")
    csrf = current_app.config.get("WTF_CSRF_ENABLED", True)
    environ = request.environ  # where the page is (its links are relative, but to be sure), cheaply
    key = ("page", locale, code is not None, csrf, request.path, environ.get("SCRIPT_NAME"),
           environ.get("HTTP_HOST"), environ.get("SERVER_NAME"), environ.get("SERVER_PORT"),
           environ.get("wsgi.url_scheme"))
    skeleton = settings.remember(key, lambda: _page_skeleton(settings, locale, code is not None, csrf))
    if not skeleton:
        return None
    return skeleton.fill(
        csrf=str(escape(generate_csrf())) if csrf else "",
        started=str(escape(services.timing_token())),
        code=str(escape(services.display_code(code))) if code else "",
        code_query=str(escape(quote_plus(code, safe=URL_SAFE))) if code is not None else ""), 200


def _page_skeleton(settings, locale: str, with_code: bool, csrf: bool) -> Skeleton | bool:
    """The page rendered by the full template for an anonymous visitor; False if it cannot be cut."""
    app = current_app._get_current_object()
    query = {"lang": locale, **({"code": marker("code_query")} if with_code else {})}
    # A fresh app context: its own g, session and (anonymous) user, nothing of this visitor's.
    with app.app_context(), app.test_request_context(request.path, base_url=request.url_root,
                                                     query_string=query):
        if pages.use_languages(settings) != locale:
            return False
        form = forms.registration_form(settings, mode="public", locale=locale)(formdata=None)
        form.started.data = marker("started")
        if with_code:
            form.code.data = marker("code")
        if csrf:
            form.csrf_token.current_token = marker("csrf")
        html, _status = pages.page("pool/register.html", settings, locale, form=form, notice=None)
    try:
        skeleton = Skeleton(html)
    except ValueError:
        return False
    expected = {"started": 1, "csrf": int(csrf), "code": int(with_code)}
    if any(skeleton.counts.get(name, 0) != n for name, n in expected.items()):
        return False
    return skeleton


# --- the submission --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rules:
    """What the public form requires, for one panel and language."""

    ticks: tuple[str, ...]  # checkboxes that must be ticked
    radios: dict  # cat_<key> -> the answers offered
    dates: frozenset | None  # None when the form asks no dates
    category_names: tuple[str, ...]

    @classmethod
    def of(cls, settings, locale: str) -> Rules:
        exclusions = services.words(settings, locale).get("_exclusions") or settings.exclusions or []
        radios = {f"cat_{c['key']}": frozenset(o["value"] for o in c["options"])
                  for c in settings.categories or []}
        return cls(ticks=("age_ok", "residence_ok", *(("exclusions_ok",) if exclusions else ()), "consent_privacy"),
                   radios=radios, dates=frozenset(settings.session_dates) if settings.session_dates else None,
                   category_names=tuple(radios))

    def check(self, form) -> dict | None:
        """The form's data (as form.data has it) when every answer is acceptable, else None."""
        get = form.get
        if any(get(name) in _UNTICKED for name in self.ticks):
            return None
        values = {}
        for name, offered in self.radios.items():
            values[name] = get(name)
            if values[name] not in offered:
                return None
        if self.dates is not None:
            values["availability"] = form.getlist("availability")
            if not values["availability"] or not self.dates.issuperset(values["availability"]):
                return None
        values["support_needs"] = form.getlist("support_needs")
        if not _SUPPORT.issuperset(values["support_needs"]):
            return None
        for name, longest, required in _TEXTS:
            value = values[name] = get(name)
            if value is None or not value.strip():
                if required:
                    return None
            elif len(value) > longest:
                return None
        email, phone = (values["email"] or "").strip(), (values["phone"] or "").strip()
        if not (email or phone) or (email and not _passes(_EMAIL, values["email"])) \
                or (phone and not _passes(forms.phone_number, values["phone"])):
            return None
        values["consent_standing_pool"] = get("consent_standing_pool") not in _UNTICKED
        return values


def _passes(validator, value: str) -> bool:
    try:
        validator(None, SimpleNamespace(data=value))
    except ValidationError:
        return False
    return True


def accept(settings, locale: str):
    """Register a correct submission and redirect to the thanks page; None for the full path."""
    form = request.form
    if form.get("hp_comment") or services.timing_problem(form.get("started")):
        return None
    if current_app.config.get("WTF_CSRF_ENABLED", True):
        try:
            validate_csrf(form.get("csrf_token"))
        except ValidationError:
            return None
    rules = settings.remember(("rules", locale), lambda: Rules.of(settings, locale))
    values = rules.check(form)
    if values is None:
        return None
    try:
        letter = services.find_letter(settings, form.get("code"), required=True)
        done = registering.write(settings, pages.answers_from(values, rules.category_names, locale),
                                 letter=letter, channel="web")
    except services.CodeProblem:
        return None
    session["pool_thanks"] = {"panel": settings.panel_id, "email": bool(done.email)}
    return redirect(url_for("pool.thanks", short_code=settings.short_code, lang=locale))
