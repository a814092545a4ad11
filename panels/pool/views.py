"""Volunteer registration pages: the public form, its private link, the staff's phone form,
the registration settings and the pool.

The public pages work without JavaScript and in the panel's languages (`?lang=es`). Their
POSTs are rate limited per address and per registration code, and carry a honeypot field
and a signed timing token. They check CSRF through the form itself (and are exempt from the
global check) so an expired form is shown again with what the person typed, not lost.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, time, timedelta

import flask_babel
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from ..access import access, can
from ..extensions import csrf, limiter
from ..i18n import LANGUAGES
from . import fast_form, forms, pages, schema, services, snapshot
from .models import STATUSES

log = logging.getLogger(__name__)

bp = Blueprint("pool", __name__)


# --- languages and limits ----------------------------------------------------------------------


def _answers_from(form, locale: str) -> services.Answers:
    return pages.answers_from(form.data, [name for name in form.category_names if name in form], locale)


def _ip_limit() -> str:
    return current_app.config.get("REGISTRATION_LIMIT_PER_IP", "20 per minute")


def _code_limit() -> str:
    return current_app.config.get("REGISTRATION_LIMIT_PER_CODE", "10 per hour")


def _typed_code() -> str | None:
    return services.normalised_code(request.form.get("code"))


def _code_key() -> str:
    return f"code:{_typed_code()}"


def _no_code() -> bool:
    return _typed_code() is None


@bp.errorhandler(429)
def too_many_attempts(exc):
    settings = None
    if request.view_args and request.view_args.get("short_code"):
        settings = snapshot.public_settings(request.view_args["short_code"])
    if settings is None:
        return render_template("errors/error.html", status=429, title="Too many attempts",
                               hint="Wait a minute and try again."), 429
    locale = pages.use_languages(settings)
    return pages.page("pool/too_many.html", settings, locale, 429)


# --- the public registration form --------------------------------------------------------------


@bp.route("/r/<short_code>", methods=["GET", "POST"])
@access("public")
@limiter.limit(_ip_limit, methods=["POST"])
@limiter.limit(_code_limit, key_func=_code_key, methods=["POST"], exempt_when=_no_code)
def register(short_code: str):
    settings = snapshot.public_settings(short_code) or abort(404)
    locale = pages.use_languages(settings)
    if not services.is_open(settings):
        return pages.page("pool/closed.html", settings, locale)
    # Most requests: a first visit, then a correct submission (no Jinja, no WTForms).
    fast = fast_form.form_page(settings, locale) if request.method == "GET" else fast_form.accept(settings, locale)
    if fast is not None:
        return fast
    form = forms.registration_form(settings, mode="public", locale=locale)()
    notice = None
    if request.method == "POST":
        if form.hp_comment.data:
            # A robot filled the hidden field: it sees success, nothing is written.
            log.info("registration honeypot filled on %s", short_code)
            return redirect(url_for("pool.thanks", short_code=settings.short_code, lang=locale))
        timing = services.timing_problem(form.started.data)
        form.validate()
        forms.validate_contact(form)
        letter = None
        try:
            letter = services.find_letter(settings, form.code.data, required=True)
        except services.CodeProblem as exc:
            form.code.errors.append(str(exc))
        if timing:
            notice = _("Please check your answers and send the form again. (We ask this when a form "
                       "is sent very quickly or was open for a long time, to keep out robots.)")
        if not form.errors and not timing:
            try:
                volunteer, _token = services.register(
                    settings, _answers_from(form, locale), letter=letter, channel="web")
            except services.CodeAlreadyUsed as exc:
                form.code.errors.append(str(exc))
            else:
                session["pool_thanks"] = {"panel": settings.panel_id, "email": bool(volunteer.email)}
                return redirect(url_for("pool.thanks", short_code=settings.short_code, lang=locale))
    elif request.args.get("code"):
        form.code.data = services.display_code(request.args["code"])
    form.started.data = services.timing_token()
    return pages.page("pool/register.html", settings, locale, pages.status(form, notice), form=form, notice=notice)


@bp.route("/r/<short_code>/thanks")
@access("public")
def thanks(short_code: str):
    settings = snapshot.public_settings(short_code) or abort(404)
    locale = pages.use_languages(settings)
    done = session.pop("pool_thanks", None) or {}
    emailed = bool(done.get("email")) if done.get("panel") == settings.panel_id else None
    return pages.page("pool/thanks.html", settings, locale, emailed=emailed)


# --- the private link ----------------------------------------------------------------------------


def _manage_data(volunteer) -> dict:
    data = {name: getattr(volunteer, name) for name in
            ("first_name", "last_name", "email", "phone", "availability", "support_needs",
             "support_details", "consent_standing_pool")}
    for key, value in (volunteer.answers or {}).items():
        data[f"cat_{key}"] = value
    return data


@bp.route("/r/<short_code>/manage/<manage_token>", methods=["GET", "POST"])
@access("public")
@limiter.limit(_ip_limit, methods=["POST"])
def manage(short_code: str, manage_token: str):
    settings = services.settings_by_short_code(short_code) or abort(404)
    locale = pages.use_languages(settings)
    volunteer = services.volunteer_by_token(settings, manage_token)
    if volunteer is None:
        return pages.page("pool/link_problem.html", settings, locale, 404)
    if volunteer.status == "withdrawn":
        return pages.page("pool/withdrawn.html", settings, locale, volunteer=volunteer)
    editable = services.answers_editable(settings, volunteer)
    form_class = forms.registration_form(settings, mode="manage", locale=locale, include_answers=editable)
    withdraw_class = forms.withdraw_form()
    here = url_for("pool.manage", short_code=settings.short_code, manage_token=manage_token, lang=locale)
    if request.method == "POST" and request.form.get("action") == "withdraw":
        form = form_class(formdata=None, data=_manage_data(volunteer))
        withdraw = withdraw_class(prefix="withdraw")
        if withdraw.validate():
            services.withdraw(settings, volunteer)
            flash(_("You have withdrawn. We will not contact you about this panel again."), "success")
            return redirect(here)
    elif request.method == "POST":
        form = form_class()
        withdraw = withdraw_class(formdata=None, prefix="withdraw")
        form.validate()
        forms.validate_contact(form)
        if not form.errors:
            changed = services.update_volunteer(settings, volunteer, _answers_from(form, locale),
                                                answers=editable)
            flash(_("Your changes are saved.") if changed else _("Nothing was changed."),
                  "success" if changed else "info")
            return redirect(here)
    else:
        form = form_class(formdata=None, data=_manage_data(volunteer))
        withdraw = withdraw_class(formdata=None, prefix="withdraw")
    answers = [] if editable else [
        (services.words(settings, locale).get(c["key"]) or c["question"],
         next((services.words(settings, locale).get(f"{c['key']}.{o['value']}") or o["label"]
               for o in c["options"] if o["value"] == (volunteer.answers or {}).get(c["key"])), "—"))
        for c in settings.categories or []]
    return pages.page("pool/manage.html", settings, locale, pages.status(form, withdraw.errors), form=form,
                      withdraw=withdraw, volunteer=volunteer, fixed_answers=answers)


# The public forms check CSRF themselves, so an expired form keeps what was typed.
csrf.exempt(register)
csrf.exempt(manage)


# --- staff: registering someone by phone ----------------------------------------------------------


@bp.route("/panels/<int:panel_id>/registration/phone", methods=["GET", "POST"])
@access("pool.register_by_phone")
def phone(panel_id: int):
    panel = g.panel
    settings = services.settings_for(panel)
    if settings is None:
        return render_template("pool/phone_unavailable.html", panel=panel,
                               can_edit=can(current_user, "panel.edit", panel=panel))
    locale = pages.use_languages(settings)
    form = forms.registration_form(settings, mode="phone", locale=locale)()
    if request.method == "POST":
        form.validate()
        forms.validate_contact(form)
        letter = None
        try:
            letter = services.find_letter(settings, form.code.data, required=False)
        except services.CodeProblem as exc:
            form.code.errors.append(str(exc))
        if not form.errors:
            try:
                volunteer, _token = services.register(
                    settings, _answers_from(form, locale), letter=letter, channel="phone",
                    actor=current_user)
            except services.CodeAlreadyUsed as exc:
                form.code.errors.append(str(exc))
            else:
                flash(_("Registered: their reference is %(id)s.", id=volunteer.public_id)
                      + (" " + _("A confirmation email is on its way.") if volunteer.email else ""), "success")
                return redirect(url_for("pool.phone", panel_id=panel.id, lang=locale))
    return pages.page("pool/phone.html", settings, locale, pages.status(form), form=form,
                      registration_open=services.is_open(settings),
                      can_view_pool=can(current_user, "pool.view", panel=panel))


# --- staff: the registration settings -------------------------------------------------------------


def _closes_at(day) -> datetime | None:
    """Registration stays open all of the given day (UTC) and closes at the midnight after it."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=UTC) if day else None


