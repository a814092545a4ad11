"""Attendance (check-in by facilitators or with the session code), retention, support needs,
expense claims and the anonymous evaluations: more pages on the sessions blueprint."""

from __future__ import annotations

from decimal import Decimal

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import DecimalField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..access import access, can
from ..accounts.models import User
from ..charts import bar_chart, to_svg
from ..extensions import db, limiter
from . import attendance, evaluations
from .attendance import CLAIM_STATUSES, EXPENSE_KINDS, STATUSES, AttendanceError
from .evaluations import MIN_ANSWERS, SCALE, SHORT, EvaluationError
from .participation import ExpenseClaim
from .views import _session, bp


def _common() -> dict:
    panel = g.panel
    return {"panel": panel, "statuses": STATUSES,
            "can_manage": can(current_user, "programme.manage", panel=panel),
            "can_staff": can(current_user, "programme.staff", panel=panel),
            "can_attendance": can(current_user, "attendance.manage", panel=panel),
            "can_evaluations": can(current_user, "evaluation.view", panel=panel), "session_name": session_name}


def session_name(s) -> str:
    """“Session 3: Learning”, without repeating “Session 3” when the title already starts with it."""
    return s.title if s.title.lower().startswith(f"session {s.number}") else f"Session {s.number}: {s.title}"


def _label(s) -> str:
    return f"{s.number}. {s.title}"


# --------------------------------------------------------------------------- attendance overview

@bp.route("/panels/<int:panel_id>/attendance")
@access("attendance.manage")
def attendance_overview(panel_id: int):
    panel = g.panel
    rows, people = attendance.overview(panel)
    taken = [r for r in rows if r.taken]
    chart = None
    if taken:
        labels = [f"Session {r.session.number}" for r in taken]
        chart = to_svg(bar_chart(labels, {"Present": [r.share for r in taken]}, title="Members present per session",
                                 percent=True),
                       description="; ".join(f"{label}: {r.share:.0%} present" for label, r in
                                             zip(labels, taken, strict=True)))
    at_risk = [p for p in people if p.at_risk]
    needs = attendance.support_needs(panel)
    support = {r.session.id: attendance.session_support(panel, r.session, needs) for r in rows}
    return render_template("sessions/attendance.html", rows=rows, taken=taken, people=people, at_risk=at_risk,
                           chart=chart, support=support, min_misses=attendance.AT_RISK_MISSES, **_common())


# --------------------------------------------------------------------------- check-in by a facilitator

@bp.route("/panels/<int:panel_id>/sessions/<int:session_id>/attendance")
@access("attendance.manage")
def attendance_session(panel_id: int, session_id: int):
    panel = g.panel
    s = _session(panel, session_id)
    records = attendance.records_of(s)
    members = attendance.members_of(panel)
    support = attendance.session_support(panel, s, records=records)
    counts = {k: sum(1 for m in members if m.id in records and records[m.id].status == k) for k in STATUSES}
    return render_template("sessions/attendance_session.html", session=s, members=members, records=records,
                           support=support, code=attendance.session_code(s), counts=counts,
                           form=FlaskForm(), **_common())


