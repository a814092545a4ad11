"""Pages for address registers (organisation) and mailings (panel)."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, flash, g, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from sqlalchemy import func, select

from lottery.households import SamplingError

from ..access import access, of_panel
from ..extensions import db
from ..forms import ConfirmForm
from ..uploads import UploadError, save_table
from . import mailings, registers
from .forms import MailingForm, RegisterUploadForm, ReminderForm, mapping_form
from .models import Address, AddressRegister, Mailing

bp = Blueprint("invitations", __name__)


def _register(register_id: int) -> AddressRegister:
    register = db.session.get(AddressRegister, register_id)
    if register is None or register.organisation_id != g.organisation.id:
        abort(404)
    return register


def _mailing(mailing_id: int) -> Mailing:
    return of_panel(Mailing, mailing_id)


@bp.route("/o/<org_slug>/registers")
@access("register.manage")
def register_list(org_slug: str):
    items = db.session.scalars(select(AddressRegister).where(
        AddressRegister.organisation_id == g.organisation.id).order_by(AddressRegister.id.desc())).all()
    return render_template("invitations/registers.html", organisation=g.organisation, registers=items)


@bp.route("/o/<org_slug>/registers/new", methods=["GET", "POST"])
@access("register.manage")
def register_upload(org_slug: str):
    form = RegisterUploadForm()
    if form.validate_on_submit():
        try:
            path = save_table(form.file.data, "registers")
            registers.read_table(path, nrows=5)
        except UploadError as exc:
            form.file.errors.append(str(exc))
        except (ValueError, UnicodeDecodeError) as exc:
            form.file.errors.append(f"The file could not be read as a table ({exc}). Save it as CSV (UTF-8) "
                                    "or .xlsx with a header row.")
        else:
            register = registers.start_upload(current_user, g.organisation, form.name.data, path,
                                              form.file.data.filename)
            return redirect(url_for("invitations.register_map", org_slug=org_slug, register_id=register.id))
    return render_template("invitations/register_upload.html", form=form,
                           organisation=g.organisation), 200 if not form.errors else 422


@bp.route("/o/<org_slug>/registers/<int:register_id>/map", methods=["GET", "POST"])
@access("register.manage")
def register_map(org_slug: str, register_id: int):
    register = _register(register_id)
    if register.status not in ("mapping", "failed"):
        return redirect(url_for("invitations.register_detail", org_slug=org_slug, register_id=register.id))
    preview = registers.read_table(registers.source_path(register), nrows=registers.PREVIEW_ROWS)
    form = mapping_form(list(preview.columns))
    problems = None
    if form.validate_on_submit():
        mapping = {role: getattr(form, role).data for role in registers.ROLES}
        attributes = [a for a in form.attributes.data or [] if a not in mapping.values()]
        problems = registers.check(preview, mapping, attributes).problems
        if not problems or request.form.get("confirm"):
            job = registers.confirm_mapping(current_user, register, mapping, attributes)
            return redirect(url_for("jobs.status", job_id=job.id))
    return render_template("invitations/register_map.html", form=form, register=register, preview=preview,
                           problems=problems, organisation=g.organisation), 200 if not form.errors else 422


@bp.route("/o/<org_slug>/registers/<int:register_id>")
@access("register.manage")
def register_detail(org_slug: str, register_id: int):
    register = _register(register_id)
    areas = db.session.execute(select(Address.area, func.count()).where(Address.register_id == register.id)
                               .group_by(Address.area).order_by(Address.area)).all()
    return render_template("invitations/register_detail.html", register=register, areas=areas,
                           organisation=g.organisation)


@bp.route("/panels/<int:panel_id>/mailings")
@access("mailing.manage")
def mailing_list(panel_id: int):
    items = db.session.scalars(select(Mailing).where(Mailing.panel_id == panel_id).order_by(Mailing.id)).all()
    return render_template("invitations/mailings.html", panel=g.panel, mailings=items,
                           plan=mailings.plan(g.panel))


@bp.route("/panels/<int:panel_id>/mailings/new", methods=["GET", "POST"])
@access("mailing.manage")
def mailing_new(panel_id: int):
    panel = g.panel
    ready = db.session.scalars(select(AddressRegister).where(
        AddressRegister.organisation_id == panel.organisation_id, AddressRegister.status == "ready")).all()
    form = MailingForm()
    form.register_id.choices = [(r.id, f"{r.name} ({r.households:,} households)") for r in ready]
    form.strata.choices = sorted({(a, a) for r in ready for a in (r.attributes or [])})
    if request.method == "GET":
        form.requested.data = mailings.plan(panel).letters
        form.letter_text.data = mailings.default_text(panel)
        form.name.data = "First mailing"
    if form.validate_on_submit():
        register = next(r for r in ready if r.id == form.register_id.data)
        page_size, envelope = form.page_size.data.split("/")
        weights = dict(getattr(form.weights, "parsed", {}))
        if form.by_population.data:
            weights["_by_population"] = True
        mailing = mailings.create_mailing(
            current_user, panel, register, name=form.name.data, requested=form.requested.data,
            strata=form.strata.data or [], weights=weights, letter_text=form.letter_text.data,
            second_language=form.second_language.data, second_letter_text=form.second_letter_text.data,
            page_size=page_size, envelope=envelope, seed=form.seed.data or None)
        return redirect(url_for("invitations.mailing_detail", panel_id=panel.id, mailing_id=mailing.id))
    return render_template("invitations/mailing_new.html", form=form, panel=panel, registers=ready,
                           plan=mailings.plan(panel)), 200 if not form.errors else 422


@bp.route("/panels/<int:panel_id>/mailings/<int:mailing_id>")
@access("mailing.manage")
def mailing_detail(panel_id: int, mailing_id: int):
    mailing = _mailing(mailing_id)
    table, problem = mailing.stratum_table, None
    if mailing.status in ("drafting", "failed") and mailing.kind == "first":
        try:
            table = mailings._table_records(mailings.draw(mailing).strata)
        except SamplingError as exc:
            problem = str(exc)
    return render_template("invitations/mailing_detail.html", panel=g.panel, mailing=mailing, table=table,
                           problem=problem, form=ConfirmForm(), reminder_form=ReminderForm())


@bp.route("/panels/<int:panel_id>/mailings/<int:mailing_id>/preview.pdf")
@access("mailing.manage")
def mailing_preview(panel_id: int, mailing_id: int):
    from io import BytesIO

    from lottery.codes import generate_codes

    from .letters import LetterError, preview_letters
    from .templates import letter_template

    mailing = _mailing(mailing_id)
    url = mailings.registration_url(g.panel)
    if mailing.kind == "reminder" or mailing.status == "ready":
        pairs = [(a, c) for a, c in db.session.execute(
            select(mailings.Letter.address_id, mailings.Letter.code).where(
                mailings.Letter.mailing_id == (mailing.reminder_of_id or mailing.id)).limit(3)).all()]
    else:
        try:
            ids = mailings.draw(mailing).ids[:3]
        except SamplingError as exc:
            flash(str(exc), "error")
            return redirect(url_for("invitations.mailing_detail", panel_id=panel_id, mailing_id=mailing_id))
        pairs = list(zip((int(i) for i in ids), generate_codes(len(ids)), strict=True))
    try:
        pdf = preview_letters(letter_template(mailing, url), mailings.letter_households(mailing, pairs, url))
    except LetterError as exc:
        flash(f"The letter cannot be printed as it is: {exc}", "error")
        return redirect(url_for("invitations.mailing_detail", panel_id=panel_id, mailing_id=mailing_id))
    return send_file(BytesIO(pdf), mimetype="application/pdf", download_name=f"preview-{mailing.id}.pdf")


@bp.route("/panels/<int:panel_id>/mailings/<int:mailing_id>/generate", methods=["POST"])
@access("mailing.manage")
def mailing_generate(panel_id: int, mailing_id: int):
    mailing = _mailing(mailing_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        job = mailings.start_generation(current_user, mailing)
    except ValueError as exc:
        flash(str(exc), "error")
        return redirect(url_for("invitations.mailing_detail", panel_id=panel_id, mailing_id=mailing_id))
    return redirect(url_for("jobs.status", job_id=job.id))


@bp.route("/panels/<int:panel_id>/mailings/<int:mailing_id>/posted", methods=["POST"])
@access("mailing.manage")
def mailing_posted(panel_id: int, mailing_id: int):
    mailing = _mailing(mailing_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    mailings.mark_posted(current_user, mailing)
    flash("Recorded as posted.", "success")
    return redirect(url_for("invitations.mailing_detail", panel_id=panel_id, mailing_id=mailing_id))


@bp.route("/panels/<int:panel_id>/mailings/<int:mailing_id>/reminder", methods=["POST"])
@access("mailing.manage")
def mailing_reminder(panel_id: int, mailing_id: int):
    mailing = _mailing(mailing_id)
    form = ReminderForm()
    if mailing.status != "ready" or mailing.kind != "first":
        flash("A reminder can follow a first mailing whose letters are ready.", "error")
    elif not form.validate_on_submit():
        flash("Write the reminder text.", "error")
    else:
        try:
            reminder = mailings.create_reminder(current_user, mailing, form.letter_text.data)
        except ValueError as exc:
            flash(str(exc), "error")
        else:
            return redirect(url_for("invitations.mailing_detail", panel_id=panel_id, mailing_id=reminder.id))
    return redirect(url_for("invitations.mailing_detail", panel_id=panel_id, mailing_id=mailing_id))


@bp.route("/panels/<int:panel_id>/mailings/<int:mailing_id>/letters.<kind>")
@access("mailing.manage")
def mailing_download(panel_id: int, mailing_id: int, kind: str):
    mailing = _mailing(mailing_id)
    path = {"pdf": mailing.pdf_path, "csv": mailing.csv_path}.get(kind)
    if mailing.status != "ready" or not path or not Path(path).exists():
        abort(404)
    return send_file(path, mimetype="application/pdf" if kind == "pdf" else "text/csv", as_attachment=True,
                     download_name=f"mailing-{mailing.id}-letters.{kind}")


@bp.route("/panels/<int:panel_id>/responses")
@access("responses.view")
def responses(panel_id: int):
    from .responses import charts, responses

    stats = responses(g.panel)
    return render_template("invitations/responses.html", panel=g.panel, stats=stats, charts=charts(stats))


@bp.route("/panels/<int:panel_id>/responses.csv")
@access("responses.view")
def responses_csv(panel_id: int):
    import csv
    import io

    from flask import Response

    from .responses import responses

    stats = responses(g.panel)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["kind", "stratum", "value", "letters", "households_registered", "volunteers", "rate",
                     "pool_share", "census_share"])
    for row in stats.areas:
        writer.writerow(["area", "area", row.area, row.letters, row.households, row.volunteers, f"{row.rate:.4f}",
                         "", ""])
    for comp in stats.composition:
        for row in comp.rows:
            writer.writerow(["composition", comp.key, row["value"], "", "", row["count"], "",
                             f"{row['share']:.4f}", "" if row["census"] is None else row["census"]])
    return Response(out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename=responses-panel-{panel_id}.csv"})
