"""The programme pages: sessions and agendas, speakers, materials, questions, budget, balance,
the public curriculum page and the calendar feeds."""

from __future__ import annotations

from urllib.parse import urlparse

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    make_response,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select

from curriculum.budget import LEARNING_RANGE

from ..access import access, can, of_panel
from ..charts import bar_chart, to_svg
from ..extensions import db
from ..forms import ConfirmForm
from ..panel.models import Panel, Topic
from ..uploads import UploadError
from . import ical, services
from .forms import (
    AgendaItemForm,
    AnswerForm,
    MaterialForm,
    MaterialInfoForm,
    QuestionForm,
    SessionForm,
    SpeakerForm,
    TemplateForm,
    VersionForm,
)
from .models import Material, MaterialVersion, MemberQuestion, ProgrammeSession, Speaker
from .services import ITEM_TYPE_LABELS, PHASE_LABELS, ProgrammeError
from .uploads import IMAGE_TYPES, material_path, save_material

bp = Blueprint("sessions", __name__)


def _session(panel, session_id: int) -> ProgrammeSession:
    return of_panel(ProgrammeSession, session_id, panel)


def _owned(model, panel, object_id: int):
    return of_panel(model, object_id, panel)


def _speakers(panel) -> list[Speaker]:
    return list(db.session.scalars(select(Speaker).filter_by(panel_id=panel.id).order_by(Speaker.name)))


def _materials(panel) -> list[Material]:
    return list(db.session.scalars(select(Material).filter_by(panel_id=panel.id).order_by(Material.title)))


def _flash_problems(exc: ProgrammeError) -> None:
    for p in exc.problems:
        flash(p.message, "error")


def _common() -> dict:
    panel = g.panel
    return {"panel": panel, "phase_labels": PHASE_LABELS, "type_labels": ITEM_TYPE_LABELS,
            "can_manage": can(current_user, "programme.manage", panel=panel),
            "can_staff": can(current_user, "programme.staff", panel=panel),
            "can_ask": can(current_user, "programme.ask", panel=panel)}


# --------------------------------------------------------------------------- programme and sessions

@bp.route("/panels/<int:panel_id>/programme")
@access("programme.view")
def programme(panel_id: int):
    sessions = services.sessions_of(g.panel)
    feed = None
    if any(m.role == "member" and m.panel_id == g.panel.id for m in current_user.memberships):
        feed = url_for("sessions.member_calendar", cal_token=services.calendar_token(current_user), _external=True)
    return render_template("sessions/programme.html", sessions=sessions, template_form=TemplateForm(),
                           feed=feed, **_common())


@bp.route("/panels/<int:panel_id>/programme/template", methods=["POST"])
@access("programme.manage")
def from_template(panel_id: int):
    form = TemplateForm()
    if not form.validate_on_submit():
        flash("Choose 6, 8 or 11 sessions.", "error")
    else:
        try:
            created = services.copy_template(current_user, g.panel, form.sessions.data)
        except ProgrammeError as exc:
            _flash_problems(exc)
        else:
            flash(f"{len(created)} sessions were copied from the template. Edit them to suit the panel.", "success")
    return redirect(url_for("sessions.programme", panel_id=panel_id))


def _session_form(panel, obj=None) -> SessionForm:
    form = SessionForm(obj=obj)
    form.topics.choices = [(t.id, t.title) for t in panel.topics]
    if obj is not None and request.method == "GET":
        form.topics.data = [t.id for t in obj.topics]
    return form


def _save_session(panel, form: SessionForm, session: ProgrammeSession | None):
    fields = {name: getattr(form, name).data for name in services.SESSION_FIELDS}
    for name in ("venue_name", "venue_address", "accessibility", "online_url"):
        fields[name] = (fields[name] or "").strip() or None
    topics = [db.session.get(Topic, t) for t in form.topics.data or []]
    return services.save_session(current_user, panel, session, fields, [t for t in topics if t is not None])


