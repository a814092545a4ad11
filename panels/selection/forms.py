"""Selection forms."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

ALGORITHM_CHOICES = [
    ("leximin", "LEXIMIN — as fair as possible to the least-favoured volunteers (recommended)"),
    ("goldilocks", "GOLDILOCKS — fair at both ends: no very low and no very high chances"),
    ("maximin", "MAXIMIN — only the lowest chance is maximised"),
    ("legacy", "LEGACY — the old greedy method, for comparison only"),
]


class CensusForm(FlaskForm):
    min_small = IntegerField("Smallest minimum for a small group", default=1,
                             validators=[InputRequired(message="Enter 0, 1 or 2."),
                                         NumberRange(min=0, max=5, message="Enter a number from 0 to 5.")],
                             description="A group too small for one seat by its share still gets this many, "
                                         "so one drop-out cannot erase it.")


class TargetEditForm(FlaskForm):
    min = IntegerField("Minimum", validators=[InputRequired(message="Enter the minimum.")])
    max = IntegerField("Maximum", validators=[InputRequired(message="Enter the maximum.")])
    reason = StringField("Why change it?", validators=[DataRequired(message="Say why: it is published."),
                                                      Length(max=500)])


class TargetImportForm(FlaskForm):
    file = FileField("Targets file (CSV)", validators=[FileRequired(message="Choose the CSV file.")],
                     description="Columns feature,value,min,max (and optionally min_flex,max_flex).")


class RunForm(FlaskForm):
    algorithm = SelectField("Algorithm", choices=ALGORITHM_CHOICES, default="leximin")
    seed = StringField("Seed (optional)", validators=[Optional(), Length(max=200)],
                       description="For a public draw, enter the number drawn in public (for example the dice "
                                   "rolls). Leave empty and a random seed is generated and recorded.")


class NumberForm(FlaskForm):
    number = IntegerField("The number drawn in public", validators=[
        InputRequired(message="Enter the number drawn, for example 427 from three ten-sided dice."),
        NumberRange(min=0, max=999_999, message="Enter a whole number of 0 or more.")])
