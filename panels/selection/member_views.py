"""Seats: the public confirm-or-decline page, the members list for organisers, replacements.

The public page (/c/<token>) works without JavaScript, in the panel's languages (English and
Spanish; `?lang=es`), and says nothing about a link it does not know. Its POST checks CSRF
through the form itself (exempt from the global check), so an expired form is shown again.
The members page shows contact details: organisers of the panel only, and every view is audited.
"""

from __future__ import annotations

from contextlib import suppress

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, IntegerField, RadioField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from .. import audit
from ..access import access, of_panel
from ..charts import bar_chart, to_svg
from ..db import utcnow
from ..extensions import csrf, db, limiter
from ..i18n import LANGUAGES
from ..pool.models import Volunteer
from . import confirmation as confirmations
from . import replacements

bp = Blueprint("seats", __name__)

# The public page's words, in the languages a panel can offer (the email templates have their own).
WORDS = {
    "en": {
        "title": "Your place on {title}",
        "intro": "You were selected by lot to be a member of {title}, run by {organisation}.",
        "question": "The question the panel answers",
        "dates": "When the panel meets",
        "no_dates": "We will tell you the dates soon.",
        "support": "Support we offer",
        "support_text": "We want everyone to be able to take part. Tell us if you need any of this, and we "
                        "will arrange it:",
        "your_needs": "You told us you need:",
        "deadline": "Please answer by {date}.",
        "legend": "Will you take part?",
        "yes": "Yes, I will take part",
        "no": "No, I cannot take part",
        "send": "Send my answer",
        "choose": "Choose yes or no.",
        "problem": "There is a problem",
        "expired_form": "The form expired. Choose your answer and send it again.",
        "confirmed": "Thank you. You are on the panel.",
        "confirmed_text": "We have recorded your answer. We will be in touch about the first session.",
        "account_text": "We have sent you an email to create your account, where you will find the programme.",
        "declined": "Thank you for letting us know",
        "declined_text": "We have recorded that you cannot take part. We will offer your place to someone else.",
        "expired": "The date to answer has passed",
        "expired_text": "We may have offered your place to someone else. If you still want to take part, "
                        "contact us.",
        "left": "You are no longer on this panel",
        "left_text": "Our records show that you have withdrawn. If this is a mistake, contact us.",
        "answered_on": "You answered on {date}.",
        "call": "Questions? Call us on {phone}.",
        "write": "Questions? Write to {email}.",
        "bad_link": "This link does not work",
        "bad_link_text": "Check that you copied the whole link from the email. If it still does not work, "
                         "contact the organisers.",
        "language": "Language",
    },
    "es": {
        "title": "Su plaza en {title}",
        "intro": "Ha sido seleccionado/a por sorteo para formar parte de {title}, organizada por {organisation}.",
        "question": "La pregunta a la que responde la asamblea",
        "dates": "Cuándo se reúne la asamblea",
        "no_dates": "Pronto le diremos las fechas.",
        "support": "La ayuda que ofrecemos",
        "support_text": "Queremos que todo el mundo pueda participar. Díganos si necesita algo de esto y lo "
                        "organizaremos:",
        "your_needs": "Nos dijo que necesita:",
        "deadline": "Por favor, responda antes del {date}.",
        "legend": "¿Participará?",
        "yes": "Sí, participaré",
        "no": "No, no puedo participar",
        "send": "Enviar mi respuesta",
        "choose": "Elija sí o no.",
        "problem": "Hay un problema",
        "expired_form": "El formulario ha caducado. Elija su respuesta y envíela de nuevo.",
        "confirmed": "Gracias. Forma parte de la asamblea.",
        "confirmed_text": "Hemos registrado su respuesta. Nos pondremos en contacto con usted antes de la "
                          "primera sesión.",
        "account_text": "Le hemos enviado un correo para crear su cuenta, donde encontrará el programa.",
        "declined": "Gracias por avisarnos",
        "declined_text": "Hemos registrado que no puede participar. Ofreceremos su plaza a otra persona.",
        "expired": "El plazo para responder ha terminado",
        "expired_text": "Es posible que hayamos ofrecido su plaza a otra persona. Si todavía quiere "
                        "participar, póngase en contacto con nosotros.",
        "left": "Ya no forma parte de esta asamblea",
        "left_text": "Según nuestros registros, se ha retirado. Si es un error, póngase en contacto con nosotros.",
        "answered_on": "Respondió el {date}.",
        "call": "¿Preguntas? Llámenos al {phone}.",
        "write": "¿Preguntas? Escríbanos a {email}.",
        "bad_link": "Este enlace no funciona",
        "bad_link_text": "Compruebe que ha copiado el enlace completo del correo. Si sigue sin funcionar, "
                         "póngase en contacto con los organizadores.",
        "language": "Idioma",
    },
}

