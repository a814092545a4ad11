"""Table plan pages: allocate, review with scores, adjust by hand, lock, print, and table notes."""

from __future__ import annotations

from flask import Response, abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import IntegerField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from .. import audit
from ..access import access, can
from ..extensions import db
from ..pdf import H1, H2, SMALL, para, render, table
from ..pool.models import RegistrationSettings
from . import tables
from .participation import TableNote, TablePlan
from .views import _session, bp


class AllocateForm(FlaskForm):
    table_size = IntegerField("Largest table", default=8, validators=[
        InputRequired(message="Enter the largest number of members at a table."),
        NumberRange(min=2, max=20, message="A table seats 2 to 20 members.")])
    categories = SelectMultipleField("Mix the tables on", validators=[Optional()])
    together = TextAreaField("Sit together (optional)", validators=[Optional(), Length(max=4000)],
                             description="One group per line, names separated by commas: a shared language "
                                         "or access need.")
    apart = TextAreaField("Keep apart (optional)", validators=[Optional(), Length(max=4000)],
                          description="One pair per line, two names separated by a comma.")
    seed = StringField("Seed (optional)", validators=[Optional(), Length(max=40)],
                       description="The same seed and members give the same plan.")


class MoveForm(FlaskForm):
    member = IntegerField("Member", validators=[InputRequired()])
    table = IntegerField("Table", validators=[InputRequired()])


class NoteForm(FlaskForm):
    table_number = IntegerField("Table", validators=[InputRequired(message="Choose the table.")])
    agenda_item = StringField("Agenda item", validators=[Optional(), Length(max=200)])
    text = TextAreaField("What the table said", validators=[DataRequired(message="Write the note."),
                                                            Length(max=10000)])


def _categories(panel) -> list[tuple[str, str]]:
    settings = db.session.scalar(select(RegistrationSettings).where(RegistrationSettings.panel_id == panel.id))
    return [(c["key"], c.get("question", c["key"])) for c in (settings.categories if settings else [])]


@bp.route("/panels/<int:panel_id>/sessions/<int:session_id>/tables")
@access("programme.staff")
def table_plan(panel_id: int, session_id: int):
    return _page(_session(g.panel, session_id), AllocateForm())


@bp.route("/panels/<int:panel_id>/sessions/<int:session_id>/tables", methods=["POST"])
@access("programme.manage")
def table_allocate(panel_id: int, session_id: int):
    session = _session(g.panel, session_id)
    form = AllocateForm()
    form.categories.choices = _categories(g.panel)
    if form.validate_on_submit():
        try:
            tables.allocate(current_user, session, table_size=form.table_size.data,
                            categories=form.categories.data or [], together=form.together.data or "",
                            apart=form.apart.data or "", seed=form.seed.data or None)
        except tables.TableError as exc:
            form.table_size.errors.append(str(exc))
        else:
            flash("Tables allocated.", "success")
            return redirect(url_for("sessions.table_plan", panel_id=panel_id, session_id=session_id))
    return _page(session, form)


def _page(session, form: AllocateForm):
    plan = db.session.scalar(select(TablePlan).where(TablePlan.session_id == session.id))
    form.categories.choices = _categories(g.panel)
    if request.method == "GET":
        form.categories.data = plan.categories if plan else [key for key, _ in form.categories.choices]
    notes = db.session.scalars(select(TableNote).where(TableNote.session_id == session.id)
                               .order_by(TableNote.table_number, TableNote.id)).all()
    return render_template("sessions/tables.html", panel=g.panel, session=session, plan=plan,
                           seating=tables.seating(plan), form=form, move_form=MoveForm(), note_form=NoteForm(),
                           notes=notes, first_name=tables.first_name,
                           can_manage=can(current_user, "programme.manage", panel=g.panel)), \
        200 if not form.errors else 422


def _act(panel_id: int, session_id: int, action) -> Response:
    session = _session(g.panel, session_id)
    try:
        message = action(session)
        flash(message, "success")
    except tables.TableError as exc:
        flash(str(exc), "error")
    return redirect(url_for("sessions.table_plan", panel_id=panel_id, session_id=session_id))


@bp.route("/panels/<int:panel_id>/sessions/<int:session_id>/tables/move", methods=["POST"])
@access("programme.manage")
def table_move(panel_id: int, session_id: int):
    form = MoveForm()
    if not form.validate_on_submit():
        abort(400)
    return _act(panel_id, session_id, lambda s: tables.move(current_user, s, form.member.data, form.table.data)
                and "Moved. The scores are recomputed.")


@bp.route("/panels/<int:panel_id>/sessions/<int:session_id>/tables/lock", methods=["POST"])
@access("programme.manage")
def table_lock(panel_id: int, session_id: int):
    locked = request.form.get("locked") == "1"
    if not FlaskForm().validate_on_submit():
        abort(400)
    return _act(panel_id, session_id, lambda s: tables.set_locked(current_user, s, locked)
                or ("Plan locked." if locked else "Plan unlocked."))


@bp.route("/panels/<int:panel_id>/sessions/<int:session_id>/tables/notes", methods=["POST"])
@access("programme.manage")
def table_note(panel_id: int, session_id: int):
    session = _session(g.panel, session_id)
    form = NoteForm()
    if form.validate_on_submit():
        note = TableNote(session_id=session.id, table_number=form.table_number.data,
                         agenda_item=form.agenda_item.data or None, text=form.text.data, author_id=current_user.id)
        db.session.add(note)
        audit.record("tables.note_added", note, actor=current_user, panel=g.panel, table=form.table_number.data)
        db.session.commit()
        flash("Note saved.", "success")
    else:
        flash(" ".join(e for errs in form.errors.values() for e in errs), "error")
    return redirect(url_for("sessions.table_plan", panel_id=panel_id, session_id=session_id) + "#notes")


@bp.route("/panels/<int:panel_id>/sessions/<int:session_id>/tables.pdf")
@access("programme.staff")
def table_pdf(panel_id: int, session_id: int):
    session = _session(g.panel, session_id)
    plan = db.session.scalar(select(TablePlan).where(TablePlan.session_id == session.id))
    if plan is None:
        abort(404)
    when = session.date.strftime("%A %-d %B %Y") if session.date else ""
    story = [para(f"Tables — session {session.number}: {session.title}", H1),
             para(f"{g.panel.title}. {when}, {session.start}–{session.end}.", SMALL)]
    for t in tables.seating(plan):
        story.append(para(f"Table {t['number']}" + (f" — facilitator {t['facilitator']}" if t["facilitator"] else ""),
                          H2))
        story.append(table(["Members"], [[", ".join(tables.first_name(u) for u in t["people"])]]))
    pdf = render(story, title=f"Tables, session {session.number}", footer=f"{g.panel.title} — tables")
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f"inline; filename=tables-session-{session.number}.pdf"})
