"""Forms for drafting: the recommendation, comments, co-authors, sources, amendments, working groups."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from .amendments import SECTION_LABELS
from .drafting import LIMITS

MARKDOWN_HINT = ("Plain text. You can use **bold**, *italics*, lists (start lines with - or 1.) and links; "
                 "anything else is shown as typed.")
NEEDED = "This cannot be empty. Write a few words."


def _int_or_none(value):
    return int(value) if value not in (None, "", "None") else None


class RecommendationForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired(NEEDED), Length(max=LIMITS["title"])],
                        description="One line that says what should happen.")
    text = TextAreaField("Recommendation", validators=[DataRequired(NEEDED), Length(max=LIMITS["text"])],
                         description=MARKDOWN_HINT)
    rationale = TextAreaField("Rationale", validators=[Optional(), Length(max=LIMITS["rationale"])],
                              description="Why the panel recommends this: what you heard and weighed.")
    working_group = SelectField("Working group", coerce=_int_or_none, validators=[Optional()])
    topic = SelectField("Topic", coerce=_int_or_none, validators=[Optional()])
    note = StringField("What changed", validators=[Optional(), Length(max=LIMITS["note"])],
                       description="A few words for the version history.")


class CommentForm(FlaskForm):
    text = TextAreaField("Your comment", validators=[DataRequired(NEEDED), Length(max=LIMITS["comment"])],
                         description=MARKDOWN_HINT)


class AuthorForm(FlaskForm):
    user = SelectField("Add a co-author", coerce=_int_or_none, validators=[DataRequired("Choose a member.")])


class SourceForm(FlaskForm):
    # Grouped choices are drawn by the template; the service checks the target belongs to the panel.
    target = SelectField("What informed it", validate_choice=False,
                         validators=[DataRequired("Choose a session, speaker, material or table note.")])
    note = StringField("Note", validators=[Optional(), Length(max=LIMITS["note"])],
                       description="For example the point that mattered.")


class StatusForm(FlaskForm):
    status = SelectField("Status", choices=[("draft", "Draft"), ("ready", "Ready for a vote"),
                                            ("withdrawn", "Withdrawn")])


class AmendmentForm(FlaskForm):
    section = RadioField("Part to change", choices=list(SECTION_LABELS.items()), default="text",
                         validators=[DataRequired("Choose the part to change.")])
    new_text = TextAreaField("New wording", validators=[DataRequired(NEEDED), Length(max=LIMITS["text"])],
                             description="The whole new wording of that part, not only the changed words.")
    reason = TextAreaField("Why", validators=[Optional(), Length(max=5000)])


class DecisionForm(FlaskForm):
    note = TextAreaField("Note", validators=[Optional(), Length(max=5000)])


class SpinOffForm(FlaskForm):
    title = StringField("Title of the new recommendation", validators=[Optional(), Length(max=LIMITS["title"])])


class CompareForm(FlaskForm):
    """Two versions to compare; a GET form, so it works with a plain link and without JavaScript."""

    class Meta:
        csrf = False

    a = SelectField("From version", coerce=int)
    b = SelectField("To version", coerce=int)


class WorkingGroupForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(NEEDED), Length(max=LIMITS["name"])])
    description = TextAreaField("Description", validators=[Optional(), Length(max=LIMITS["description"])])
    topic = SelectField("Topic", coerce=_int_or_none, validators=[Optional()])
