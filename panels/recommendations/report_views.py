"""The final report: staff manage it, members review the draft and flag errors, the public reads it
(web page and PDF) once it is published."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, g, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..access import access, can, of_panel
from ..charts import to_svg
from ..extensions import db
from ..forms import ConfirmForm
from ..panel.models import Panel
from . import report as report_data
from . import report_review
from .models import ReportFlag
from .report_review import FLAG_STATUSES, ReportError
from .text import render

bp = Blueprint("final_report", __name__)


class ForewordForm(FlaskForm):
    foreword = TextAreaField("Foreword", description="Markdown: *emphasis*, lists and links. Shown at the start of "
                             "the report.", validators=[Optional(), Length(max=report_review.MAX_FOREWORD)])
    delivered_on = DateField("Delivered to the council on", description="This date starts the clock on the "
                             "government's response.", validators=[Optional()])


class FlagForm(FlaskForm):
    section = StringField("Section", description="For example: Recommendations, R3, The programme.",
                          validators=[DataRequired(message="Say which part of the report the error is in."),
                                      Length(max=120)])
    text = TextAreaField("What is wrong", validators=[
        DataRequired(message="Describe the error so staff can fix it."), Length(max=report_review.MAX_FLAG)])


class ResolveForm(FlaskForm):
    status = RadioField("Decision", choices=list(FLAG_STATUSES.items()),
                        validators=[DataRequired(message="Choose fixed or declined.")])
    note = TextAreaField("Note to the member", description="Required when you decline.",
                         validators=[Optional(), Length(max=2000)])


def _errors(form) -> str:
    return " ".join(f"{getattr(form, name).label.text}: {' '.join(errs)}" for name, errs in form.errors.items())


def _view(rep: report_data.Report) -> dict:
    """The report's charts as inline SVG for a page; the tables beside them carry the same numbers."""
    charts: dict[str, object] = {}
    if rep.composition is not None:
        shown = "the panel, the pool and the population" if rep.composition["run_id"] else "the panel and the census"
        for category, drawing in rep.composition["drawings"].items():
            charts[f"comp:{category}"] = to_svg(drawing, description=f"Shares of {shown} for {category}.")
    for item in rep.items:
        if item.support is not None:
            charts[f"rec:{item.id}"] = to_svg(report_data.support_drawing(item.support),
                                              description=report_data.support_text(item.support))
    if rep.evaluation["enough"] and rep.evaluation["rows"]:
        charts["evaluation"] = to_svg(report_data.evaluation_drawing(rep.evaluation),
                                      description="Share of members who agree with each statement.")
    return {"rep": rep, "charts": charts, "when": report_data.report_date(rep), "render_text": render}


def _pdf(panel, *, draft: bool) -> Response:
    from .report_pdf import report_pdf

    body = report_pdf(report_data.gather(panel), draft=draft)
    name = f"final-report-{panel.id}{'-draft' if draft else ''}.pdf"
    return Response(body, mimetype="application/pdf", headers={"Content-Disposition": f"inline; filename={name}"})


# --------------------------------------------------------------------------- staff

@bp.route("/panels/<int:panel_id>/report/manage")
@access("report.manage")
def manage(panel_id: int):
    panel = g.panel
    state = report_data.state_of(panel)
    form = ForewordForm(data={"foreword": state.foreword, "delivered_on": state.delivered_on})
    flags = report_data.flags_of(panel)
    return render_template("recommendations/report_manage.html", panel=panel, state=state, form=form, flags=flags,
                           confirm=ConfirmForm(), can_publish=report_review.can_publish(panel),
                           open_flags=sum(1 for f in flags if f.status == "open"),
                           resolve_forms={f.id: ResolveForm(prefix=f"flag{f.id}") for f in flags},
                           statuses=FLAG_STATUSES)


def _attempt(action, done: str, anchor: str = ""):
    """Run a report action; its refusal or its success is flashed, and staff return to the report page."""
    try:
        action()
    except ReportError as exc:
        flash(str(exc), "error")
    else:
        flash(done, "success")
    return redirect(url_for("final_report.manage", panel_id=g.panel.id) + anchor)


