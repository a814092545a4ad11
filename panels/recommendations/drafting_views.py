"""Drafting pages: the panel's recommendations, one recommendation (text, sources, comments,
amendments, versions), comparing versions, the forms, and working groups."""

from __future__ import annotations

from collections import Counter

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user

from ..access import access, can, of_panel
from ..extensions import db
from ..forms import ConfirmForm
from . import amendments, drafting, text
from .drafting import DraftingError
from .drafting_forms import (
    AmendmentForm,
    AuthorForm,
    CommentForm,
    CompareForm,
    DecisionForm,
    RecommendationForm,
    SourceForm,
    SpinOffForm,
    StatusForm,
    WorkingGroupForm,
)
from .models import Amendment, Recommendation, WorkingGroup

bp = Blueprint("recommendations", __name__)
BASE = "/panels/<int:panel_id>/recommendations"
ONE = BASE + "/<int:rec_id>"
AMENDMENT = ONE + "/amendments/<int:amendment_id>"
STATUS_LABELS = {"draft": "Draft", "ready": "Ready for a vote", "adopted": "Adopted", "not_adopted": "Not adopted",
                 "redraft": "Sent back for redrafting", "withdrawn": "Withdrawn", "proposed": "Proposed",
                 "accepted": "Accepted", "rejected": "Rejected", "to_vote": "To a vote of the panel"}


def _rec(rec_id: int) -> Recommendation:
    return of_panel(Recommendation, rec_id)


def _amendment(rec_id: int, amendment_id: int) -> Amendment:
    rec = _rec(rec_id)
    amendment = db.session.get(Amendment, amendment_id)
    if amendment is None or amendment.recommendation_id != rec.id:
        abort(404)
    return amendment


def _flash(exc: DraftingError) -> None:
    for problem in exc.problems:
        flash(problem, "error")


def _common(**extra) -> dict:
    panel = g.panel
    return {"panel": panel, "render_text": text.render, "status_labels": STATUS_LABELS,
            "can_draft": can(current_user, "recommendations.draft", panel=panel) and drafting.panel_open(panel),
            "can_manage": can(current_user, "recommendations.manage", panel=panel) and drafting.panel_open(panel),
            **extra}


def _choices(form: RecommendationForm | WorkingGroupForm, panel) -> None:
    form.topic.choices = [(None, "Choose a topic")] + [(t.id, t.title) for t in panel.topics]
    if hasattr(form, "working_group"):
        form.working_group.choices = [(None, "No working group")] + [
            (w.id, w.name) for w in drafting.working_groups(panel)]


# --------------------------------------------------------------------------- list and one recommendation

@bp.route(BASE)
@access("recommendations.view")
def index(panel_id: int):
    recs = drafting.recommendations(g.panel)
    groups = [(w, [r for r in recs if r.working_group_id == w.id]) for w in drafting.working_groups(g.panel)]
    ungrouped = [r for r in recs if r.working_group_id is None]
    if ungrouped:
        groups.append((None, ungrouped))
    return render_template("recommendations/drafting_list.html", groups=groups, count=len(recs),
                           pending={r.id: len(amendments.pending(r)) for r in recs}, **_common())


@bp.route(ONE)
@access("recommendations.view")
def detail(panel_id: int, rec_id: int):
    return _render_detail(_rec(rec_id))


def _render_detail(rec: Recommendation, status: int = 200, **forms):
    panel = g.panel
    author_form = forms.get("author_form") or AuthorForm()
    author_form.user.choices = [(None, "Choose a member")] + [
        (m.id, m.name) for m in drafting.members(panel) if not drafting.is_author(m, rec)]
    source_form = forms.get("source_form") or SourceForm()
    source_choices = drafting.source_choices(panel)
    status_form = StatusForm(status=rec.status)
    items = [{"amendment": a, "stale": amendments.is_stale(a), "spun_off": amendments.spun_off(a),
              "diff": text.diff(amendments.current_value(rec, a.section), a.new_text),
              "base_diff": text.diff(amendments.base_value(a), a.new_text),
              "may_decide": drafting.is_author(current_user, rec) or drafting.is_staff(current_user, panel)}
             for a in rec.amendments]
    return render_template(
        "recommendations/recommendation_detail.html", rec=rec, sources=drafting.described_sources(rec),
        items=items, may_edit=drafting.may_edit(current_user, rec), section_labels=amendments.SECTION_LABELS,
        comment_form=forms.get("comment_form") or CommentForm(), author_form=author_form,
        source_form=source_form, source_choices=source_choices, status_form=status_form, decision_form=DecisionForm(),
        spin_form=SpinOffForm(), confirm=ConfirmForm(), compare_form=_compare_form(rec), **_common()), status


