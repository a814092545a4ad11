"""Assessment pages: list, start (framework, date, assessor), answer and score, finalise, read."""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user

from ..access import access, can
from ..extensions import db
from ..forms import ConfirmForm
from . import assessments as service
from .models import Assessment
from .profile import capabilities, framework_names
from .views import bp


def _assessment(assessment_id: int) -> Assessment:
    assessment = db.session.get(Assessment, assessment_id)
    if assessment is None or assessment.organisation_id != g.organisation.id:
        abort(404)
    return assessment


def _csrf_problems() -> list:
    if ConfirmForm().validate_on_submit():
        return []
    return [service.Problem("csrf_token", "The form expired. Send it again.")]


def _common(**extra) -> dict:
    organisation = g.organisation
    return {"organisation": organisation, "frameworks": framework_names(), "scores": service.SCORES,
            "can_manage": can(current_user, "evidence.manage", organisation=organisation),
            "field": service, **extra}


@bp.route("/o/<org_slug>/evidence/assessments")
@access("evidence.view")
def assessment_list(org_slug: str):
    return render_template("evidence/assessment_list.html",
                           assessments=service.of_organisation(g.organisation), **_common())


@bp.route("/o/<org_slug>/evidence/assessments/new", methods=["GET", "POST"])
@access("evidence.manage")
def assessment_new(org_slug: str):
    values = {"framework": "psci"}
    problems = []
    if request.method == "POST":
        values = request.form.to_dict()
        problems = _csrf_problems()
        if not problems:
            try:
                assessment = service.create(current_user, g.organisation, request.form)
            except service.AssessmentError as exc:
                db.session.rollback()
                problems = exc.problems
            else:
                flash("The assessment was started as a draft. Answer and score each capability.", "success")
                return redirect(url_for("evidence.assessment_edit", org_slug=org_slug, assessment_id=assessment.id))
    status = 422 if problems else 200
    return render_template("evidence/assessment_new.html", values=values, problems=problems,
                           errors={p.field: p.message for p in problems}, **_common()), status


@bp.route("/o/<org_slug>/evidence/assessments/<int:assessment_id>")
@access("evidence.view")
def assessment_detail(org_slug: str, assessment_id: int):
    assessment = _assessment(assessment_id)
    answers = {a.capability: a for a in assessment.answers}
    return render_template("evidence/assessment_detail.html", assessment=assessment, answers=answers,
                           capabilities=capabilities(assessment.framework), **_common())


@bp.route("/o/<org_slug>/evidence/assessments/<int:assessment_id>/edit", methods=["GET", "POST"])
@access("evidence.manage")
def assessment_edit(org_slug: str, assessment_id: int):
    assessment = _assessment(assessment_id)
    if assessment.status == "final":
        flash("This assessment is final and can no longer change. Start a new assessment instead.", "error")
        return redirect(url_for("evidence.assessment_detail", org_slug=org_slug, assessment_id=assessment.id))
    values = service.form_values(assessment)
    problems = []
    if request.method == "POST":
        values = request.form.to_dict()
        finalise = request.form.get("action") == "finalise"
        problems = _csrf_problems()
        if not problems:
            try:
                service.save(current_user, g.organisation, assessment, request.form, finalise=finalise)
            except service.AssessmentError as exc:
                db.session.rollback()
                problems = exc.problems
            else:
                if finalise:
                    flash("The assessment is final. Its scores now appear in the capability profile.", "success")
                    return redirect(url_for("evidence.assessment_detail", org_slug=org_slug,
                                            assessment_id=assessment.id))
                flash("The draft was saved.", "success")
                return redirect(url_for("evidence.assessment_edit", org_slug=org_slug, assessment_id=assessment.id))
    status = 422 if problems else 200
    return render_template("evidence/assessment_edit.html", assessment=assessment, values=values,
                           problems=problems, errors={p.field: p.message for p in problems},
                           capabilities=capabilities(assessment.framework), **_common()), status
