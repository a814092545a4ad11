"""Evidence record pages: the list with filters, a record (linking back to its source), hand entry,
deletion, the source document, and the button that runs the feed as a background job."""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, FloatField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from .. import jobs
from ..access import access, can
from ..forms import ConfirmForm
from . import feed, frameworks, records  # noqa: F401  (feed: registers the feed's job function)
from .mapping import describe, indicator_names
from .models import CONFIDENCE, SOURCES
from .views import bp


class RecordForm(FlaskForm):
    capability = SelectField("Capability", validators=[InputRequired(message="Choose a capability.")],
                             description="The capability this is evidence of.")
    indicator = StringField("Indicator", validators=[InputRequired(message="Say what was measured."), Length(max=80)],
                            description="What was measured, e.g. “Residents reached by the consultation”.")
    value = FloatField("Value", validators=[InputRequired(message="Give the value as a number, e.g. 42 or 3.5.")],
                       description="A number, with a point for decimals (3.5).")
    unit = StringField("Unit", validators=[Optional(), Length(max=40)], description="e.g. %, count, days, EUR.")
    observed_on = DateField("Date observed", validators=[InputRequired(message="Give the date as YYYY-MM-DD.")],
                            description="When the value was true, as YYYY-MM-DD.")
    panel = SelectField("Panel", validators=[Optional()], description="If it came from one of your panels.")
    source_url = StringField("Link to the source document", validators=[Optional(), Length(max=500)],
                             description="A web address (https://...). Give a link or upload the document.")
    document = FileField("Or upload the source document",
                         description="PDF, Word, OpenDocument, PowerPoint, text, PNG or JPEG; at most 20 MB.")
    confidence = RadioField("Confidence", choices=list(CONFIDENCE.items()), default="documented",
                            validators=[InputRequired(message="Choose how sure this evidence is.")])
    note = TextAreaField("Note", validators=[Optional(), Length(max=2000)],
                         description="Context for readers. It is published with the record if your organisation "
                                     "shares open data: write no personal data.")


def _record(record_id: int):
    return records.of_organisation(g.organisation, record_id) or abort(404)


@bp.route("/o/<org_slug>/evidence/records")
@access("evidence.view")
def records_list(org_slug: str):
    organisation = g.organisation
    filters = records.Filters.from_args(request.args)
    return render_template(
        "evidence/records_list.html", organisation=organisation, records=records.listing(organisation, filters),
        filters=filters, labels=records.labels(), panels=records.panel_choices(organisation),
        capability_choices=frameworks.capability_choices(), sources=SOURCES, confidence=CONFIDENCE,
        indicator_names=indicator_names(),
        can_manage=can(current_user, "evidence.manage", organisation=organisation), form=ConfirmForm())


@bp.route("/o/<org_slug>/evidence/records/<int:record_id>")
@access("evidence.view")
def record_detail(org_slug: str, record_id: int):
    record = _record(record_id)
    return render_template(
        "evidence/records_detail.html", organisation=g.organisation, record=record, labels=records.labels(),
        capability=frameworks.capability(record.capability), indicator=describe(record.indicator),
        can_delete=record.source in records.DELETABLE and can(current_user, "evidence.manage",
                                                                 organisation=g.organisation),
        form=ConfirmForm())


@bp.route("/o/<org_slug>/evidence/records/<int:record_id>/document")
@access("evidence.view")
def record_document(org_slug: str, record_id: int):
    record = _record(record_id)
    if not record.document_stored_name:
        abort(404)
    path = records.document_path(record.document_stored_name)
    if not path.exists():
        abort(404)
    return send_file(path, as_attachment=True, download_name=record.document_filename or path.name)


@bp.route("/o/<org_slug>/evidence/records/new", methods=["GET", "POST"])
@access("evidence.manage")
def record_new(org_slug: str):
    organisation = g.organisation
    form = RecordForm()
    form.capability.choices = [("", "Choose a capability"), *frameworks.capability_choices()]
    form.panel.choices = [("", "None (the organisation as a whole)"), *records.panel_choices(organisation)]
    if request.method == "GET" and request.args.get("capability"):
        form.capability.data = request.args["capability"]
    if form.validate_on_submit():
        try:
            record = records.create(
                current_user, organisation, capability=form.capability.data, indicator=form.indicator.data,
                value=form.value.data, unit=form.unit.data, observed_on=form.observed_on.data,
                confidence=form.confidence.data, source_url=form.source_url.data, note=form.note.data,
                panel_id=int(form.panel.data) if form.panel.data else None, document=form.document.data)
        except records.RecordError as exc:
            for name, message in exc.errors.items():
                getattr(form, name, form.source_url).errors.append(message)
        else:
            flash("The evidence record has been added.", "success")
            return redirect(url_for("evidence.record_detail", org_slug=org_slug, record_id=record.id))
    return render_template("evidence/records_form.html", organisation=organisation, form=form), \
        422 if form.errors else 200


@bp.route("/o/<org_slug>/evidence/records/<int:record_id>/delete", methods=["POST"])
@access("evidence.manage")
def record_delete(org_slug: str, record_id: int):
    record = records.of_organisation(g.organisation, record_id)
    if record is None:  # already gone (a second click): nothing to do
        flash("This evidence record no longer exists.", "info")
        return redirect(url_for("evidence.records_list", org_slug=org_slug))
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        records.delete(current_user, record)
    except records.RecordError as exc:
        flash(" ".join(exc.errors.values()), "error")
        return redirect(url_for("evidence.record_detail", org_slug=org_slug, record_id=record_id))
    flash("The evidence record has been deleted.", "success")
    return redirect(url_for("evidence.records_list", org_slug=org_slug))


@bp.route("/o/<org_slug>/evidence/feed", methods=["POST"])
@access("evidence.manage")
def feed_run(org_slug: str):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    job = jobs.submit("evidence.feed", f"Update the evidence of {g.organisation.name} from its panels",
                      organisation=g.organisation, actor=current_user, organisation_id=g.organisation.id)
    return redirect(url_for("jobs.status", job_id=job.id))


from . import opendata_views  # noqa: E402,F401  (export and import pages on this blueprint)