def _compare_form(rec: Recommendation) -> CompareForm:
    numbers = [v.number for v in rec.versions]
    form = CompareForm(request.args, a=max(1, len(numbers) - 1), b=len(numbers))
    form.a.choices = form.b.choices = [(v.number, f"Version {v.number}") for v in rec.versions]
    return form


@bp.route(ONE + "/compare")
@access("recommendations.view")
def compare(panel_id: int, rec_id: int):
    rec = _rec(rec_id)
    form = _compare_form(rec)
    old, new = drafting.version(rec, form.a.data or 0), drafting.version(rec, form.b.data or 0)
    problem = None
    if old is None or new is None:
        problem = f"Choose two versions between 1 and {len(rec.versions)}."
        old, new = rec.versions[max(0, len(rec.versions) - 2)], rec.versions[-1]
        form.a.data, form.b.data = old.number, new.number
    diffs = [(label, text.diff(getattr(old, name), getattr(new, name)), getattr(old, name) != getattr(new, name))
             for name, label in amendments.SECTION_LABELS.items()]
    return render_template("recommendations/recommendation_compare.html", rec=rec, old=old, new=new, diffs=diffs,
                           form=form, problem=problem, **_common()), 422 if problem else 200


# --------------------------------------------------------------------------- create and edit

@bp.route(BASE + "/new", methods=["GET", "POST"])
@access("recommendations.draft")
def new(panel_id: int):
    form = RecommendationForm()
    _choices(form, g.panel)
    if form.validate_on_submit():
        try:
            rec = drafting.create(current_user, g.panel, title=form.title.data, text=form.text.data,
                                  rationale=form.rationale.data, working_group_id=form.working_group.data,
                                  topic_id=form.topic.data)
        except DraftingError as exc:
            _flash(exc)
        else:
            flash(f"{rec.code} saved as version 1.", "success")
            return redirect(url_for(".detail", panel_id=panel_id, rec_id=rec.id))
    elif request.method == "GET" and request.args.get("group", "").isdigit():
        form.working_group.data = int(request.args["group"])
    status = 422 if request.method == "POST" else 200
    return render_template("recommendations/recommendation_form.html", form=form, rec=None, **_common()), status


@bp.route(ONE + "/edit", methods=["GET", "POST"])
@access("recommendations.draft")
def edit(panel_id: int, rec_id: int):
    rec = _rec(rec_id)
    try:
        drafting.require_editor(current_user, rec)
    except DraftingError as exc:
        _flash(exc)
        return redirect(url_for(".detail", panel_id=panel_id, rec_id=rec.id))
    form = RecommendationForm(obj=rec) if request.method == "GET" else RecommendationForm()
    _choices(form, g.panel)
    if request.method == "GET":
        form.working_group.data, form.topic.data = rec.working_group_id, rec.topic_id
    if form.validate_on_submit():
        try:
            version = drafting.edit(current_user, rec, title=form.title.data, text=form.text.data,
                                    rationale=form.rationale.data, working_group_id=form.working_group.data,
                                    topic_id=form.topic.data, note=form.note.data)
        except DraftingError as exc:
            _flash(exc)
        else:
            flash(f"Saved as version {version.number}." if version else "Nothing in the text changed.",
                  "success" if version else "info")
            return redirect(url_for(".detail", panel_id=panel_id, rec_id=rec.id))
    status = 422 if request.method == "POST" else 200
    return render_template("recommendations/recommendation_form.html", form=form, rec=rec, **_common()), status


def _back(rec: Recommendation, anchor: str = ""):
    return redirect(url_for(".detail", panel_id=rec.panel_id, rec_id=rec.id) + anchor)


def _run(rec: Recommendation, action, success: str, anchor: str = ""):
    try:
        action()
    except DraftingError as exc:
        db.session.rollback()
        _flash(exc)
    else:
        flash(success, "success")
    return _back(rec, anchor)