def _closes_day(moment):
    return (moment - timedelta(seconds=1)).date() if moment else None


def _parse_settings(form, panel) -> dict | None:
    """Parse the text fields into values; every problem goes onto its field, with the line."""
    categories = schema.parse_categories(form.categories.data)
    form.categories.errors.extend(categories.errors)
    if not categories.errors and not categories.value:
        form.categories.errors.append("Add at least one category: the quotas need them.")
    dates = schema.parse_dates(form.session_dates.data)
    form.session_dates.errors.extend(dates.errors)
    exclusions = schema.parse_lines(form.exclusions.data)
    form.exclusions.errors.extend(exclusions.errors)
    short_code = (form.short_code.data or "").strip().lower()
    if short_code and not schema.SHORT_CODE_RE.match(short_code):
        form.short_code.errors.append("Use 3 to 40 small letters, digits and -, starting with a letter or "
                                      "digit, for example riverton-climate.")
    elif short_code and services.short_code_taken(short_code, panel):
        form.short_code.errors.append("Another panel already uses this short address. Choose another one.")

    offered = form.languages.data or []
    translations = {}
    for code in forms.TRANSLATED:
        name = LANGUAGES[code]
        words_field = form[f"tr_{code}_categories"]
        parsed = schema.parse_category_translations(words_field.data, categories.value)
        words_field.errors.extend(parsed.errors)
        words = dict(parsed.value)
        if (form[f"tr_{code}_residence"].data or "").strip():
            words["_residence_rule"] = form[f"tr_{code}_residence"].data.strip()
        if (form[f"tr_{code}_privacy"].data or "").strip():
            words["_privacy_notice"] = form[f"tr_{code}_privacy"].data.strip()
        translated_exclusions = schema.parse_lines(form[f"tr_{code}_exclusions"].data)
        form[f"tr_{code}_exclusions"].errors.extend(translated_exclusions.errors)
        if translated_exclusions.value:
            if len(translated_exclusions.value) != len(exclusions.value):
                form[f"tr_{code}_exclusions"].errors.append(
                    f"Give one line per line of “Who cannot take part” ({len(exclusions.value)}), in the "
                    "same order.")
            words["_exclusions"] = translated_exclusions.value
        if code in offered:
            missing = [c["key"] for c in categories.value if c["key"] not in words]
            missing += [f"{c['key']}.{o['value']}" for c in categories.value for o in c["options"]
                        if f"{c['key']}.{o['value']}" not in words]
            if missing and not categories.errors:
                words_field.errors.append(f"{name} is offered, so give the {name} words for: "
                                          f"{', '.join(missing[:12])}{' ...' if len(missing) > 12 else ''}.")
            for suffix, key, label in (("residence", "_residence_rule", "residence rule"),
                                       ("privacy", "_privacy_notice", "privacy notice")):
                if key not in words:
                    form[f"tr_{code}_{suffix}"].errors.append(f"{name} is offered, so write the {label} "
                                                              f"in {name}.")
            if exclusions.value and "_exclusions" not in words:
                form[f"tr_{code}_exclusions"].errors.append(
                    f"{name} is offered, so write “Who cannot take part” in {name}.")
        if words:
            translations[code] = words
    if form.errors:
        return None
    return {
        "short_code": short_code, "is_open": bool(form.is_open.data),
        "closes_on": _closes_at(form.closes_on.data), "categories": categories.value,
        "session_dates": dates.value, "min_age": form.min_age.data,
        "residence_rule": form.residence_rule.data.strip(), "exclusions": exclusions.value,
        "privacy_notice": form.privacy_notice.data.strip(), "retention_months": form.retention_months.data,
        "allow_household_multiple": bool(form.allow_household_multiple.data),
        "languages": [code for code in LANGUAGES if code in offered], "translations": translations,
        "phone": (form.phone.data or "").strip() or None,
        "contact_email": (form.contact_email.data or "").strip().lower() or None,
    }