STATE_LABELS = {"confirmed": "Confirmed", "pending": "Waiting for an answer", "declined": "Declined",
                "expired": "No answer by the deadline", "withdrawn": "Left the panel",
                "replaced": "Replaced", "not invited": "Not invited yet"}


# --- forms ---------------------------------------------------------------------------------------


class AnswerForm(FlaskForm):
    answer = RadioField("Will you take part?", choices=[("confirm", "Yes"), ("decline", "No")],
                        validators=[InputRequired()])


class InviteForm(FlaskForm):
    deadline_days = IntegerField("Days to answer", default=confirmations.DEADLINE_DAYS,
                                 validators=[InputRequired(message="Enter a number of days."),
                                             NumberRange(min=1, max=60, message="Enter 1 to 60 days.")])


class RecordForm(FlaskForm):
    answer = RadioField("Answer", choices=[("confirm", "Confirmed"), ("decline", "Declined")],
                        validators=[InputRequired(message="Choose confirmed or declined.")])
    channel = SelectField("How", choices=[("phone", "By phone"), ("email", "By email"),
                                          ("in person", "In person")], default="phone")
    note = StringField("Note", validators=[Optional(), Length(max=500)])


class DropoutForm(FlaskForm):
    reason = StringField("Why did they leave?", validators=[DataRequired(message="Say why the member left."),
                                                            Length(max=500)])


class ProposeForm(FlaskForm):
    dropouts = SelectMultipleField("Seats to fill", coerce=int,
                                   validators=[DataRequired(message="Choose at least one seat to fill.")])
    seed = StringField("Seed (optional)", validators=[Optional(), Length(max=200)],
                       description="For a public draw, enter the number drawn in public. Leave empty and a "
                                   "random seed is generated and recorded.")


class ApplyForm(FlaskForm):
    job_id = HiddenField(validators=[DataRequired()])
    accept_relaxation = BooleanField("I accept these changes to the targets for the replacements")


class ReserveForm(FlaskForm):
    dropout_id = HiddenField(validators=[DataRequired()])


def _errors(form) -> str:
    return " ".join(e for errors in form.errors.values() for e in errors)


# --- the public page -------------------------------------------------------------------------------


def _page_language(volunteer) -> tuple[str, list[str]]:
    settings = confirmations.settings_of(volunteer.panel)
    offered = [c for c in (settings.languages if settings else None) or ["en"] if c in WORDS] or ["en"]
    if confirmations.language_of(volunteer) not in offered:
        offered.append(confirmations.language_of(volunteer))
    chosen = request.args.get("lang") or request.form.get("lang")
    if chosen in offered:
        return chosen, offered
    return confirmations.language_of(volunteer), offered


def _state(confirmation) -> str:
    if confirmation.status == "pending" and confirmation.volunteer.status not in ("selected",):
        return "left"
    if confirmation.status == "pending" and confirmation.deadline < utcnow():
        return "expired"
    return {"pending": "open"}.get(confirmation.status, confirmation.status)


def _bad_link():
    lang = request.args.get("lang") if request.args.get("lang") in WORDS else "en"
    return render_template("seats/link_problem.html", t=WORDS[lang], page_lang=lang), 404