@bp.route("/panels/<int:panel_id>/programme/sessions/new", methods=["GET", "POST"])
@access("programme.manage")
def session_new(panel_id: int):
    panel = g.panel
    form = _session_form(panel)
    if request.method == "GET":
        form.number.data = 1 + max((s.number for s in services.sessions_of(panel)), default=0)
    problems = []
    if form.validate_on_submit():
        try:
            s = _save_session(panel, form, None)
        except ProgrammeError as exc:
            db.session.rollback()
            problems = exc.problems
        else:
            flash(f"Session {s.number} was added.", "success")
            return redirect(url_for("sessions.session_detail", panel_id=panel.id, session_id=s.id))
    status = 422 if form.errors or problems else 200
    return render_template("sessions/session_form.html", form=form, session=None, problems=problems,
                           **_common()), status


@bp.route("/panels/<int:panel_id>/programme/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@access("programme.manage")
def session_edit(panel_id: int, session_id: int):
    panel = g.panel
    s = _session(panel, session_id)
    form = _session_form(panel, s)
    problems = []
    if form.validate_on_submit():
        try:
            _save_session(panel, form, s)
        except ProgrammeError as exc:
            db.session.rollback()
            problems = exc.problems
        else:
            flash("The session was saved.", "success")
            return redirect(url_for("sessions.session_detail", panel_id=panel.id, session_id=s.id))
    status = 422 if form.errors or problems else 200
    return render_template("sessions/session_form.html", form=form, session=s, problems=problems,
                           **_common()), status


def _item_form(panel, s: ProgrammeSession) -> AgendaItemForm:
    form = AgendaItemForm()
    form.parent.choices = [("", "Top level")] + [
        (path, f"{path} {item.get('title', '')}") for path, _, item in services.flat_items(s.agenda)]
    form.speakers.choices = [(sp.id, sp.name) for sp in _speakers(panel)]
    return form


def _render_session(s: ProgrammeSession, form: AgendaItemForm, problems=(), status: int = 200):
    panel = g.panel
    speakers = {sp.id: sp for sp in _speakers(panel)}
    return render_template("sessions/session.html", session=s, items=list(services.flat_items(s.agenda)),
                           speakers=speakers, item_form=form, problems=list(problems), delete_form=ConfirmForm(),
                           **_common()), status


@bp.route("/panels/<int:panel_id>/programme/sessions/<int:session_id>")
@access("programme.view")
def session_detail(panel_id: int, session_id: int):
    s = _session(g.panel, session_id)
    return _render_session(s, _item_form(g.panel, s))


@bp.route("/panels/<int:panel_id>/programme/sessions/<int:session_id>/items", methods=["POST"])
@access("programme.manage")
def item_add(panel_id: int, session_id: int):
    s = _session(g.panel, session_id)
    form = _item_form(g.panel, s)
    if not form.validate_on_submit():
        return _render_session(s, form, status=422)
    item = {"title": form.title.data.strip(), "type": form.type.data, "start": curriculum_time(form.start.data),
            "end": curriculum_time(form.end.data), "speakers": [str(x) for x in form.speakers.data or []]}
    try:
        services.add_item(current_user, s, item, form.parent.data or "")
    except ProgrammeError as exc:
        db.session.rollback()
        return _render_session(s, form, exc.problems, 422)
    flash(f"“{item['title']}” was added to the agenda.", "success")
    return redirect(url_for("sessions.session_detail", panel_id=panel_id, session_id=s.id))


def curriculum_time(value: str) -> str:
    from curriculum import fmt_time

    return fmt_time(value)


@bp.route("/panels/<int:panel_id>/programme/sessions/<int:session_id>/items/<path>/delete", methods=["POST"])
@access("programme.manage")
def item_delete(panel_id: int, session_id: int, path: str):
    s = _session(g.panel, session_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        removed = services.remove_item(current_user, s, path)
    except ProgrammeError as exc:
        db.session.rollback()
        _flash_problems(exc)
    else:
        flash(f"“{removed.get('title')}” was removed from the agenda.", "success")
    return redirect(url_for("sessions.session_detail", panel_id=panel_id, session_id=s.id))


# --------------------------------------------------------------------------- budget and balance

@bp.route("/panels/<int:panel_id>/programme/budget")
@access("programme.staff")
def budget(panel_id: int):
    b = services.budget(g.panel)
    labels = [PHASE_LABELS[p] for p in b.hours_by_phase]
    chart = to_svg(bar_chart(labels, {"Hours": list(b.hours_by_phase.values())}, title="Hours per phase"),
                   description="; ".join(f"{label}: {h:.1f} hours" for label, h in
                                         zip(labels, b.hours_by_phase.values(), strict=True)))
    return render_template("sessions/budget.html", budget=b, chart=chart, learning_range=LEARNING_RANGE,
                           **_common())


@bp.route("/panels/<int:panel_id>/programme/balance")
@access("programme.staff")
def balance(panel_id: int):
    report, counts = services.balance(g.panel)
    labels = list(report.by_perspective)
    minutes = [report.by_perspective[p]["minutes"] for p in labels]
    chart = to_svg(bar_chart(labels or ["(none)"], {"Minutes": minutes or [0]},
                             title="Speaking minutes per perspective"),
                   description="; ".join(f"{p}: {m:.0f} minutes" for p, m in zip(labels, minutes, strict=True)))
    return render_template("sessions/balance.html", report=report, counts=counts, chart=chart,
                           perspectives_form=FlaskForm(), perspectives="\n".join(g.panel.perspectives or []),
                           **_common())


@bp.route("/panels/<int:panel_id>/programme/balance/perspectives", methods=["POST"])
@access("programme.manage")
def balance_perspectives(panel_id: int):
    if not FlaskForm().validate_on_submit():
        abort(400)
    names = services.set_perspectives(current_user, g.panel, request.form.get("perspectives", "")[:4000])
    flash(f"{len(names)} perspectives will be checked for a voice.", "success")
    return redirect(url_for("sessions.balance", panel_id=panel_id))


# --------------------------------------------------------------------------- speakers

@bp.route("/panels/<int:panel_id>/speakers")
@access("programme.view")
def speakers(panel_id: int):
    return render_template("sessions/speakers.html", speakers=_speakers(g.panel),
                           appearances=services.speaker_sessions(g.panel), **_common())


def _speaker_fields(form: SpeakerForm) -> dict:
    data = {name: getattr(form, name).data for name in ("name", "affiliation", "biography", "perspective",
                                                          "evidence_type", "interests", "expenses",
                                                          "expenses_note")}
    data["tags"] = [t.strip() for t in (form.tags.data or "").split(",") if t.strip()]
    return {k: (v.strip() or None) if isinstance(v, str) else v for k, v in data.items()}


@bp.route("/panels/<int:panel_id>/speakers/new", methods=["GET", "POST"])
@bp.route("/panels/<int:panel_id>/speakers/<int:speaker_id>/edit", methods=["GET", "POST"])
@access("programme.manage")
def speaker_form(panel_id: int, speaker_id: int | None = None):
    from ..audit import record

    speaker = _owned(Speaker, g.panel, speaker_id) if speaker_id else None
    form = SpeakerForm(obj=speaker)
    if speaker is not None and request.method == "GET":
        form.tags.data = ", ".join(speaker.tags or [])
    if form.validate_on_submit():
        if speaker is None:
            speaker = Speaker(panel_id=g.panel.id)
            db.session.add(speaker)
        for name, value in _speaker_fields(form).items():
            setattr(speaker, name, value)
        record("speaker.saved", speaker, actor=current_user, panel=g.panel)
        db.session.commit()
        flash(f"{speaker.name} was saved.", "success")
        return redirect(url_for("sessions.speakers", panel_id=panel_id))
    return render_template("sessions/speaker_form.html", form=form, speaker=speaker,
                           **_common()), 422 if form.errors else 200


# --------------------------------------------------------------------------- materials

def _upload_or_link(form) -> dict | None:
    """The new version's file or link, or None after putting the reason on the form."""
    file = form.file.data
    has_file = file is not None and getattr(file, "filename", "")
    if not has_file and not form.url.data:
        form.file.errors = [*form.file.errors, "Upload a file or give a link."]
        return None
    if has_file:
        try:
            return {"upload": save_material(file)}
        except UploadError as exc:
            form.file.errors = [*form.file.errors, str(exc)]
            return None
    return {"url": form.url.data.strip()}


@bp.route("/panels/<int:panel_id>/materials")
@access("programme.view")
def materials(panel_id: int):
    return render_template("sessions/materials.html", materials=_materials(g.panel), **_common())


@bp.route("/panels/<int:panel_id>/materials/new", methods=["GET", "POST"])
@access("programme.manage")
def material_new(panel_id: int):
    from ..audit import record

    form = MaterialForm()
    form.sessions.choices = [(s.id, f"{s.number}. {s.title}") for s in services.sessions_of(g.panel)]
    if form.validate_on_submit():
        content = _upload_or_link(form)
        if content is not None:
            material = Material(panel_id=g.panel.id, title=form.title.data.strip(),
                                summary=(form.summary.data or "").strip() or None, language=form.language.data,
                                perspective=(form.perspective.data or "").strip() or None,
                                evidence_type=form.evidence_type.data or None)
            material.sessions = [_session(g.panel, sid) for sid in form.sessions.data or []]
            db.session.add(material)
            record("material.created", material, actor=current_user, panel=g.panel)
            db.session.flush()
            services.add_version(current_user, material, note=form.note.data, **content)
            flash(f"“{material.title}” was added.", "success")
            return redirect(url_for("sessions.material_detail", panel_id=panel_id, material_id=material.id))
    return render_template("sessions/material_form.html", form=form, **_common()), 422 if form.errors else 200


@bp.route("/panels/<int:panel_id>/materials/<int:material_id>")
@access("programme.view")
def material_detail(panel_id: int, material_id: int):
    material = _owned(Material, g.panel, material_id)
    return render_template("sessions/material.html", material=material, form=VersionForm(), **_common())


@bp.route("/panels/<int:panel_id>/materials/<int:material_id>/edit", methods=["GET", "POST"])
@access("programme.manage")
def material_edit(panel_id: int, material_id: int):
    from ..audit import record

    material = _owned(Material, g.panel, material_id)
    form = MaterialInfoForm(obj=material)
    form.sessions.choices = [(s.id, f"{s.number}. {s.title}") for s in services.sessions_of(g.panel)]
    if request.method == "GET":
        form.sessions.data = [s.id for s in material.sessions]
        form.evidence_type.data = material.evidence_type or ""
    if form.validate_on_submit():
        material.title = form.title.data.strip()
        material.summary = (form.summary.data or "").strip() or None
        material.language = form.language.data
        material.perspective = (form.perspective.data or "").strip() or None
        material.evidence_type = form.evidence_type.data or None
        material.sessions = [_session(g.panel, sid) for sid in form.sessions.data or []]
        record("material.updated", material, actor=current_user, panel=g.panel)
        db.session.commit()
        flash("The material was saved.", "success")
        return redirect(url_for("sessions.material_detail", panel_id=panel_id, material_id=material.id))
    return render_template("sessions/material_edit.html", form=form, material=material,
                           **_common()), 422 if form.errors else 200


@bp.route("/panels/<int:panel_id>/materials/<int:material_id>/versions", methods=["POST"])
@access("programme.manage")
def material_version_add(panel_id: int, material_id: int):
    material = _owned(Material, g.panel, material_id)
    form = VersionForm()
    if form.validate_on_submit():
        content = _upload_or_link(form)
        if content is not None:
            version = services.add_version(current_user, material, note=form.note.data, **content)
            flash(f"Version {version.number} was added.", "success")
            return redirect(url_for("sessions.material_detail", panel_id=panel_id, material_id=material.id))
    return render_template("sessions/material.html", material=material, form=form, **_common()), 422


def _send_version(version: MaterialVersion):
    if not version.stored_name:
        if version.url:
            return redirect(version.url)
        abort(404)
    try:
        path = material_path(version.stored_name)
    except UploadError:
        abort(404)
    if not path.is_file():
        abort(404)
    image = version.content_type in IMAGE_TYPES
    response = send_file(path, mimetype=version.content_type or "application/octet-stream",
                         as_attachment=not image, download_name=version.filename or path.name)
    if image:
        response.headers["Content-Disposition"] = "inline"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@bp.route("/panels/<int:panel_id>/materials/<int:material_id>/versions/<int:version_id>")
@access("programme.view")
def material_file(panel_id: int, material_id: int, version_id: int):
    material = _owned(Material, g.panel, material_id)
    version = db.session.get(MaterialVersion, version_id)
    if version is None or version.material_id != material.id:
        abort(404)
    return _send_version(version)


@bp.route("/p/<int:panel_id>/materials/<int:material_id>")
@access("public")
def public_material(panel_id: int, material_id: int):
    panel = db.session.get(Panel, panel_id) or abort(404)
    material = _owned(Material, panel, material_id)
    if material.current is None:
        abort(404)
    return _send_version(material.current)


# --------------------------------------------------------------------------- questions

def _question_form(panel) -> QuestionForm:
    form = QuestionForm()
    form.speaker.choices = [(0, "No particular speaker")] + [(s.id, s.name) for s in _speakers(panel)]
    return form


def _render_questions(form: QuestionForm, status: int = 200):
    panel = g.panel
    rows = services.questions_of(panel)
    staff = can(current_user, "programme.staff", panel=panel) or can(current_user, "programme.manage", panel=panel)
    if not staff:  # members see their own questions and the answered ones
        rows = [q for q in rows if q.asked_by_id == current_user.id or q.answered]
    answer_form = AnswerForm()
    answer_form.session.choices = [(0, "Not scheduled")] + [(s.id, f"{s.number}. {s.title}")
                                                           for s in services.sessions_of(panel)]
    return render_template("sessions/questions.html", questions=rows, form=form, answer_form=answer_form,
                           staff=staff, **_common()), status


@bp.route("/panels/<int:panel_id>/questions")
@access("programme.view")
def questions(panel_id: int):
    return _render_questions(_question_form(g.panel))


@bp.route("/panels/<int:panel_id>/questions", methods=["POST"])
@access("programme.ask")
def question_ask(panel_id: int):
    panel = g.panel
    form = _question_form(panel)
    if not form.validate_on_submit():
        return _render_questions(form, 422)
    speaker = _owned(Speaker, panel, form.speaker.data) if form.speaker.data else None
    services.ask(current_user, panel, kind=form.kind.data, text=form.text.data.strip(), speaker=speaker,
                 perspective=(form.perspective.data or "").strip() or None, show_name=form.show_name.data)
    flash("Thank you: the facilitators will answer.", "success")
    return redirect(url_for("sessions.questions", panel_id=panel_id))


@bp.route("/panels/<int:panel_id>/questions/<int:question_id>/answer", methods=["POST"])
@access("programme.manage")
def question_answer(panel_id: int, question_id: int):
    q = _owned(MemberQuestion, g.panel, question_id)
    form = AnswerForm()
    form.session.choices = [(0, "Not scheduled")]
    if not form.validate_on_submit():
        flash("Write the answer, or say when the witness will be heard.", "error")
    else:
        session = _session(g.panel, form.session.data) if form.session.data else None
        services.answer(current_user, q, form.answer.data.strip(), session)
        flash("The answer was saved.", "success")
    return redirect(url_for("sessions.questions", panel_id=panel_id))


# --------------------------------------------------------------------------- public page and calendars

@bp.route("/p/<int:panel_id>/curriculum")
@access("public")
def public(panel_id: int):
    panel = db.session.get(Panel, panel_id) or abort(404)
    sessions = services.sessions_of(panel)
    speakers = _speakers(panel)
    by_id = {str(s.id): s for s in speakers}
    answered = [q for q in services.questions_of(panel) if q.answered]
    return render_template("sessions/public.html", panel=panel, sessions=sessions, speakers=speakers,
                           speaker_by_id=by_id, materials=_materials(panel), answered=answered,
                           items={s.id: list(services.flat_items(s.agenda)) for s in sessions},
                           phase_labels=PHASE_LABELS, type_labels=ITEM_TYPE_LABELS,
                           appearances=services.speaker_sessions(panel))


def _ics(name: str, sessions, filename: str):
    host = urlparse(current_app.config.get("BASE_URL") or request.host_url).hostname or "civic-panels"
    body = ical.calendar(name, sessions, host=host,
                         timezone=current_app.config.get("TIMEZONE", "Europe/London"))
    response = make_response(body)
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.headers["Cache-Control"] = "private, max-age=300"
    return response


@bp.route("/p/<int:panel_id>/calendar.ics")
@access("public")
def panel_calendar(panel_id: int):
    panel = db.session.get(Panel, panel_id) or abort(404)
    return _ics(panel.title, services.sessions_of(panel), f"panel-{panel.id}.ics")


@bp.route("/calendar/<cal_token>.ics")
@access("public")
def member_calendar(cal_token: str):
    user = services.user_for_token(cal_token) or abort(404)
    response = _ics("My panel sessions", services.member_sessions(user), "sessions.ics")
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