@bp.route("/panels/<int:panel_id>/sessions/<int:session_id>/attendance", methods=["POST"])
@access("attendance.manage")
def attendance_record(panel_id: int, session_id: int):
    panel = g.panel
    s = _session(panel, session_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    user = db.session.get(User, request.form.get("user_id", type=int) or 0)
    status = request.form.get("status", "")
    if user is None or not attendance.is_member(user, panel):
        flash("Choose a member of this panel.", "error")
    else:
        try:
            attendance.mark(current_user, s, user, status)
        except AttendanceError as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            flash(f"{user.name}: {STATUSES[status].lower()}.", "success")
    return redirect(url_for("sessions.attendance_session", panel_id=panel_id, session_id=s.id) + "#members")


# --------------------------------------------------------------------------- check-in by a member

class CheckInForm(FlaskForm):
    code = StringField("Session code", validators=[InputRequired("Type the session code."), Length(max=20)],
                       description="The six characters the facilitators show at the session.")


def _member_limit_key() -> str:
    return f"check-in:{getattr(current_user, 'id', None) or request.remote_addr}"


@bp.route("/panels/<int:panel_id>/sessions/<int:session_id>/check-in", methods=["GET", "POST"])
@access("attendance.check_in")
@limiter.limit("10 per minute", key_func=_member_limit_key, methods=["POST"])
def check_in(panel_id: int, session_id: int):
    panel = g.panel
    s = _session(panel, session_id)
    form = CheckInForm()
    record = attendance.records_of(s).get(current_user.id)
    status = 200
    if form.validate_on_submit():
        if attendance.code_matches(s, form.code.data):
            attendance.mark(current_user, s, current_user, "present", method="code")
            flash(f"You are checked in to session {s.number}. Welcome!", "success")
            return redirect(url_for("sessions.check_in", panel_id=panel_id, session_id=s.id))
        form.code.errors = [*form.code.errors, "That is not this session's code. Check the code shown in the room "
                                               "and try again, or ask a facilitator to check you in."]
        status = 422
    elif request.method == "POST":
        status = 422
    return render_template("sessions/attendance_check_in.html", session=s, form=form, record=record,
                           **_common()), status


@bp.route("/panels/<int:panel_id>/my-sessions")
@access("attendance.check_in")
def my_sessions(panel_id: int):
    panel = g.panel
    sessions = attendance.sessions_of(panel)
    mine = {s.id: r for s in sessions if (r := attendance.records_of(s).get(current_user.id))}
    return render_template("sessions/attendance_mine.html", sessions=sessions, mine=mine, is_open=evaluations.is_open,
                           answered=evaluations.answered_keys(current_user, panel), **_common())


# --------------------------------------------------------------------------- expenses

class ExpenseForm(FlaskForm):
    member = SelectField("Member", coerce=int, validators=[DataRequired("Choose the member.")])
    session = SelectField("Session", coerce=int, validators=[DataRequired("Choose the session.")])
    kind = SelectField("Kind of expense", choices=list(EXPENSE_KINDS.items()))
    amount = DecimalField("Amount", places=2, validators=[InputRequired("Give the amount."),
                                                          NumberRange(min=Decimal("0.01"), max=10000)])
    note = TextAreaField("Note", validators=[Optional(), Length(max=2000)],
                         description="For example the journey, or the receipt number. No health details.")


def _expense_form(panel) -> ExpenseForm:
    form = ExpenseForm()
    form.member.choices = [(0, "Choose a member")] + [(m.id, m.name) for m in attendance.members_of(panel)]
    form.session.choices = [(0, "Choose a session")] + [(s.id, _label(s)) for s in attendance.sessions_of(panel)]
    return form


def _render_expenses(form: ExpenseForm, status: int = 200):
    panel = g.panel
    per_member, per_session, total = attendance.totals(panel)
    members = {m.id: m for m in attendance.members_of(panel)}
    sessions = attendance.sessions_of(panel)
    return render_template("sessions/attendance_expenses.html", form=form, claims=attendance.claims_of(panel),
                           per_member=per_member, per_session=per_session, total=total, members=members,
                           sessions=sessions, session_by_id={s.id: s for s in sessions}, kinds=EXPENSE_KINDS,
                           claim_statuses=CLAIM_STATUSES, status_form=FlaskForm(),
                           **_common()), status


@bp.route("/panels/<int:panel_id>/expenses")
@access("attendance.manage")
def expenses(panel_id: int):
    return _render_expenses(_expense_form(g.panel))


@bp.route("/panels/<int:panel_id>/expenses", methods=["POST"])
@access("attendance.manage")
def expense_add(panel_id: int):
    panel = g.panel
    form = _expense_form(panel)
    if not form.validate_on_submit():
        return _render_expenses(form, 422)
    s = _session(panel, form.session.data)
    user = db.session.get(User, form.member.data)
    try:
        attendance.add_claim(current_user, s, user, form.kind.data, form.amount.data, form.note.data)
    except AttendanceError as exc:
        db.session.rollback()
        form.member.errors = [*form.member.errors, str(exc)]
        return _render_expenses(form, 422)
    flash(f"The claim of {form.amount.data:.2f} for {user.name} was recorded.", "success")
    return redirect(url_for("sessions.expenses", panel_id=panel_id))


@bp.route("/panels/<int:panel_id>/expenses/<int:claim_id>/status", methods=["POST"])
@access("attendance.manage")
def expense_status(panel_id: int, claim_id: int):
    panel = g.panel
    claim = db.session.get(ExpenseClaim, claim_id)
    if claim is None:
        abort(404)
    _session(panel, claim.session_id)  # 404 for another panel's claim
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        attendance.set_claim_status(current_user, panel, claim, request.form.get("status", ""))
    except AttendanceError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        flash(f"The claim is now {CLAIM_STATUSES[claim.status].lower()}.", "success")
    return redirect(url_for("sessions.expenses", panel_id=panel_id) + "#claims")


# --------------------------------------------------------------------------- evaluations

def _evaluation_form(session):
    class EvaluationForm(FlaskForm):
        comment = TextAreaField("Anything else you want to tell the organisers?",
                                validators=[Optional(), Length(max=3000)],
                                description="Please do not write your name or anything that identifies you.")

    for key, text in evaluations.questions_for(session).items():
        setattr(EvaluationForm, f"q_{key}", RadioField(text, choices=[(str(v), f"{v} – {label}")
                                                                      for v, label in SCALE.items()],
                                                       validators=[Optional()]))
    return EvaluationForm()


@bp.route("/panels/<int:panel_id>/sessions/<int:session_id>/evaluation", methods=["GET", "POST"])
@bp.route("/panels/<int:panel_id>/evaluation/final", methods=["GET", "POST"])
@access("evaluation.answer")
def evaluation_form(panel_id: int, session_id: int | None = None):
    panel = g.panel
    s = _session(panel, session_id) if session_id is not None else None
    done = evaluations.has_answered(current_user, panel, s)
    if not evaluations.is_open(s):
        flash(f"The questionnaire for session {s.number} opens on the day of the session.", "info")
        return redirect(url_for("sessions.my_sessions", panel_id=panel_id))
    form = _evaluation_form(s)
    status = 200
    if not done and form.validate_on_submit():
        scores = {key: getattr(form, f"q_{key}").data for key in evaluations.questions_for(s)}
        try:
            evaluations.submit(current_user, panel, s, scores, form.comment.data)
        except EvaluationError as exc:
            db.session.rollback()
            flash(str(exc), "error")
            status = 422
        else:
            flash("Thank you: your answers were saved without your name.", "success")
            return redirect(url_for("sessions.my_sessions", panel_id=panel_id))
    elif request.method == "POST":
        if done:
            flash("You have already answered this questionnaire. Thank you.", "info")
        status = 409 if done else 422
    fields = [(getattr(form, f"q_{key}")) for key in evaluations.questions_for(s)]
    return render_template("sessions/evaluation_form.html", session=s, form=form, fields=fields, done=done,
                           **_common()), status


@bp.route("/panels/<int:panel_id>/evaluations")
@access("evaluation.view")
def evaluation_results(panel_id: int):
    panel = g.panel
    sessions = attendance.sessions_of(panel)
    per_session = [evaluations.results(panel, s) for s in sessions]
    final = evaluations.results(panel, None)
    shown = [r for r in per_session if r.enough]
    charts = []
    for key in evaluations.QUESTIONS:
        rows = [(r, next(q for q in r.questions if q.key == key)) for r in shown]
        rows = [(r, q) for r, q in rows if q.mean is not None]
        labels = [f"Session {r.session.number}" for r, _ in rows]
        means = [q.mean for _, q in rows]
        chart = None
        if rows:
            chart = to_svg(bar_chart(labels, {"Mean score (1 to 5)": means}, title=f"{SHORT[key]}: mean per session"),
                           description="; ".join(f"{label}: {m:.1f} of 5" for label, m in
                                                 zip(labels, means, strict=True)))
        charts.append((key, SHORT[key], evaluations.QUESTIONS[key], chart,
                       list(zip(labels, means, [q.answers for _, q in rows], strict=True))))
    return render_template("sessions/evaluations.html", per_session=per_session, final=final, charts=charts,
                           min_answers=MIN_ANSWERS, scale=SCALE, short=SHORT, **_common())
