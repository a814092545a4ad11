"""Selection pages: targets and feasibility, runs, the report, and the public verification page."""

from __future__ import annotations

import json

from flask import Blueprint, Response, abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

import lottery

from ..access import access, can, of_panel
from ..extensions import db
from ..panel.models import Panel
from . import ceremony, inputs, report_view, runs, targets
from .forms import CensusForm, NumberForm, RunForm, TargetEditForm, TargetImportForm
from .models import SelectionRun, Target

bp = Blueprint("selection", __name__)


def _run(run_id: int) -> SelectionRun:
    return of_panel(SelectionRun, run_id)


def _feasibility(panel):
    try:
        instance = inputs.instance(panel)
    except lottery.InputError as exc:
        return None, [str(p) for p in exc.problems]
    except Exception as exc:  # an empty pool or no targets yet: explain, don't fail the page
        return None, [str(exc)]
    return lottery.check(instance), []


@bp.route("/panels/<int:panel_id>/selection")
@access("selection.view")
def overview(panel_id: int):
    panel = g.panel
    pool = inputs.pool_frame(panel)
    feasibility, problems = _feasibility(panel) if inputs.targets_of(panel) and len(pool) else (None, [])
    run_list = db.session.scalars(select(SelectionRun).where(SelectionRun.panel_id == panel.id)
                                  .order_by(SelectionRun.id.desc())).all()
    return render_template("selection/overview.html", panel=panel, rows=targets.table(panel, pool),
                           pool_size=len(pool), feasibility=feasibility, problems=problems, runs=run_list,
                           census_form=CensusForm(), import_form=TargetImportForm(), run_form=RunForm(),
                           edit_form=TargetEditForm(), can_manage=can(current_user, "selection.manage", panel=panel))


@bp.route("/panels/<int:panel_id>/selection/targets/census", methods=["POST"])
@access("selection.manage")
def targets_from_census(panel_id: int):
    form = CensusForm()
    if form.validate_on_submit():
        try:
            targets.from_census(current_user, g.panel, form.min_small.data)
            flash("Targets computed from the census shares.", "success")
        except targets.TargetError as exc:
            flash(str(exc), "error")
    else:
        flash("; ".join(e for errs in form.errors.values() for e in errs), "error")
    return redirect(url_for("selection.overview", panel_id=panel_id))


@bp.route("/panels/<int:panel_id>/selection/targets/<int:target_id>", methods=["POST"])
@access("selection.manage")
def target_edit(panel_id: int, target_id: int):
    target = db.session.get(Target, target_id)
    if target is None or target.panel_id != panel_id:
        abort(404)
    form = TargetEditForm()
    if form.validate_on_submit():
        try:
            targets.edit(current_user, target, form.min.data, form.max.data, form.reason.data)
            flash(f"Target for {target.category} = {target.value} changed.", "success")
        except targets.TargetError as exc:
            flash(" ".join(exc.problems), "error")
    else:
        flash(" ".join(e for errs in form.errors.values() for e in errs), "error")
    return redirect(url_for("selection.overview", panel_id=panel_id) + "#targets")


@bp.route("/panels/<int:panel_id>/selection/targets/import", methods=["POST"])
@access("selection.manage")
def targets_import(panel_id: int):
    form = TargetImportForm()
    if form.validate_on_submit():
        try:
            targets.import_csv(current_user, g.panel, form.file.data.stream)
            flash("Targets imported.", "success")
        except (targets.TargetError, lottery.InputError) as exc:
            problems = getattr(exc, "problems", [str(exc)])
            flash("Nothing was imported. " + " ".join(str(p) for p in problems), "error")
    else:
        flash("Choose a CSV file to import.", "error")
    return redirect(url_for("selection.overview", panel_id=panel_id) + "#targets")


