"""The government's response, the commitment clock and implementation: staff pages, the members'
rating form, and the public page (only once the final report is published)."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, g, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from ..access import access, can, of_panel
from ..extensions import db
from ..panel.models import Panel
from ..uploads import DOCUMENT_TYPES, UploadError
from . import implementation as impl
from . import response_csv, responses
from .models import RESPONSES, ImplementationResult, Milestone, Recommendation
from .response_forms import (
    ImportForm,
    MilestoneForm,
    ProgressReportForm,
    RatingForm,
    ResponseForm,
    ResultForm,
    TermsForm,
)
from .response_pages import overview, responses_chart
from .responses import ResponseError
from .text import render

bp = Blueprint("government", __name__)


def _common(**extra) -> dict:
    panel = g.panel
    return {"panel": panel, "responses_labels": RESPONSES, "status_labels": impl.STATUS_LABELS,
            "can_manage": can(current_user, "response.manage", panel=panel),
            "can_rate": impl.can_rate(current_user, panel), "render": render, **extra}


def _adopted(panel, rec_id: int) -> Recommendation:
    rec = of_panel(Recommendation, rec_id, panel)
    if rec.status != "adopted":
        abort(404)
    return rec


def _problems_to_form(form, exc: ResponseError) -> list[str]:
    """Field problems from a service onto the form's fields; the rest come back as messages."""
    left = []
    for name, message in exc.problems.items():
        if name in form._fields:
            form[name].errors = [*form[name].errors, message]
        else:
            left.append(message)
    return left


# --------------------------------------------------------------------------- the responses table

@bp.route("/panels/<int:panel_id>/response")
@access("response.view")
def responses_list(panel_id: int):
    view = overview(g.panel)
    rated = impl.rated(current_user, g.panel) if impl.can_rate(current_user, g.panel) else set()
    return render_template("recommendations/response_list.html", view=view, rated=rated,
                           checkpoint=impl.checkpoint_label(impl.checkpoint(g.panel)), **_common())


@bp.route("/panels/<int:panel_id>/response/<int:gov_rec_id>/edit", methods=["GET", "POST"])
@access("response.manage")
def response_edit(panel_id: int, gov_rec_id: int):
    rec = _adopted(g.panel, gov_rec_id)
    row = rec.response
    form = ResponseForm(obj=row)
    if request.method == "GET" and row is not None:
        form.other_departments.data = "; ".join(row.other_departments or [])
    problems: list[str] = []
    if form.validate_on_submit():
        try:
            values = {name: form[name].data for name in responses.RESPONSE_FIELDS}
            responses.record_response(current_user, rec, **values)
        except ResponseError as exc:
            problems = _problems_to_form(form, exc)
        else:
            flash(f"The response to {rec.code} is saved.", "success")
            return redirect(url_for("government.responses_list", panel_id=panel_id))
    status = 422 if form.errors or problems else 200
    return render_template("recommendations/response_edit.html", form=form, rec=rec, problems=problems,
                           **_common()), status


@bp.route("/panels/<int:panel_id>/response/terms", methods=["GET", "POST"])
@access("response.manage")
def terms(panel_id: int):
    report = responses.report_of(g.panel)
    form = TermsForm(obj=report)
    if form.validate_on_submit():
        try:
            responses.save_terms(current_user, g.panel, **{n: form[n].data for n in responses.TERM_FIELDS})
        except ResponseError as exc:
            _problems_to_form(form, exc)
        else:
            flash("The commissioning terms are saved.", "success")
            return redirect(url_for("government.responses_list", panel_id=panel_id))
    return render_template("recommendations/response_terms.html", form=form, report=report,
                           **_common()), 422 if form.errors else 200


@bp.route("/panels/<int:panel_id>/response/progress", methods=["GET", "POST"])
@access("response.manage")
def progress(panel_id: int):
    reports = responses.progress_reports(g.panel)
    form = ProgressReportForm()
    if request.method == "GET":
        form.number.data = (reports[-1].number + 1) if reports else 1
    if form.validate_on_submit():
        try:
            responses.record_progress_report(current_user, g.panel, number=form.number.data,
                                             delivered_on=form.delivered_on.data, summary=form.summary.data,
                                             url=form.url.data)
        except ResponseError as exc:
            _problems_to_form(form, exc)
        else:
            flash(f"Progress report {form.number.data} is recorded.", "success")
            return redirect(url_for("government.progress", panel_id=panel_id))
    return render_template("recommendations/response_progress.html", form=form, reports=reports,
                           view=overview(g.panel), **_common()), 422 if form.errors else 200


# --------------------------------------------------------------------------- results and milestones

