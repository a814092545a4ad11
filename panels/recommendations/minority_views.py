"""Minority report pages: list, write, edit, co-sign (routes on the ``votes`` blueprint)."""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from ..access import access, can, of_panel
from ..extensions import db
from ..forms import ConfirmForm
from . import minority
from .models import MinorityReport, Recommendation
from .voting_forms import MinorityForm
from .voting_views import bp


def _form(report: MinorityReport | None = None) -> MinorityForm:
    form = MinorityForm(obj=report) if report is not None and request.method == "GET" else MinorityForm()
    recs = db.session.scalars(select(Recommendation).where(Recommendation.panel_id == g.panel.id,
                                                           Recommendation.status != "withdrawn")
                              .order_by(Recommendation.number)).all()
    form.recommendation_id.choices = [(0, "The report as a whole")] + [(r.id, f"{r.code}: {r.title}") for r in recs]
    if report is not None and request.method == "GET":
        form.recommendation_id.data = report.recommendation_id or 0
    return form


@bp.route("/panels/<int:panel_id>/minority/")
@access("recommendations.view")
def minority_list(panel_id: int):
    return render_template("recommendations/minority_list.html", panel=g.panel, reports=minority.of_panel(g.panel),
                           published=minority.published(g.panel),
                           can_write=can(current_user, "minority.write", panel=g.panel))


@bp.route("/panels/<int:panel_id>/minority/new")
@access("minority.write")
def minority_new(panel_id: int):
    form = _form()
    if request.args.get("recommendation", "").isdigit():
        form.recommendation_id.data = int(request.args["recommendation"])
    return _form_page(form, None)


def _form_page(form: MinorityForm, report: MinorityReport | None, status: int = 200):
    return render_template("recommendations/minority_form.html", panel=g.panel, form=form, report=report,
                           published=minority.published(g.panel)), status


@bp.route("/panels/<int:panel_id>/minority/new", methods=["POST"])
@access("minority.write")
def minority_create(panel_id: int):
    form = _form()
    if form.validate_on_submit():
        try:
            report = minority.write(current_user, g.panel, title=form.title.data, text=form.text.data,
                                    recommendation_id=form.recommendation_id.data or None)
        except minority.MinorityError as exc:
            form.title.errors = [*form.title.errors, str(exc)]
        else:
            flash("Minority report saved. Other members can now co-sign it.", "success")
            return redirect(url_for("votes.minority_detail", panel_id=panel_id, minority_report_id=report.id))
    return _form_page(form, None, 422)


@bp.route("/panels/<int:panel_id>/minority/<int:minority_report_id>")
@access("recommendations.view")
def minority_detail(panel_id: int, minority_report_id: int):
    report = of_panel(MinorityReport, minority_report_id)
    return render_template("recommendations/minority_detail.html", panel=g.panel, report=report,
                           confirm=ConfirmForm(), published=minority.published(g.panel),
                           can_edit=minority.can_edit(current_user, report, g.panel),
                           can_sign=can(current_user, "minority.write", panel=g.panel),
                           signed=current_user in report.signatories)


@bp.route("/panels/<int:panel_id>/minority/<int:minority_report_id>/edit")
@access("minority.write")
def minority_edit(panel_id: int, minority_report_id: int):
    report = of_panel(MinorityReport, minority_report_id)
    if report.author_id != current_user.id:
        abort(403)
    return _form_page(_form(report), report)


@bp.route("/panels/<int:panel_id>/minority/<int:minority_report_id>/edit", methods=["POST"])
@access("minority.write")
def minority_update(panel_id: int, minority_report_id: int):
    report = of_panel(MinorityReport, minority_report_id)
    if report.author_id != current_user.id:
        abort(403)
    form = _form(report)
    if form.validate_on_submit():
        try:
            minority.edit(current_user, report, g.panel, title=form.title.data, text=form.text.data,
                          recommendation_id=form.recommendation_id.data or None)
        except minority.MinorityError as exc:
            form.title.errors = [*form.title.errors, str(exc)]
        else:
            flash("Minority report updated.", "success")
            return redirect(url_for("votes.minority_detail", panel_id=panel_id, minority_report_id=report.id))
    return _form_page(form, report, 422)


def _act(minority_report_id: int, action, done: str):
    report = of_panel(MinorityReport, minority_report_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        action(current_user, report, g.panel)
        flash(done, "success")
    except minority.MinorityError as exc:
        flash(str(exc), "error")
    return redirect(url_for("votes.minority_detail", panel_id=g.panel.id, minority_report_id=minority_report_id))


@bp.route("/panels/<int:panel_id>/minority/<int:minority_report_id>/sign", methods=["POST"])
@access("minority.write")
def minority_sign(panel_id: int, minority_report_id: int):
    return _act(minority_report_id, minority.sign, "You have co-signed this minority report.")


@bp.route("/panels/<int:panel_id>/minority/<int:minority_report_id>/unsign", methods=["POST"])
@access("minority.write")
def minority_unsign(panel_id: int, minority_report_id: int):
    return _act(minority_report_id, minority.unsign, "Your signature is removed.")


@bp.route("/panels/<int:panel_id>/minority/<int:minority_report_id>/delete", methods=["POST"])
@access("minority.write")
def minority_delete(panel_id: int, minority_report_id: int):
    report = of_panel(MinorityReport, minority_report_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        minority.delete(current_user, report, g.panel)
    except minority.MinorityError as exc:
        flash(str(exc), "error")
        return redirect(url_for("votes.minority_detail", panel_id=panel_id, minority_report_id=minority_report_id))
    flash("Minority report withdrawn.", "success")
    return redirect(url_for("votes.minority_list", panel_id=panel_id))
