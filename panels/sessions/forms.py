"""Sessions forms: the session, an agenda item, speakers, materials, questions."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import URL, DataRequired, Length, NumberRange, Optional, ValidationError

import curriculum

from .services import ITEM_TYPE_LABELS, PHASE_LABELS, TEMPLATE_SIZES

PHASE_CHOICES = list(PHASE_LABELS.items())
ITEM_TYPE_CHOICES = list(ITEM_TYPE_LABELS.items())
EVIDENCE_CHOICES = [("", "Not set")] + [(e, e.replace("_", " ").capitalize()) for e in curriculum.EVIDENCE_TYPES]
LANGUAGES = [("en", "English"), ("cy", "Welsh"), ("es", "Spanish"), ("fr", "French"), ("pl", "Polish"),
             ("ur", "Urdu"), ("ar", "Arabic"), ("other", "Other")]


def _time(form, field) -> None:
    try:
        curriculum.to_minutes(field.data or "")
    except ValueError:
        raise ValidationError("Enter a time as HH:MM, for example 09:30.") from None


def _web(form, field) -> None:
    if field.data and not field.data.strip().lower().startswith(("https://", "http://")):
        raise ValidationError("Enter a web address that starts with https://.")


WEB = [Optional(), URL(message="Enter a full web address (https://...)."), _web, Length(max=500)]


class SessionForm(FlaskForm):
    number = IntegerField("Session number", validators=[
        DataRequired(message="Enter the session's number, for example 1."),
        NumberRange(min=1, max=200, message="Number sessions from 1.")])
    title = StringField("Title", validators=[DataRequired(message="Give the session a title."), Length(max=200)])
    phase = SelectField("Phase", choices=PHASE_CHOICES)
    date = DateField("Date", validators=[Optional()])
    start = StringField("Starts at", description="HH:MM, local time", default="09:30",
                        validators=[DataRequired(message="Enter the start time."), _time])
    end = StringField("Ends at", description="HH:MM, local time", default="16:30",
                      validators=[DataRequired(message="Enter the end time."), _time])
    venue_name = StringField("Venue", validators=[Optional(), Length(max=200)])
    venue_address = TextAreaField("Venue address", validators=[Optional(), Length(max=1000)])
    accessibility = TextAreaField(
        "Accessibility", description="Step-free access, hearing loop, quiet room, parking, toilets.",
        validators=[Optional(), Length(max=2000)])
    online_url = StringField("Online link", description="For online or hybrid sessions.",
                             validators=WEB)
    topics = SelectMultipleField("Topics", coerce=int, description="A standing panel takes one or two topics "
                                 "a session.", validators=[Optional()])

    def validate_topics(self, field) -> None:
        if field.data and len(field.data) > 2:
            raise ValidationError("Choose one or two topics.")


class AgendaItemForm(FlaskForm):
    parent = SelectField("Inside", description="Put the item inside another (for example a table "
                         "exercise inside a plenary), or at the top level.", choices=[("", "Top level")],
                         validate_choice=False)
    title = StringField("Title", validators=[DataRequired(message="Give the item a title."), Length(max=200)])
    type = SelectField("Type", choices=ITEM_TYPE_CHOICES)
    start = StringField("Starts at", description="HH:MM", validators=[
        DataRequired(message="Enter the start time."), _time])
    end = StringField("Ends at", description="HH:MM", validators=[DataRequired(message="Enter the end time."), _time])
    speakers = SelectMultipleField("Speakers", coerce=int, validators=[Optional()])


class TemplateForm(FlaskForm):
    sessions = RadioField("Number of sessions", coerce=int, default=8,
                          choices=[(n, f"{n} sessions") for n in TEMPLATE_SIZES])


class SpeakerForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(message="Enter the speaker's name."), Length(max=200)])
    affiliation = StringField("Affiliation", validators=[Optional(), Length(max=200)])
    biography = TextAreaField("Biography", validators=[Optional(), Length(max=5000)])
    perspective = StringField("Perspective", description="For example: for, against, neutral.",
                              validators=[Optional(), Length(max=80)])
    tags = StringField("Perspective tags", description="Stakeholder groups, separated by commas (for example: "
                       "tenants, landlords).", validators=[Optional(), Length(max=500)])
    evidence_type = SelectField("Kind of evidence", choices=EVIDENCE_CHOICES)
    interests = TextAreaField("Declaration of interests", description="One interest a line; write “None” if "
                              "there are none.", validators=[Optional(), Length(max=5000)])
    expenses = DecimalField("Expenses", places=2, validators=[Optional(), NumberRange(min=0)])
    expenses_note = TextAreaField("Expenses note", validators=[Optional(), Length(max=2000)])


class MaterialInfoForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired(message="Give the material a title."), Length(max=200)])
    summary = TextAreaField("Plain-language summary", description="What it says, in a few sentences anyone "
                            "can read.", validators=[Optional(), Length(max=5000)])
    language = SelectField("Language", choices=LANGUAGES)
    perspective = StringField("Perspective", validators=[Optional(), Length(max=80)])
    evidence_type = SelectField("Kind of evidence", choices=EVIDENCE_CHOICES)
    sessions = SelectMultipleField("Sessions", coerce=int, validators=[Optional()])


class MaterialForm(MaterialInfoForm):
    file = FileField("File", description="PDF, Word, OpenDocument, PowerPoint, text, PNG or JPEG; up to 20 MB.")
    url = StringField("Or a link", validators=WEB)
    note = StringField("What is in this version", validators=[Optional(), Length(max=500)])


class VersionForm(FlaskForm):
    file = FileField("File", description="PDF, Word, OpenDocument, PowerPoint, text, PNG or JPEG; up to 20 MB.")
    url = StringField("Or a link", validators=WEB)
    note = StringField("What changed", validators=[Optional(), Length(max=500)])


class QuestionForm(FlaskForm):
    kind = RadioField("What would you like to do?", default="question",
                      choices=[("question", "Ask a speaker a question"), ("witness", "Ask to hear a witness")])
    speaker = SelectField("Speaker", coerce=int, choices=[(0, "No particular speaker")], validate_choice=False)
    text = TextAreaField("Your question or request", validators=[
        DataRequired(message="Write your question or request."), Length(max=3000)])
    perspective = StringField("Perspective you would like to hear (witness requests)",
                              validators=[Optional(), Length(max=80)])
    show_name = BooleanField("Show my name with this question on public pages")


class AnswerForm(FlaskForm):
    answer = TextAreaField("Answer, or what was scheduled", validators=[
        DataRequired(message="Write the answer, or say when the witness will be heard."), Length(max=5000)])
    session = SelectField("Scheduled in session", coerce=int, choices=[(0, "Not scheduled")], validate_choice=False)