def _invalid(rec: Recommendation, message: str):
    """For a form sent empty: the permission check first (403 for non-editors), then the message."""
    def action():
        drafting.require_editor(current_user, rec)
        raise DraftingError(message)
    return action


@bp.route(ONE + "/comments", methods=["POST"])
@access("recommendations.draft")
def comment(panel_id: int, rec_id: int):
    rec = _rec(rec_id)
    form = CommentForm()
    if not form.validate_on_submit():
        return _render_detail(rec, 422, comment_form=form)
    return _run(rec, lambda: drafting.add_comment(current_user, rec, form.text.data), "Comment added.", "#comments")


@bp.route(ONE + "/authors", methods=["POST"])
@access("recommendations.draft")
def author_add(panel_id: int, rec_id: int):
    rec = _rec(rec_id)
    form = AuthorForm()
    form.user.choices = [(None, "")] + [(m.id, m.name) for m in drafting.members(g.panel)]
    if not form.validate_on_submit():
        return _run(rec, _invalid(rec, "Co-author: choose a member of this panel."), "", "#authors")
    return _run(rec, lambda: drafting.add_author(current_user, rec, form.user.data), "Co-author added.", "#authors")


@bp.route(ONE + "/authors/<int:author_id>/remove", methods=["POST"])
@access("recommendations.draft")
def author_remove(panel_id: int, rec_id: int, author_id: int):
    rec = _rec(rec_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    return _run(rec, lambda: drafting.remove_author(current_user, rec, author_id), "Co-author removed.", "#authors")


@bp.route(ONE + "/sources", methods=["POST"])
@access("recommendations.draft")
def source_add(panel_id: int, rec_id: int):
    rec = _rec(rec_id)
    form = SourceForm()
    kind, _, target = (form.target.data or "").partition(":")
    if not form.validate_on_submit() or not target.isdigit():
        return _run(rec, _invalid(rec, "Source: choose a session, speaker, material or table note from the list."),
                    "", "#sources")
    return _run(rec, lambda: drafting.add_source(current_user, rec, kind, int(target), form.note.data),
                "Source added.", "#sources")


@bp.route(ONE + "/sources/<int:source_id>/remove", methods=["POST"])
@access("recommendations.draft")
def source_remove(panel_id: int, rec_id: int, source_id: int):
    rec = _rec(rec_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    return _run(rec, lambda: drafting.remove_source(current_user, rec, source_id), "Source removed.", "#sources")


@bp.route(ONE + "/status", methods=["POST"])
@access("recommendations.manage")
def status(panel_id: int, rec_id: int):
    rec = _rec(rec_id)
    form = StatusForm()
    if not form.validate_on_submit():
        flash("Status: choose draft, ready for a vote or withdrawn.", "error")
        return _back(rec)
    return _run(rec, lambda: drafting.set_status(current_user, rec, form.status.data),
                f"{rec.code} is now {STATUS_LABELS[form.status.data].lower()}.")


# --------------------------------------------------------------------------- amendments

@bp.route(ONE + "/amendments/new", methods=["GET", "POST"])
@access("recommendations.draft")
def amend(panel_id: int, rec_id: int):
    rec = _rec(rec_id)
    form = AmendmentForm()
    if request.method == "GET" and request.args.get("section") in amendments.SECTION_LABELS:
        form.section.data = request.args["section"]
    if request.method == "GET" and not form.new_text.data:
        form.new_text.data = amendments.current_value(rec, form.section.data or "text")
    if form.validate_on_submit():
        try:
            amendments.propose(current_user, rec, section=form.section.data, new_text=form.new_text.data,
                               reason=form.reason.data)
        except DraftingError as exc:
            _flash(exc)
        else:
            flash("Amendment proposed. The co-authors will accept or reject it.", "success")
            return _back(rec, "#amendments")
    status = 422 if request.method == "POST" else 200
    return render_template("recommendations/recommendation_amend.html", rec=rec, form=form, **_common()), status


def _decision(panel_id: int, rec_id: int, amendment_id: int, action, success: str):
    amendment = _amendment(rec_id, amendment_id)
    form = DecisionForm()
    if not form.validate_on_submit():
        abort(400)
    return _run(amendment.recommendation, lambda: action(amendment, form), success, "#amendments")


@bp.route(AMENDMENT + "/accept", methods=["POST"])
@access("recommendations.draft")
def amendment_accept(panel_id: int, rec_id: int, amendment_id: int):
    return _decision(panel_id, rec_id, amendment_id, lambda a, f: amendments.accept(current_user, a, f.note.data),
                     "Amendment accepted: it is now the current version.")


@bp.route(AMENDMENT + "/reject", methods=["POST"])
@access("recommendations.draft")
def amendment_reject(panel_id: int, rec_id: int, amendment_id: int):
    return _decision(panel_id, rec_id, amendment_id, lambda a, f: amendments.reject(current_user, a, f.note.data),
                     "Amendment rejected.")


@bp.route(AMENDMENT + "/vote", methods=["POST"])
@access("recommendations.manage")
def amendment_vote(panel_id: int, rec_id: int, amendment_id: int):
    return _decision(panel_id, rec_id, amendment_id, lambda a, f: amendments.send_to_vote(current_user, a),
                     "Amendment sent to a vote of the panel.")


@bp.route(AMENDMENT + "/withdraw", methods=["POST"])
@access("recommendations.draft")
def amendment_withdraw(panel_id: int, rec_id: int, amendment_id: int):
    return _decision(panel_id, rec_id, amendment_id, lambda a, f: amendments.withdraw(current_user, a),
                     "Amendment withdrawn.")


@bp.route(AMENDMENT + "/spin-off", methods=["POST"])
@access("recommendations.draft")
def amendment_spin_off(panel_id: int, rec_id: int, amendment_id: int):
    amendment = _amendment(rec_id, amendment_id)
    form = SpinOffForm()
    if not form.validate_on_submit():
        flash("Title of the new recommendation: shorten it to 300 characters at most.", "error")
        return _back(amendment.recommendation, "#amendments")
    try:
        new_rec = amendments.spin_off(current_user, amendment, title=form.title.data)
    except DraftingError as exc:
        db.session.rollback()
        _flash(exc)
        return _back(amendment.recommendation, "#amendments")
    flash(f"The amendment is now {new_rec.code}, a recommendation of its own.", "success")
    return redirect(url_for(".detail", panel_id=panel_id, rec_id=new_rec.id))


# --------------------------------------------------------------------------- working groups

@bp.route("/panels/<int:panel_id>/working-groups")
@access("recommendations.view")
def groups(panel_id: int):
    return _groups_page(WorkingGroupForm())


def _groups_page(form: WorkingGroupForm, status: int = 200):
    _choices(form, g.panel)
    recs = drafting.recommendations(g.panel)
    return render_template("recommendations/drafting_groups.html", groups=drafting.working_groups(g.panel),
                           counts=Counter(r.working_group_id for r in recs),
                           form=form, confirm=ConfirmForm(), **_common()), status


@bp.route("/panels/<int:panel_id>/working-groups", methods=["POST"])
@access("recommendations.manage")
def group_save(panel_id: int):
    form = WorkingGroupForm()
    _choices(form, g.panel)
    if not form.validate_on_submit():
        return _groups_page(form, 422)
    group = None
    if request.form.get("group_id", "").isdigit():
        group = of_panel(WorkingGroup, int(request.form["group_id"]))
    try:
        drafting.save_group(current_user, g.panel, name=form.name.data, description=form.description.data,
                            topic_id=form.topic.data, group=group)
    except DraftingError as exc:
        db.session.rollback()
        _flash(exc)
        return _groups_page(form, 422)
    flash("Working group saved.", "success")
    return redirect(url_for(".groups", panel_id=panel_id))


@bp.route("/panels/<int:panel_id>/working-groups/<int:group_id>/delete", methods=["POST"])
@access("recommendations.manage")
def group_delete(panel_id: int, group_id: int):
    group = db.session.get(WorkingGroup, group_id)
    if group is None:  # deleted already (a second click): nothing to do
        flash("That working group has already been deleted.", "info")
        return redirect(url_for(".groups", panel_id=panel_id))
    if group.panel_id != panel_id:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        drafting.delete_group(current_user, group)
    except DraftingError as exc:
        _flash(exc)
    else:
        flash("Working group deleted; its recommendations stay, without a group.", "success")
    return redirect(url_for(".groups", panel_id=panel_id))
