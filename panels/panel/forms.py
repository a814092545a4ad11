"""Panel forms."""

from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from .models import KINDS


class PanelForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired(message="Give the panel a title."),
                                             Length(max=200)])
    kind = RadioField("Kind of panel", choices=list(KINDS.items()), default="assembly",
                      validators=[DataRequired(message="Choose the kind of panel.")])
    question = TextAreaField(
        "The question or mandate",
        description="The question the panel answers, in the words residents will read.",
        validators=[DataRequired(message="Write the question the panel will answer."),
                    Length(max=2000)])
    remit = TextAreaField("Remit and scope", description="What is in scope and what is not.",
                          validators=[Optional(), Length(max=5000)])
    commitment = TextAreaField(
        "The commissioning body's commitment",
        description="What will happen to the recommendations, and by when the government will respond.",
        validators=[Optional(), Length(max=5000)])
    seats = IntegerField("Number of seats", validators=[
        DataRequired(message="Enter the number of seats, for example 36."),
        NumberRange(min=5, max=1000, message="A panel has between 5 and 1,000 seats.")])
    term_start = DateField("First session or start of term", validators=[Optional()])
    term_end = DateField("Last session or end of term", validators=[Optional()])

    def validate_term_end(self, field):
        if field.data and self.term_start.data and field.data < self.term_start.data:
            raise ValidationError("The end must be on or after the start.")


class TopicForm(FlaskForm):
    title = StringField("Topic", validators=[DataRequired(message="Name the topic."), Length(max=200)])
    question = TextAreaField("Its question", validators=[DataRequired(message="Write the topic's question."),
                                                         Length(max=2000)])
    starts_on = DateField("From", validators=[Optional()])
    ends_on = DateField("To", validators=[Optional()])


class CohortForm(FlaskForm):
    label = StringField("Cohort name", validators=[DataRequired(message="Name the cohort."), Length(max=120)])
    starts_on = DateField("From", validators=[Optional()])
    ends_on = DateField("To", validators=[Optional()])


class StatusForm(FlaskForm):
    reason = StringField("Reason (optional)", validators=[Optional(), Length(max=500)])
