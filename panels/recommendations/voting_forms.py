"""Forms for rulebooks, voting rounds, ballots (app and paper) and minority reports."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FloatField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

RULE_CHOICES = [("level_share", "A share of the votes cast at a level or better (e.g. 80 % at 'can live with it')"),
                ("supermajority_present", "A supermajority of the members present (absent votes count against)")]


class RulebookForm(FlaskForm):
    scale = TextAreaField("Support scale", validators=[DataRequired(message="Give the support levels."),
                                                       Length(max=2000)],
                          description="One level per line, the strongest support first.")
    rule = RadioField("What counts as adopted", choices=RULE_CHOICES,
                      validators=[InputRequired(message="Choose how a recommendation is adopted.")])
    level = IntegerField("Counting support at level", validators=[
        InputRequired(message="Give the level number (1 is the first line of the scale)."),
        NumberRange(min=1, max=20, message="Give a level number from the scale (1 is the first line).")],
        description="Votes at this level or above count as support; 3 = the third line of the scale.")
    threshold = FloatField("Threshold (%)", validators=[
        InputRequired(message="Give the share needed, in percent."),
        NumberRange(min=1, max=100, message="Give a share from 1 to 100 %%.")],
        description="Exactly at the threshold counts as adopted.")
    quorum = FloatField("Quorum (%)", validators=[
        InputRequired(message="Give the quorum, in percent of the panel's members (0 for none)."),
        NumberRange(min=0, max=100, message="Give a quorum from 0 to 100 %%.")],
        description="The share of the panel's members who must take part for a result to count.")
    secret_ballot = BooleanField("Secret ballots (tallies are published without names)")
    allow_send_back = BooleanField("Recommendations that are not adopted can be sent back for redrafting")
    notes = TextAreaField("Notes", validators=[Optional(), Length(max=4000)])

    def validate_scale(self, field):
        labels = [line.strip() for line in (field.data or "").splitlines() if line.strip()]
        if not 2 <= len(labels) <= 10:
            raise ValidationError("Give 2 to 10 levels, one per line.")
        if any(len(label) > 80 for label in labels):
            raise ValidationError("Keep each level under 80 characters.")

    def validate_level(self, field):
        labels = [line for line in (self.scale.data or "").splitlines() if line.strip()]
        if field.data is not None and labels and field.data > len(labels):
            raise ValidationError(f"The scale has {len(labels)} levels: give a number from 1 to {len(labels)}.")

    def values(self) -> dict:
        return {"scale": [line.strip() for line in self.scale.data.splitlines() if line.strip()],
                "rule": self.rule.data, "level": self.level.data - 1,
                "threshold": round(self.threshold.data / 100, 4), "quorum": round(self.quorum.data / 100, 4),
                "secret_ballot": bool(self.secret_ballot.data), "allow_send_back": bool(self.allow_send_back.data),
                "notes": self.notes.data or None}


class AdoptForm(FlaskForm):
    votes_for = IntegerField("Votes for", validators=[InputRequired(message="Give the number of votes for."),
                                                      NumberRange(min=0, message="Give 0 or more.")])
    votes_against = IntegerField("Votes against", validators=[
        InputRequired(message="Give the number of votes against."), NumberRange(min=0, message="Give 0 or more.")])
    votes_abstain = IntegerField("Abstentions", validators=[
        InputRequired(message="Give the number of abstentions."), NumberRange(min=0, message="Give 0 or more.")])
    note = TextAreaField("Note", validators=[Optional(), Length(max=2000)],
                         description="For example: show of hands at session 5.")


class RoundForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired(message="Give the round a title."), Length(max=200)])
    recommendations = SelectMultipleField("Recommendations", coerce=int, validators=[
        DataRequired(message="Choose at least one recommendation that is ready for a vote.")])


class CloseForm(FlaskForm):
    present = IntegerField("Members present", validators=[Optional(), NumberRange(min=0, max=10000,
                                                                                  message="Give 0 or more.")],
                           description="Needed when the rulebook counts the members present.")
    send_back = SelectMultipleField("Send back for redrafting if not adopted", coerce=int, validators=[Optional()])


class MinorityForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired(message="Give the minority report a title."),
                                             Length(max=300)])
    recommendation_id = SelectField("On", coerce=int, validators=[InputRequired()])
    text = TextAreaField("Text", validators=[DataRequired(message="Write what the minority thinks and why."),
                                             Length(max=20000)],
                         description="Markdown: **bold**, *italic*, lists and links.")


def ballot_form(recommendations, scale: list[str], *, members: list | None = None, data=None):
    """A form with one radio group per recommendation (and a member picker for paper ballots)."""

    class BallotForm(FlaskForm):
        pass

    if members is not None:
        BallotForm.member = SelectField(
            "Member", coerce=int, choices=[(0, "Choose a member")] + [(u.id, u.name) for u in members],
            validators=[NumberRange(min=1, message="Choose the member whose ballot this is.")])
    for rec in recommendations:
        setattr(BallotForm, f"rec_{rec.id}", RadioField(
            f"{rec.code}: {rec.title}", coerce=int, choices=list(enumerate(scale)),
            validators=[InputRequired(message=f"Choose your level of support for {rec.code}.")]))
    form = BallotForm(formdata=data) if data is not None else BallotForm()
    form.rec_fields = [(rec, form[f"rec_{rec.id}"]) for rec in recommendations]
    return form