@bp.route("/panels/<int:panel_id>/selection/targets.csv")
@access("selection.view")
def targets_export(panel_id: int):
    return Response(targets.export_csv(g.panel), mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename=targets-panel-{panel_id}.csv"})


@bp.route("/panels/<int:panel_id>/selection/runs", methods=["POST"])
@access("selection.manage")
def run_start(panel_id: int):
    form = RunForm()
    choice = request.form.get("kind")
    kind = "final" if choice in ("final", "ceremony") else "test"
    if not form.validate_on_submit():
        abort(400)
    try:
        run = runs.start(current_user, g.panel, kind=kind, algorithm=form.algorithm.data,
                         seed=form.seed.data or None, ceremony=choice == "ceremony")
    except runs.RunRefused as exc:
        flash(str(exc), "error")
        return redirect(url_for("selection.overview", panel_id=panel_id))
    return redirect(url_for("jobs.status", job_id=run.job_id))


@bp.route("/panels/<int:panel_id>/selection/runs/<int:run_id>")
@access("selection.view")
def run_detail(panel_id: int, run_id: int):
    run = _run(run_id)
    return render_template("selection/report.html", panel=g.panel, run=run, public=False,
                           view=report_view.build(run) if run.report else None, number_form=NumberForm(),
                           letters=_letters(panel_id),
                           can_manage=can(current_user, "selection.manage", panel=g.panel))


@bp.route("/panels/<int:panel_id>/selection/runs/<int:run_id>/publish", methods=["POST"])
@access("selection.manage")
def run_publish(panel_id: int, run_id: int):
    from ..forms import ConfirmForm

    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        runs.publish(current_user, _run(run_id))
        flash("The selection report is published.", "success")
    except runs.RunRefused as exc:
        flash(str(exc), "error")
    return redirect(url_for("selection.run_detail", panel_id=panel_id, run_id=run_id))


@bp.route("/panels/<int:panel_id>/selection/runs/<int:run_id>/number", methods=["POST"])
@access("selection.manage")
def run_number(panel_id: int, run_id: int):
    run = _run(run_id)
    form = NumberForm()
    if form.validate_on_submit():
        try:
            ceremony.enter_number(current_user, run, form.number.data, runs.population_shares(g.panel))
            flash(f"Number {form.number.data} entered: the panel is drawn.", "success")
        except ValueError as exc:
            flash(str(exc), "error")
    else:
        flash(" ".join(e for errs in form.errors.values() for e in errs), "error")
    return redirect(url_for("selection.run_detail", panel_id=panel_id, run_id=run_id))


@bp.route("/p/<int:panel_id>/selection/report.pdf")
@access("public")
def public_pdf(panel_id: int):
    from .report_pdf import selection_pdf

    panel, run = _published(panel_id)
    return Response(selection_pdf(panel, run, _letters(panel_id)), mimetype="application/pdf",
                    headers={"Content-Disposition": f"inline; filename=selection-report-{panel_id}.pdf"})


@bp.route("/p/<int:panel_id>/ceremony")
@access("public")
def ceremony_public(panel_id: int):
    panel, run = _published(panel_id, ceremony_only=True)
    return render_template("selection/ceremony.html", panel=panel, run=run, data=run.snapshot["ceremony"])


@bp.route("/p/<int:panel_id>/ceremony/panels.csv")
@access("public")
def ceremony_list(panel_id: int):
    _panel, run = _published(panel_id, ceremony_only=True)
    return Response(ceremony.numbered_csv(run.snapshot["ceremony"]["numbered"]), mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=numbered-panels.csv"})


def _letters(panel_id: int) -> int:
    from sqlalchemy import func

    from ..invitations.models import Letter

    return db.session.scalar(select(func.count()).select_from(Letter).where(Letter.panel_id == panel_id)) or 0


def _published(panel_id: int, ceremony_only: bool = False) -> tuple[Panel, SelectionRun]:
    panel = db.session.get(Panel, panel_id) or abort(404)
    run = db.session.scalar(select(SelectionRun).where(
        SelectionRun.panel_id == panel_id, SelectionRun.published_at.is_not(None)).order_by(SelectionRun.id.desc()))
    if run is None or (ceremony_only and "ceremony" not in (run.snapshot or {})):
        abort(404)
    if not ceremony_only and run.report is None:
        abort(404)  # a ceremony's list is published, but the number is not drawn yet
    return panel, run


@bp.route("/p/<int:panel_id>/selection")
@access("public")
def public_report(panel_id: int):
    panel, run = _published(panel_id)
    return render_template("selection/report.html", panel=panel, run=run, public=True,
                           view=report_view.build(run), can_manage=False, letters=_letters(panel_id))


@bp.route("/p/<int:panel_id>/selection/<name>")
@access("public")
def public_file(panel_id: int, name: str):
    panel, run = _published(panel_id)
    if name == "report.json":
        body, kind = json.dumps(run.report, indent=1, ensure_ascii=False), "application/json"
    elif name == "quotas.csv":
        body, kind = report_view.quotas_csv(run), "text/csv"
    elif name == "people.csv":
        body, kind = report_view.people_csv(panel, run), "text/csv"
    else:
        abort(404)
    return Response(body, mimetype=kind, headers={"Content-Disposition": f"attachment; filename={name}"})