def _result_form(rec, result=None) -> ResultForm:
    form = ResultForm(obj=result)
    blocked = {result.id} if result else set()  # a result and its parts cannot be its parent
    choices = [(0, "None: a top-level result")]
    for depth, other, _ in impl.summary(rec).results:  # tree order: parents come before their parts
        if other.id in blocked or other.parent_id in blocked:
            blocked.add(other.id)
        else:
            choices.append((other.id, "— " * depth + other.title))
    form.parent_id.choices = choices
    if request.method == "GET" and result is not None:
        form.parent_id.data = result.parent_id or 0
    return form


def _result_values(form) -> dict:
    return {"title": form.title.data, "parent_id": form.parent_id.data or None, "status": form.status.data,
            "progress": form.progress.data, "weight": form.weight.data, "is_pilot": form.is_pilot.data,
            "evaluation_url": form.evaluation_url.data}


def _saved(form, rec, save, message: str):
    """Validate and save; the way back to the results page when it worked, None to show the form again
    (with the service's problems on their fields)."""
    if not form.validate_on_submit():
        return None
    try:
        save()
    except ResponseError as exc:
        _problems_to_form(form, exc)
        return None
    flash(message, "success")
    return redirect(url_for("government.results", panel_id=rec.panel_id, gov_rec_id=rec.id))


def _results_page(rec, form=None, milestone_form=None, status: int = 200):
    return render_template("recommendations/response_results.html", rec=rec, view=impl.summary(rec),
                           form=form or _result_form(rec), milestone_form=milestone_form or MilestoneForm(),
                           **_common()), status


@bp.route("/panels/<int:panel_id>/response/<int:gov_rec_id>/results")
@access("response.view")
def results(panel_id: int, gov_rec_id: int):
    return _results_page(_adopted(g.panel, gov_rec_id))


@bp.route("/panels/<int:panel_id>/response/<int:gov_rec_id>/results/new", methods=["POST"])
@access("response.manage")
def result_add(panel_id: int, gov_rec_id: int):
    rec = _adopted(g.panel, gov_rec_id)
    form = _result_form(rec)
    saved = _saved(form, rec, lambda: impl.save_result(current_user, rec, **_result_values(form)),
                   "The result is added. The recommendation's response is unchanged.")
    if saved:
        return saved
    return _results_page(rec, form=form, status=422)


def _result(panel, result_id: int) -> ImplementationResult:
    return of_panel(ImplementationResult, result_id, panel)


@bp.route("/panels/<int:panel_id>/response/results/<int:gov_result_id>/edit", methods=["GET", "POST"])
@access("response.manage")
def result_edit(panel_id: int, gov_result_id: int):
    result = _result(g.panel, gov_result_id)
    rec = db.session.get(Recommendation, result.recommendation_id)
    form = _result_form(rec, result)
    saved = _saved(form, rec, lambda: impl.save_result(current_user, rec, result, **_result_values(form)),
                   "The result is saved.")
    if saved:
        return saved
    return render_template("recommendations/response_result_edit.html", form=form, rec=rec, result=result,
                           **_common()), 422 if form.errors else 200


def _milestone_values(form) -> dict:
    return {"title": form.title.data, "due_on": form.due_on.data, "done_on": form.done_on.data,
            "evidence_url": form.evidence_url.data, "evidence_file": form.evidence_file.data, "note": form.note.data}


@bp.route("/panels/<int:panel_id>/response/results/<int:gov_result_id>/milestones", methods=["POST"])
@access("response.manage")
def milestone_add(panel_id: int, gov_result_id: int):
    result = _result(g.panel, gov_result_id)
    rec = db.session.get(Recommendation, result.recommendation_id)
    form = MilestoneForm()
    saved = _saved(form, rec, lambda: impl.save_milestone(current_user, result, **_milestone_values(form)),
                   "The milestone is added.")
    if saved:
        return saved
    return _results_page(rec, milestone_form=form, status=422)


def _milestone(panel, milestone_id: int) -> Milestone:
    milestone = db.session.get(Milestone, milestone_id) or abort(404)
    _result(panel, milestone.result_id)
    return milestone


@bp.route("/panels/<int:panel_id>/response/milestones/<int:gov_milestone_id>/edit", methods=["GET", "POST"])
@access("response.manage")
def milestone_edit(panel_id: int, gov_milestone_id: int):
    milestone = _milestone(g.panel, gov_milestone_id)
    result = db.session.get(ImplementationResult, milestone.result_id)
    rec = db.session.get(Recommendation, result.recommendation_id)
    form = MilestoneForm(obj=milestone)
    saved = _saved(form, rec, lambda: impl.save_milestone(current_user, result, milestone, **_milestone_values(form)),
                   "The milestone is saved.")
    if saved:
        return saved
    return render_template("recommendations/response_milestone_edit.html", form=form, rec=rec, result=result,
                           milestone=milestone, **_common()), 422 if form.errors else 200


