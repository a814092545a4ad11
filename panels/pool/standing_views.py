"""Standing-pool pages: the organiser invites earlier volunteers; they register again by their link."""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..access import access
from ..extensions import csrf, limiter
from ..forms import ConfirmForm
from . import forms, pages, services, standing
from .views import _answers_from, bp


@bp.route("/panels/<int:panel_id>/pool/standing", methods=["GET", "POST"])
@access("pool.view")
def standing_pool(panel_id: int):
    settings = services.settings_for(g.panel)
    form = ConfirmForm()
    if form.validate_on_submit():
        if settings is None or not services.is_open(settings):
            flash("Open registration first: the invitation links lead to the registration form.", "error")
        else:
            count = standing.invite(current_user, g.panel, settings)
            flash(f"{count} earlier volunteers invited by email.", "success")
        return redirect(url_for("pool.standing_pool", panel_id=panel_id))
    return render_template("pool/standing.html", panel=g.panel, settings=settings, form=form,
                           candidates=standing.candidates(g.panel))


@bp.route("/r/<short_code>/again/<token>", methods=["GET", "POST"])
@access("public")
@csrf.exempt  # the form checks its own token, so an expired form comes back with what was typed
@limiter.limit(lambda: "20 per minute", methods=["POST"])
def register_again(short_code: str, token: str):
    settings = services.settings_by_short_code(short_code) or abort(404)
    locale = pages.use_languages(settings)
    if not services.is_open(settings):
        return pages.page("pool/closed.html", settings, locale)
    try:
        previous = standing.previous_volunteer(token, settings)
    except standing.StandingProblem as exc:
        return pages.page("pool/link_problem.html", settings, locale, 400, problem=_(str(exc)))
    form = forms.registration_form(settings, mode="public", locale=locale)(
        data=standing.prefill(previous) if request.method == "GET" else None)
    notice = None
    if request.method == "POST":
        if form.hp_comment.data:
            return redirect(url_for("pool.thanks", short_code=settings.short_code, lang=locale))
        form.validate()
        forms.validate_contact(form)
        if not form.errors:
            volunteer, _token = services.register(settings, _answers_from(form, locale),
                                                  channel="standing", previous=previous)
            session["pool_thanks"] = {"panel": settings.panel_id, "email": bool(volunteer.email)}
            return redirect(url_for("pool.thanks", short_code=settings.short_code, lang=locale))
    form.started.data = services.timing_token()
    notice = _("Welcome back. We have filled in your earlier answers: check that they are still right, "
               "choose the dates you can come to, and agree to how your information is used.")
    return pages.page("pool/register.html", settings, locale, pages.status(form), form=form, notice=notice,
                      no_code=True)
