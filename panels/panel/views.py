"""The organisation dashboard and the panel pages: create, edit, change status, topics."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from ..access import access, can, roles_for
from ..audit import AuditEvent
from ..extensions import db
from ..roles import ROLE_LABELS, Role
from . import services
from .forms import CohortForm, PanelForm, StatusForm, TopicForm
from .lifecycle import DESCRIPTIONS, LABELS, ORDER, TRANSITIONS, Status, TransitionRefused

bp = Blueprint("panel", __name__)


def _fields(form: PanelForm) -> dict:
    return {name: getattr(form, name).data for name in services.EDITABLE}


@bp.route("/o/<org_slug>/")
@access("organisation.view")
def dashboard(org_slug: str):
    organisation = g.organisation
    by_status = {status: [] for status in ORDER}
    for panel in organisation.panels:
        by_status[Status(panel.status)].append(panel)
    return render_template(
        "panel/dashboard.html", organisation=organisation, by_status=by_status, labels=LABELS,
        descriptions=DESCRIPTIONS,
        can_create=can(current_user, "panel.create", organisation=organisation),
        can_invite=can(current_user, "organisation.invite", organisation=organisation),
    )


@bp.route("/o/<org_slug>/panels/new", methods=["GET", "POST"])
@access("panel.create")
def create(org_slug: str):
    form = PanelForm()
    if form.validate_on_submit():
        panel = services.create_panel(current_user, g.organisation, **_fields(form))
        flash(f"“{panel.title}” has been created as a draft.", "success")
        return redirect(url_for("panel.detail", panel_id=panel.id))
    return render_template("panel/form.html", form=form, organisation=g.organisation,
                           panel=None), 200 if not form.errors else 422


@bp.route("/panels/<int:panel_id>/")
@access("panel.view")
def detail(panel_id: int):
    panel = g.panel
    memberships = sorted(
        (m for m in panel.organisation.memberships if m.panel_id in (None, panel.id)),
        key=lambda m: (m.panel_id is None, m.role, m.user.name),
    )
    staff_view = bool(roles_for(current_user, panel=panel) - {Role.MEMBER})
    return render_template(
        "panel/detail.html", panel=panel, labels=LABELS, order=ORDER,
        transitions=TRANSITIONS[Status(panel.status)] if can(current_user, "panel.status", panel=panel) else {},
        status_form=StatusForm(), topic_form=TopicForm(), cohort_form=CohortForm(),
        can_edit=can(current_user, "panel.edit", panel=panel),
        can_invite=can(current_user, "panel.invite", panel=panel),
        can_audit=can(current_user, "panel.audit", panel=panel),
        memberships=memberships if staff_view else [], role_labels=ROLE_LABELS,
        stages=_stages(panel),
    )


# Each stage's page, the permission it needs, and what it is for (areas add theirs here).
STAGES = [
    ("mailing.manage", "Invitation letters", "invitations.mailing_list",
     "Draw households from the address register and print their letters."),
    ("responses.view", "Responses", "invitations.responses",
     "Registrations per area and over time, and the pool against the census."),
    ("selection.view", "Selection", "selection.overview",
     "Targets from the census, feasibility, the draw and its public report."),
    ("pool.view", "Members", "seats.members",
     "Who has confirmed their seat, reminders, and members who left."),
    ("selection.manage", "Replacements", "seats.replacements",
     "Fill the seats of members who declined or dropped out, keeping the targets."),
    ("programme.view", "Programme", "sessions.programme",
     "Sessions and agendas, speakers, materials, members' questions, calendar."),
]


def _stages(panel) -> list[tuple[str, str, str]]:
    """Links to the stages' pages that the current user may open."""
    return [(label, url_for(endpoint, panel_id=panel.id), hint)
            for permission, label, endpoint, hint in STAGES if can(current_user, permission, panel=panel)]


@bp.route("/panels/<int:panel_id>/edit", methods=["GET", "POST"])
@access("panel.edit")
def edit(panel_id: int):
    panel = g.panel
    form = PanelForm(obj=panel)
    if form.validate_on_submit():
        changed = services.update_panel(current_user, panel, **_fields(form))
        flash("Changes saved." if changed else "Nothing was changed.", "success" if changed else "info")
        return redirect(url_for("panel.detail", panel_id=panel.id))
    return render_template("panel/form.html", form=form, organisation=panel.organisation,
                           panel=panel), 200 if not form.errors else 422


@bp.route("/panels/<int:panel_id>/status/<target>", methods=["POST"])
@access("panel.status")
def change_status(panel_id: int, target: str):
    panel = g.panel
    form = StatusForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        services.change_status(current_user, panel, target, reason=form.reason.data or None)
    except TransitionRefused as exc:
        flash(str(exc), "error")
    else:
        flash(f"The panel is now {panel.status_label.lower()}.", "success")
    return redirect(url_for("panel.detail", panel_id=panel.id))


@bp.route("/panels/<int:panel_id>/topics", methods=["POST"])
@access("panel.edit")
def add_topic(panel_id: int):
    form = TopicForm()
    if form.validate_on_submit():
        services.add_topic(current_user, g.panel, form.title.data, form.question.data,
                           form.starts_on.data, form.ends_on.data)
        flash("Topic added.", "success")
    else:
        flash("The topic was not added: " + _errors(form), "error")
    return redirect(url_for("panel.detail", panel_id=panel_id) + "#topics")


@bp.route("/panels/<int:panel_id>/cohorts", methods=["POST"])
@access("panel.edit")
def add_cohort(panel_id: int):
    form = CohortForm()
    if form.validate_on_submit():
        services.add_cohort(current_user, g.panel, form.label.data, form.starts_on.data, form.ends_on.data)
        flash("Cohort added.", "success")
    else:
        flash("The cohort was not added: " + _errors(form), "error")
    return redirect(url_for("panel.detail", panel_id=panel_id) + "#cohorts")


@bp.route("/panels/<int:panel_id>/audit")
@access("panel.audit")
def audit_log(panel_id: int):
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.panel_id == panel_id).order_by(AuditEvent.at.desc()).limit(500)
    ).all()
    return render_template("panel/audit.html", panel=g.panel, events=events)


def _errors(form) -> str:
    return " ".join(f"{getattr(form, name).label.text}: {'; '.join(errs)}"
                    for name, errs in form.errors.items())