@bp.route("/panels/<int:panel_id>/registration/settings", methods=["GET", "POST"])
@access("panel.edit")
def settings(panel_id: int):
    panel = g.panel
    g.panel_languages = ["en"]  # staff pages are in English
    flask_babel.refresh()
    saved = services.settings_for(panel)
    current = saved or services.default_settings(panel)
    form_class = forms.settings_form()
    if request.method == "POST":
        form = form_class()
        form.validate()
        values = _parse_settings(form, panel)
        if values is not None:
            services.save_settings(current_user, panel, values)
            flash("Registration settings saved." + (" Registration is open." if values["is_open"] else
                                                     " Registration is closed."), "success")
            return redirect(url_for("pool.settings", panel_id=panel.id))
    else:
        data = forms.settings_form_data(current)
        data["closes_on"] = _closes_day(current.closes_on)
        form = form_class(data=data)
    return render_template("pool/settings.html", panel=panel, form=form, saved=saved,
                           public_url=url_for("pool.register", short_code=current.short_code, _external=True),
                           translated=forms.TRANSLATED, LANGUAGES=LANGUAGES), pages.status(form)


# --- staff: the pool ------------------------------------------------------------------------------

PER_PAGE = 100


@bp.route("/panels/<int:panel_id>/pool")
@access("pool.view")
def volunteers(panel_id: int):
    panel = g.panel
    g.panel_languages = ["en"]
    flask_babel.refresh()
    settings = services.settings_for(panel)
    status = request.args.get("status") if request.args.get("status") in STATUSES else None
    search = (request.args.get("q") or "").strip()[:100]
    page = max(1, request.args.get("page", 1, type=int))
    rows, total = services.list_volunteers(current_user, panel, status=status, search=search, page=page,
                                           per_page=PER_PAGE)
    labels = {c["key"]: {o["value"]: o["label"] for o in c["options"]}
              for c in (settings.categories if settings else [])}
    response = Response(render_template(
        "pool/volunteers.html", panel=panel, settings=settings, rows=rows, total=total, status=status,
        search=search, page=page, pages=max(1, -(-total // PER_PAGE)), statuses=STATUSES,
        status_counts=services.status_counts(panel), categories=services.category_counts(settings, panel),
        labels=labels, can_phone=can(current_user, "pool.register_by_phone", panel=panel),
        can_edit=can(current_user, "panel.edit", panel=panel)))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/panels/<int:panel_id>/pool.csv")
@access("pool.view")
def export_csv(panel_id: int):
    panel = g.panel
    text = services.export_csv(current_user, panel, services.settings_for(panel))
    return Response("\ufeff" + text, mimetype="text/csv", headers={
        "Content-Disposition": f"attachment; filename=pool-panel-{panel.id}.csv",
        "Cache-Control": "no-store"})
