"""Forms for registers and mailings."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from .registers import ROLES


class RegisterUploadForm(FlaskForm):
    name = StringField("Name of the register", description="For example: “Council tax addresses, March 2027”.",
                       validators=[DataRequired(message="Name the register."), Length(max=200)])
    file = FileField("File (CSV or Excel .xlsx)", description="One row per address, with a header row.",
                     validators=[FileRequired(message="Choose the file to upload.")])


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def mapping_form(columns: list[str], data=None):
    """One select per address part, offering the file's columns."""
    choices = [("", "— not in the file —")] + [(c, c) for c in columns]

    class MappingForm(FlaskForm):
        attributes = MultiCheckboxField(
            "Other stratum attributes to keep (for example a deprivation decile)",
            choices=[(c, c) for c in columns], validators=[Optional()])

    lower = {c.lower(): c for c in columns}
    guesses = {"line1": ("address", "address1", "line1", "address_line_1", "street"),
               "line2": ("address2", "line2", "address_line_2"), "town": ("town", "city", "locality"),
               "postcode": ("postcode", "zip", "postal_code", "zipcode"),
               "area": ("area", "district", "ward", "neighbourhood"), "residents": ("residents", "population")}
    for role, (label, required) in ROLES.items():
        default = next((lower[g] for g in guesses[role] if g in lower), "")
        validators = [DataRequired(message="Choose the column.")] if required else [Optional()]
        setattr(MappingForm, role, SelectField(label, choices=choices, default=default, validators=validators))
    return MappingForm(data=data)


def parse_weights(text: str) -> dict:
    """Lines like `deprivation_decile 1 = 1.5` → {"deprivation_decile": {"1": 1.5}}."""
    weights: dict[str, dict[str, float]] = {}
    for number, line in enumerate((text or "").splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        left, sep, right = line.partition("=")
        parts = left.split()
        try:
            value = float(right)
        except ValueError:
            value = -1.0
        if not sep or len(parts) < 2 or value <= 0:
            raise ValidationError(f"Line {number}: write “attribute value = weight”, for example "
                                  f"“deprivation_decile 1 = 1.5”.")
        weights.setdefault(parts[0], {})[" ".join(parts[1:])] = value
    return weights


class MailingForm(FlaskForm):
    name = StringField("Name of this mailing", validators=[DataRequired(message="Name the mailing."),
                                                          Length(max=200)])
    register_id = SelectField("Address register", coerce=int,
                              validators=[DataRequired(message="Choose an address register.")])
    requested = IntegerField("Number of letters", validators=[
        DataRequired(message="Enter the number of letters."),
        NumberRange(min=1, max=2_000_000, message="Enter a number of letters from 1 to 2,000,000.")])
    strata = MultiCheckboxField("Stratify also by", choices=[], validators=[Optional()],
                                description="Letters are always spread across areas in proportion to their households.")
    by_population = BooleanField("Allocate by number of residents instead of households")
    weights = TextAreaField(
        "Oversampling (optional)", validators=[Optional()],
        description="One line per stratum value: “attribute value = weight”. For example "
                    "“deprivation_decile 1 = 1.5” sends 1.5 times as many letters there, because "
                    "those households answer less.")
    letter_text = TextAreaField("Letter text", description="Blank lines start paragraphs; **bold** for emphasis.",
                                validators=[DataRequired(message="Write the letter."), Length(max=6000)])
    second_language = SelectField("Second language on the back", choices=[("", "None"), ("es", "Español")],
                                  validators=[Optional()])
    second_letter_text = TextAreaField("Letter text in the second language", validators=[Optional(),
                                                                                         Length(max=6000)])
    page_size = SelectField("Paper and envelope", choices=[("A4/DL", "A4 paper, DL window envelope"),
                                                          ("LETTER/10", "US Letter paper, #10 window envelope")])
    seed = StringField("Random seed (optional)", validators=[Optional(), Length(max=100)],
                       description="Leave empty to generate one. It is recorded, so the draw can be repeated.")

    def validate_weights(self, field):
        field.parsed = parse_weights(field.data)

    def validate_second_letter_text(self, field):
        if self.second_language.data and not (field.data or "").strip():
            raise ValidationError("Write the letter in the second language, or choose “None”.")


class ReminderForm(FlaskForm):
    letter_text = TextAreaField("Reminder text", validators=[DataRequired(message="Write the reminder."),
                                                              Length(max=6000)])