def _send_evidence(milestone: Milestone):
    if not milestone.evidence_stored_name:
        abort(404)
    try:
        path = impl.evidence_path(milestone.evidence_stored_name)
    except UploadError:
        abort(404)
    if not path.is_file():
        abort(404)
    suffix = path.suffix.lower()
    response = send_file(path, mimetype=DOCUMENT_TYPES.get(suffix, ("application/octet-stream",))[0],
                         as_attachment=True, download_name=milestone.evidence_filename or path.name)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@bp.route("/panels/<int:panel_id>/response/milestones/<int:gov_milestone_id>/evidence")
@access("response.view")
def evidence(panel_id: int, gov_milestone_id: int):
    return _send_evidence(_milestone(g.panel, gov_milestone_id))


# --------------------------------------------------------------------------- CSV

@bp.route("/panels/<int:panel_id>/response/export.csv")
@access("response.view")
def export_csv(panel_id: int):
    body = "\ufeff" + response_csv.export(g.panel)
    return Response(body, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{g.panel.slug}-government-response.csv"'})


@bp.route("/panels/<int:panel_id>/response/import", methods=["GET", "POST"])
@access("response.manage")
def import_csv(panel_id: int):
    form = ImportForm()
    problems = []
    if form.validate_on_submit():
        file = form.file.data
        if not file or not (file.filename or "").lower().endswith(".csv"):
            problems = [{"row": None, "column": "file", "problem": "No CSV file was chosen.",
                         "fix": "Choose a .csv file saved from the export."}]
        else:
            raw = file.read(5 * 1024 * 1024 + 1)
            try:
                text = raw.decode("utf-8-sig")
                if len(raw) > 5 * 1024 * 1024 or "\x00" in text:
                    raise UnicodeDecodeError("utf-8", b"", 0, 1, "binary")
            except UnicodeDecodeError:
                problems = [{"row": None, "column": "file", "problem": "The file is not a CSV text file (UTF-8).",
                             "fix": "Save it again as “CSV UTF-8”, under 5 MB."}]
            else:
                checked = response_csv.apply(current_user, g.panel, text)
                problems = checked.problems
                if not problems:
                    flash(f"{len(checked.rows)} rows imported.", "success")
                    return redirect(url_for("government.responses_list", panel_id=panel_id))
    return render_template("recommendations/response_import.html", form=form, problems=problems,
                           columns=response_csv.COLUMNS, **_common()), 422 if problems else 200


# --------------------------------------------------------------------------- members' ratings

@bp.route("/panels/<int:panel_id>/response/<int:gov_rec_id>/rate", methods=["GET", "POST"])
@access("response.rate")
def rate(panel_id: int, gov_rec_id: int):
    rec = _adopted(g.panel, gov_rec_id)
    if rec.response is None:
        abort(404)
    form = RatingForm()
    already = rec.id in impl.rated(current_user, g.panel)
    if not already and form.validate_on_submit():
        try:
            impl.rate(current_user, rec, response_score=int(form.response_score.data),
                      implementation_score=int(form.implementation_score.data))
        except ResponseError as exc:
            _problems_to_form(form, exc)
        else:
            flash(f"Thank you: your rating of {rec.code} is recorded.", "success")
            return redirect(url_for("government.responses_list", panel_id=panel_id))
    return render_template("recommendations/response_rate.html", form=form, rec=rec, already=already,
                           checkpoint=impl.checkpoint_label(impl.checkpoint(g.panel)),
                           **_common()), 422 if form.errors else 200


# --------------------------------------------------------------------------- the public page

def _published(panel_id: int) -> Panel:
    panel = db.session.get(Panel, panel_id) or abort(404)
    report = responses.report_of(panel)
    if report is None or report.status != "published":
        abort(404)
    return panel


@bp.route("/p/<int:responded_panel_id>/response")
@access("public")
def public_response(responded_panel_id: int):
    panel = _published(responded_panel_id)
    view = overview(panel)
    return render_template("recommendations/response_public.html", panel=panel, view=view,
                           chart=responses_chart(view), responses_labels=RESPONSES, render=render,
                           status_labels=impl.STATUS_LABELS, min_ratings=impl.MIN_RATINGS_SHOWN)


@bp.route("/p/<int:responded_panel_id>/response/evidence/<int:public_milestone_id>")
@access("public")
def public_evidence(responded_panel_id: int, public_milestone_id: int):
    return _send_evidence(_milestone(_published(responded_panel_id), public_milestone_id))
