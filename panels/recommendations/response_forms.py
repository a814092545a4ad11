"""Forms of the government-response pages: a response, the terms, progress reports, results,
milestones, the CSV import and members' ratings. The services check again; these give field errors."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    FloatField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional, ValidationError

from .implementation import STATUS_LABELS
from .models import RESPONSES


def _web(form, field) -> None:
    if field.data and not field.data.strip().lower().startswith(("https://", "http://")):
        raise ValidationError("Enter a full web address that starts with https://.")


WEB = [Optional(), _web, Length(max=500)]
EMAIL = [Optional(), Email(message="Enter an e-mail address like name@council.example."), Length(max=254)]


class ResponseForm(FlaskForm):
    response = RadioField("The government's response", choices=list(RESPONSES.items()),
                          validators=[InputRequired(message="Choose the response.")])
    reasons = TextAreaField("Reasons", description="Required unless the recommendation is accepted in full.",
                            validators=[Optional(), Length(max=10000)])
    department = StringField("Responsible department", validators=[Optional(), Length(max=200)])
    other_departments = StringField("Other departments sharing it", description="Separate them with semicolons.",
                                    validators=[Optional(), Length(max=1000)])
    responsible_email = StringField("Responsible officer's e-mail", description="Gets the progress reminders.",
                                    validators=EMAIL)
    cost = DecimalField("Cost", description="Estimated cost, a plain number such as 125000.", places=2,
                        validators=[Optional(), NumberRange(min=0, message="Enter a cost of 0 or more.")])
    timeframe = StringField("Timeframe", description="For example: by March 2028.",
                            validators=[Optional(), Length(max=200)])
    responded_on = DateField("Date of the response", description="Leave empty for today.", validators=[Optional()])

    def validate_reasons(self, field) -> None:
        if self.response.data and self.response.data != "accepted" and not (field.data or "").strip():
            raise ValidationError(f"Give the reasons: they are required when the response is "
                                  f"“{RESPONSES.get(self.response.data, self.response.data)}”.")


class TermsForm(FlaskForm):
    delivered_on = DateField("Report delivered to the council on", description="Starts the clock.",
                             validators=[Optional()])
    response_due_months = IntegerField("Response due after (months)", default=4, validators=[
        InputRequired(message="Enter a number of months."), NumberRange(min=1, max=36, message="From 1 to 36.")])
    first_progress_months = IntegerField("First progress report after (months)", default=3, validators=[
        InputRequired(message="Enter a number of months."), NumberRange(min=1, max=36, message="From 1 to 36.")])
    progress_every_months = IntegerField("Then a progress report every (months)", default=6, validators=[
        InputRequired(message="Enter a number of months."), NumberRange(min=1, max=24, message="From 1 to 24.")])
    reminder_days = IntegerField("Remind this many days before each deadline", default=14, validators=[
        InputRequired(message="Enter a number of days."), NumberRange(min=0, max=90, message="From 0 to 90.")])
    responsible_email = StringField("Lead officer's e-mail", description="Gets every reminder.", validators=EMAIL)


class ProgressReportForm(FlaskForm):
    number = IntegerField("Progress report number", validators=[
        InputRequired(message="Enter its number, 1 for the first."), NumberRange(min=1, max=50)])
    delivered_on = DateField("Delivered on", validators=[DataRequired(message="Enter the date, as YYYY-MM-DD.")])
    summary = TextAreaField("Summary", validators=[Optional(), Length(max=10000)])
    url = StringField("Link to the report", validators=WEB)


class ResultForm(FlaskForm):
    title = StringField("Result", validators=[DataRequired(message="Give the result a title."), Length(max=300)])
    parent_id = SelectField("Part of", coerce=int, choices=[(0, "None: a top-level result")],
                            description="A part rolls up into its parent by weight.", validate_choice=False)
    status = SelectField("Status", choices=list(STATUS_LABELS.items()))
    progress = IntegerField("Progress (%)", default=0, description="Parts roll up: a parent's own value is ignored.",
                            validators=[InputRequired(message="Enter a number from 0 to 100."),
                                        NumberRange(min=0, max=100, message="Enter a number from 0 to 100.")])
    weight = FloatField("Weight", default=1.0, description="1 for equal parts; 2 counts double.",
                        validators=[InputRequired(message="Enter a weight."),
                                    NumberRange(min=0.01, max=1000, message="Enter a weight above 0.")])
    is_pilot = BooleanField("This is a pilot or experiment")
    evaluation_url = StringField("Link to its published evaluation", validators=WEB)


class MilestoneForm(FlaskForm):
    title = StringField("Milestone", validators=[DataRequired(message="Give the milestone a title."),
                                                 Length(max=300)])
    due_on = DateField("Due on", validators=[Optional()])
    done_on = DateField("Done on", validators=[Optional()])
    evidence_url = StringField("Evidence: a link", validators=WEB)
    evidence_file = FileField("Evidence: or a document", description="PDF, PNG, JPEG, Word or OpenDocument, "
                              "at most 10 MB.")
    note = TextAreaField("Note", validators=[Optional(), Length(max=5000)])


class ImportForm(FlaskForm):
    file = FileField("CSV file", description="The columns of the export; all rows are saved, or none.")


SCORES = [(str(i), str(i)) for i in range(11)]


class RatingForm(FlaskForm):
    response_score = RadioField("How good is the government's response?", choices=SCORES,
                                description="0 is very poor, 10 is excellent.",
                                validators=[InputRequired(message="Choose a score from 0 to 10.")])
    implementation_score = RadioField("How good is the implementation so far?", choices=SCORES,
                                      description="0 is very poor, 10 is excellent.",
                                      validators=[InputRequired(message="Choose a score from 0 to 10.")])