@bp.route("/c/<confirmation_token>", methods=["GET", "POST"])
@access("public")
@csrf.exempt
@limiter.limit("30 per minute", methods=["POST"])
def confirm(confirmation_token: str):
    confirmation = confirmations.find(confirmation_token)
    if confirmation is None:
        return _bad_link()
    lang, offered = _page_language(confirmation.volunteer)
    words = WORDS[lang]
    form = AnswerForm()
    form.answer.choices = [("confirm", words["yes"]), ("decline", words["no"])]
    form.answer.label.text = words["legend"]
    form.answer.validators[0].message = words["choose"]
    if request.method == "POST" and _state(confirmation) == "open":
        if form.validate():
            # On a refusal (answered, expired, withdrawn) the page below says where things stand.
            with suppress(confirmations.ConfirmationError):
                confirmations.respond(confirmation_token, form.answer.data)
            return redirect(url_for("seats.confirm", confirmation_token=confirmation_token, lang=lang))
    elif request.method == "POST":
        return redirect(url_for("seats.confirm", confirmation_token=confirmation_token, lang=lang))
    values = confirmations.context(confirmation, lang)
    state = _state(confirmation)
    return render_template("seats/confirm.html", t=words, page_lang=lang, languages=offered, LANGUAGES=LANGUAGES,
                           form=form, state=state, token=confirmation_token,
                           answered_on=(confirmations.format_date(confirmation.responded_at, lang)
                                        if confirmation.responded_at else None), **values
                           ), 422 if form.errors else 200


# --- members (organisers) --------------------------------------------------------------------------


def _volunteer(volunteer_id: int) -> Volunteer:
    return of_panel(Volunteer, volunteer_id)


@bp.route("/panels/<int:panel_id>/members")
@access("pool.view")
def members(panel_id: int):
    panel = g.panel
    rows = confirmations.members(panel)
    counts = confirmations.counts(rows)
    shown = {"Confirmed": counts["confirmed"], "Waiting": counts["pending"] + counts["not invited"],
             "Declined or left": counts["declined"], "No answer by the deadline": counts["expired"]}
    chart = to_svg(bar_chart(list(shown), {"Members": list(shown.values())}, title="Answers to the invitation"),
                   description="How many members have confirmed, are waiting, declined or did not answer.")
    audit.record("members.contacts_viewed", panel, actor=current_user, panel=panel, count=len(rows))
    db.session.commit()
    draw = confirmations.draw_run(panel)
    return render_template("seats/members.html", panel=panel, rows=rows, counts=counts, shown=shown, chart=chart,
                           labels=STATE_LABELS, draw=draw, invite_form=InviteForm(), record_form=RecordForm(),
                           dropout_form=DropoutForm(), support=confirmations.support_labels,
                           open_seats=len(replacements.open_seats(panel)))


@bp.route("/panels/<int:panel_id>/members/invite", methods=["POST"])
@access("selection.manage")
def invite(panel_id: int):
    form = InviteForm()
    if not form.validate_on_submit():
        flash(_errors(form) or "Check the form.", "error")
        return redirect(url_for("seats.members", panel_id=panel_id))
    runs = confirmations.final_runs(g.panel)
    if not runs:
        flash("The panel has not been drawn yet: run the final selection first.", "error")
        return redirect(url_for("seats.members", panel_id=panel_id))
    count = 0
    try:
        for run in runs:
            count += confirmations.send_invitations(current_user, g.panel, run, form.deadline_days.data)
    except confirmations.ConfirmationError as exc:
        flash(str(exc), "error")
        return redirect(url_for("seats.members", panel_id=panel_id))
    flash(f"Invitations to confirm sent to {count} member(s)." if count
          else "Every selected member has already been invited.", "success" if count else "info")
    return redirect(url_for("seats.members", panel_id=panel_id))