@bp.route("/panels/<int:panel_id>/report/foreword", methods=["POST"])
@access("report.manage")
def save_foreword(panel_id: int):
    form = ForewordForm()
    if not form.validate_on_submit():
        flash("The foreword was not saved. " + _errors(form), "error")
        return redirect(url_for("final_report.manage", panel_id=panel_id))
    return _attempt(lambda: report_review.save_foreword(current_user, g.panel, form.foreword.data,
                                                        form.delivered_on.data), "Saved.")


@bp.route("/panels/<int:panel_id>/report/review", methods=["POST"])
@access("report.manage")
def open_review(panel_id: int):
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("final_report.manage", panel_id=panel_id))
    return _attempt(lambda: report_review.open_review(current_user, g.panel),
                    "Members can now read the draft report and flag errors.")


@bp.route("/panels/<int:panel_id>/report/publish", methods=["POST"])
@access("report.manage")
def publish(panel_id: int):
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("final_report.manage", panel_id=panel_id))
    return _attempt(lambda: report_review.publish(current_user, g.panel), "The final report is published.")


@bp.route("/panels/<int:panel_id>/report/flags/<int:flag_id>", methods=["POST"])
@access("report.manage")
def resolve_flag(panel_id: int, flag_id: int):
    item = of_panel(ReportFlag, flag_id)
    form = ResolveForm(prefix=f"flag{flag_id}")
    if not form.validate_on_submit():
        flash("The flag was not updated. " + _errors(form), "error")
        return redirect(url_for("final_report.manage", panel_id=panel_id) + "#flags")
    return _attempt(lambda: report_review.resolve(current_user, item, form.status.data, form.note.data),
                    f"Flag marked {FLAG_STATUSES.get(form.status.data, form.status.data).lower()}.", "#flags")


# --------------------------------------------------------------------------- the panel: draft and review

@bp.route("/panels/<int:panel_id>/report")
@access("recommendations.view")
def draft(panel_id: int):
    panel = g.panel
    rep = report_data.gather(panel)
    can_review = can(current_user, "report.review", panel=panel) and rep.state.status == "review"
    mine = [f for f in report_data.flags_of(panel) if f.user_id == current_user.id]
    return render_template("recommendations/report_draft.html", panel=panel, public=False,
                           can_manage=can(current_user, "report.manage", panel=panel), can_review=can_review,
                           flag_form=FlagForm(), mine=mine, statuses=FLAG_STATUSES, **_view(rep))


@bp.route("/panels/<int:panel_id>/report/flags", methods=["POST"])
@access("report.review")
def flag(panel_id: int):
    form = FlagForm()
    if not form.validate_on_submit():
        flash("The flag was not sent. " + _errors(form), "error")
    else:
        try:
            report_review.flag(current_user, g.panel, form.section.data, form.text.data)
        except ReportError as exc:
            flash(str(exc), "error")
        else:
            flash("Thank you: staff will look at the error you flagged.", "success")
    return redirect(url_for("final_report.draft", panel_id=panel_id) + "#review")


@bp.route("/panels/<int:panel_id>/report.pdf")
@access("recommendations.view")
def draft_pdf(panel_id: int):
    panel = g.panel
    return _pdf(panel, draft=not report_data.is_published(panel))


# --------------------------------------------------------------------------- the public

def _published(panel_id: int) -> Panel:
    panel = db.session.get(Panel, panel_id)
    if panel is None or not report_data.is_published(panel):
        abort(404)
    return panel


@bp.route("/p/<int:panel_id>/report")
@access("public")
def public_page(panel_id: int):
    panel = _published(panel_id)
    return render_template("recommendations/report_public.html", panel=panel, public=True,
                           **_view(report_data.gather(panel)))


@bp.route("/p/<int:panel_id>/report.pdf")
@access("public")
def public_pdf(panel_id: int):
    return _pdf(_published(panel_id), draft=False)