@bp.route("/panels/<int:panel_id>/members/<int:volunteer_id>/record", methods=["POST"])
@access("selection.manage")
def record(panel_id: int, volunteer_id: int):
    volunteer = _volunteer(volunteer_id)
    form = RecordForm()
    if form.validate_on_submit():
        try:
            confirmations.record_for(current_user, volunteer, form.answer.data, form.channel.data, form.note.data)
            flash(f"Answer recorded for {volunteer.public_id}.", "success")
        except confirmations.ConfirmationError as exc:
            flash(str(exc), "error")
    else:
        flash(_errors(form), "error")
    return redirect(url_for("seats.members", panel_id=panel_id) + f"#member-{volunteer_id}")


@bp.route("/panels/<int:panel_id>/members/<int:volunteer_id>/dropout", methods=["POST"])
@access("selection.manage")
def dropout(panel_id: int, volunteer_id: int):
    volunteer = _volunteer(volunteer_id)
    form = DropoutForm()
    if form.validate_on_submit():
        try:
            confirmations.mark_dropout(current_user, volunteer, form.reason.data)
            flash(f"{volunteer.public_id} has left the panel. Their seat is open for a replacement.", "success")
            return redirect(url_for("seats.replacements", panel_id=panel_id))
        except confirmations.ConfirmationError as exc:
            flash(str(exc), "error")
    else:
        flash(_errors(form), "error")
    return redirect(url_for("seats.members", panel_id=panel_id) + f"#member-{volunteer_id}")


# --- replacements ----------------------------------------------------------------------------------


@bp.route("/panels/<int:panel_id>/replacements", methods=["GET", "POST"], endpoint="replacements")
@access("selection.manage")
def replacements_page(panel_id: int):
    panel = g.panel
    seats = replacements.open_seats(panel)
    propose_form = ProposeForm(prefix="propose")
    propose_form.dropouts.choices = [(s.volunteer.id, s.volunteer.public_id) for s in seats]
    apply_form, reserve_form = ApplyForm(prefix="apply"), ReserveForm(prefix="reserve")
    here = url_for("seats.replacements", panel_id=panel_id)
    if request.method == "POST":
        action = request.form.get("action")
        try:
            if action == "propose" and propose_form.validate_on_submit():
                job = replacements.propose(current_user, panel, propose_form.dropouts.data,
                                           seed=(propose_form.seed.data or "").strip() or None)
                return redirect(url_for("seats.replacements", panel_id=panel_id, proposal=job.id))
            if action == "apply" and apply_form.validate_on_submit():
                run = replacements.apply(current_user, panel, apply_form.job_id.data,
                                         accept_relaxation=apply_form.accept_relaxation.data)
                flash(f"Replacements made ({', '.join(run.selected)}); they have been invited to confirm.",
                      "success")
                return redirect(here)
            if action == "reserve" and reserve_form.validate_on_submit():
                dropout_volunteer = _volunteer(int(reserve_form.dropout_id.data))
                row = replacements.take_reserve(current_user, panel, dropout_volunteer)
                flash(f"Reserve {row.replacement.public_id} takes the seat of {dropout_volunteer.public_id}; "
                      "they have been invited to confirm.", "success")
                return redirect(here)
        except (replacements.ReplacementError, ValueError) as exc:
            db.session.rollback()
            flash(str(exc), "error")
            job_id = apply_form.job_id.data if action == "apply" else None
            return redirect(url_for("seats.replacements", panel_id=panel_id, proposal=job_id) if job_id else here)
        problems = _errors(propose_form) if action == "propose" else (
            _errors(apply_form) if action == "apply" else _errors(reserve_form))
        flash(problems or "Nothing to do: choose an action on the page.", "error")
        return redirect(here)
    job, plan = replacements.proposal(panel, request.args.get("proposal"))
    if plan is not None:
        apply_form.job_id.data = job.id
    reserve, reserve_problem = (replacements.next_reserve(panel) if seats else (None, ""))
    return render_template("seats/replacements.html", panel=panel, seats=seats, trail=replacements.trail(panel),
                           propose_form=propose_form, apply_form=apply_form, reserve_form=reserve_form,
                           job=job, plan=plan, applied=bool(job and (job.result or {}).get("applied_run_id")),
                           reserve=reserve, reserve_problem=reserve_problem,
                           drawn=confirmations.draw_run(panel) is not None)
