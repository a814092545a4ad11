"""Registration forms, built per panel from its schema (a form class factory), and the settings form.

The same builder makes three forms: the public one (code required, honeypot and timing token),
the staff's phone form (code optional, no anti-bot fields) and the private link's form (no
code, no eligibility or consent questions; the quota answers only while they may change).
Fields are created in page order, so the error summary lists problems in the order a person
meets them.
"""

from __future__ import annotations

import json
import re
import threading
from collections import OrderedDict
from datetime import date

from flask_babel import format_date
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from ..i18n import LANGUAGES
from . import schema
from .models import SUPPORT_NEEDS

PHONE_RE = re.compile(r"^\+?[0-9 ()./-]{6,30}$")


def support_labels() -> dict[str, str]:
    """SUPPORT_NEEDS in the page's language (the model keeps the English words)."""
    labels = {
        "childcare": _("Childcare"),
        "eldercare": _("Care for an older or disabled person"),
        "travel": _("Help with travel"),
        "dietary": _("Dietary needs"),
        "accessibility": _("Step-free access or other accessibility needs"),
        "language": _("Help with English"),
        "interpreting": _("A sign-language or spoken-language interpreter"),
    }
    return {key: labels.get(key, label) for key, label in SUPPORT_NEEDS.items()}


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ChoiceIn:
    """The submitted value(s) must be among the choices; one plain message otherwise."""

    def __init__(self, values, message: str):
        self.values = set(values)
        self.message = message

    def __call__(self, form, field):
        data = field.data if isinstance(field.data, list) else [field.data]
        if any(value not in self.values for value in data):
            raise ValidationError(self.message)


class AtLeastOne:
    def __init__(self, message: str):
        self.message = message

    def __call__(self, form, field):
        if not field.data:
            raise ValidationError(self.message)


def phone_number(form, field):
    if field.data and (not PHONE_RE.match(field.data) or sum(ch.isdigit() for ch in field.data) < 6):
        raise ValidationError(_("Enter a phone number with digits only, like 0161 496 0000 or "
                                "+44 161 496 0000."))


class BaseRegistrationForm(FlaskForm):
    """Holds what the template needs besides the fields themselves."""

    category_names: list[str] = []
    mode = "public"

    def category_fields(self):
        return [self[name] for name in self.category_names if name in self]


def _field_name(key: str) -> str:
    return f"cat_{key}"


_CLASSES: OrderedDict = OrderedDict()
_CLASSES_LOCK = threading.Lock()
_CLASSES_MAX = 64


def _fingerprint(settings, locale: str) -> str:
    return json.dumps([settings.categories, settings.session_dates, settings.min_age, settings.residence_rule,
                       settings.exclusions, (settings.translations or {}).get(locale)],
                      sort_keys=True, default=str)


def registration_form(settings, *, mode: str = "public", locale: str = "en",
                      include_answers: bool = True) -> type[BaseRegistrationForm]:
    """A form class for this panel's schema. mode: "public", "phone" or "manage".

    Classes are cached per schema and language (a form class holds no request data), so a
    busy registration page does not rebuild its form on every request.
    """
    assert mode in {"public", "phone", "manage"}
    key = (settings.id, mode, locale, include_answers, _fingerprint(settings, locale))
    with _CLASSES_LOCK:
        cached = _CLASSES.get(key)
        if cached is not None:
            _CLASSES.move_to_end(key)
            return cached
    form_class = _build_registration_form(settings, mode=mode, locale=locale, include_answers=include_answers)
    with _CLASSES_LOCK:
        _CLASSES[key] = form_class
        while len(_CLASSES) > _CLASSES_MAX:
            _CLASSES.popitem(last=False)
    return form_class


def _build_registration_form(settings, *, mode: str, locale: str,
                             include_answers: bool) -> type[BaseRegistrationForm]:
    words = (settings.translations or {}).get(locale, {}) if locale != "en" else {}
    attrs: dict = {"mode": mode}

    if mode != "manage":
        code_hint = (_("It is on your letter, under the QR code: 10 letters and numbers, like "
                       "K7QFX-93XMR. Capitals, spaces and dashes do not matter."))
        validators = [Length(max=40)]
        if mode == "phone":
            code_hint = _("If they have the letter, read the code with them. Leave it empty if they "
                          "have no letter.")
            validators.insert(0, Optional())
        attrs["code"] = StringField(_("Registration code"), description=code_hint, validators=validators)

    if mode != "manage":
        attrs["age_ok"] = BooleanField(
            _("I am %(age)s or older", age=settings.min_age),
            validators=[DataRequired(message=_("You can take part only if you are %(age)s or older.",
                                               age=settings.min_age))])
        residence = words.get("_residence_rule") or settings.residence_rule
        attrs["residence_ok"] = BooleanField(
            residence, validators=[DataRequired(message=_("You can take part only if this is true "
                                                          "for you."))])
        exclusions = words.get("_exclusions") or settings.exclusions or []
        if exclusions:
            attrs["exclusions_ok"] = BooleanField(
                _("None of these apply to me"),
                validators=[DataRequired(message=_("Tick the box to confirm that none of these apply "
                                                   "to you. If one does, you cannot take part this "
                                                   "time."))])
            attrs["exclusion_list"] = list(exclusions)

    category_names = []
    if include_answers:
        for category in settings.categories or []:
            key = category["key"]
            choices = [(o["value"], words.get(f"{key}.{o['value']}") or o["label"])
                       for o in category["options"]]
            message = _("Choose one answer.")
            attrs[_field_name(key)] = RadioField(
                words.get(key) or category["question"], choices=choices, validate_choice=False,
                validators=[InputRequired(message=message), ChoiceIn([c[0] for c in choices], message)])
            category_names.append(_field_name(key))
    attrs["category_names"] = category_names

    dates = settings.session_dates or []
    if dates:
        # English as the rest of the app writes dates ("Saturday 7 March 2026"); others in full.
        pattern = "EEEE d MMMM y" if locale == "en" else "full"
        date_choices = [(d, format_date(date.fromisoformat(d), pattern)) for d in dates]
        attrs["availability"] = MultiCheckboxField(
            _("Which dates can you come to?"),
            description=_("Tick every date you can come to. Members are asked to come to all of them."),
            choices=date_choices, validate_choice=False,
            validators=[AtLeastOne(_("Tick at least one date you can come to.")),
                        ChoiceIn([d for d, _label in date_choices], _("Choose dates from the list."))])

    support = support_labels()
    attrs["support_needs"] = MultiCheckboxField(
        _("What support would help you take part?"),
        description=_("Tick any that apply. We pay for these. This does not change your chance of "
                      "being chosen."),
        choices=list(support.items()), validate_choice=False,
        validators=[Optional(), ChoiceIn(list(support), _("Choose from the list."))])
    attrs["support_details"] = TextAreaField(
        _("Anything else we should know about your support needs?"),
        validators=[Optional(), Length(max=2000, message=_("Keep this under 2,000 characters."))])

    attrs["first_name"] = StringField(_("First name"), validators=[
        DataRequired(message=_("Enter your first name.")), Length(max=100)])
    attrs["last_name"] = StringField(_("Last name"), validators=[
        DataRequired(message=_("Enter your last name.")), Length(max=100)])
    attrs["email"] = StringField(
        _("Email address"),
        description=_("We send your confirmation and a private link to change your answers by email."),
        validators=[Optional(), Length(max=254),
                    Email(message=_("Enter an email address like name@example.org."))])
    attrs["phone"] = StringField(
        _("Phone number"), description=_("If you give only a phone number, we call you instead."),
        validators=[Optional(), Length(max=40), phone_number])

    if mode == "phone":
        attrs["address"] = TextAreaField(
            _("Address"), description=_("Only if they have no letter."),
            validators=[Optional(), Length(max=400)])
        attrs["area"] = StringField(
            _("Area"), description=_("Only if they have no letter: the area they live in."),
            validators=[Optional(), Length(max=120)])

    if mode != "manage":
        label = (_("They agree to how we use their information (read them the notice above)")
                 if mode == "phone" else _("I agree to how my information is used, as explained above"))
        attrs["consent_privacy"] = BooleanField(label, validators=[DataRequired(
            message=_("You can register only if you agree to how your information is used."))])
    attrs["consent_standing_pool"] = BooleanField(
        _("Keep my details for future panels too (optional)"),
        description=_("The city may invite you to a later panel without a new letter. We will ask you "
                      "to check your answers and agree again first."))

    if mode == "public":
        attrs["started"] = HiddenField()
        attrs["hp_comment"] = StringField(_("Leave this empty"))

    return type("RegistrationForm", (BaseRegistrationForm,), attrs)


def validate_contact(form) -> None:
    """At least one way to reach the person (added to the email field's errors)."""
    if not (form.email.data or "").strip() and not (form.phone.data or "").strip():
        form.email.errors.append(_("Give an email address or a phone number, or both."))


def withdraw_form() -> type[FlaskForm]:
    return type("WithdrawForm", (FlaskForm,), {"confirm": BooleanField(
        _("Yes, I want to withdraw"),
        validators=[DataRequired(message=_("Tick the box to confirm that you want to withdraw."))])})


# --- the organiser's settings form -------------------------------------------------------------

TRANSLATED = [code for code in LANGUAGES if code != "en"]


def settings_form() -> type[FlaskForm]:
    attrs: dict = {
        "is_open": BooleanField("Registration is open",
                                description="Residents can register only while this is ticked."),
        "closes_on": DateField("Registration closes on", validators=[Optional()],
                               description="Leave empty to close it by hand."),
        "short_code": StringField(
            "Short address", description="The page is /r/<short address>. Small letters, digits and -, "
                                         "3 to 40 characters, for example riverton-climate.",
            validators=[DataRequired(message="Choose a short address, for example riverton-climate.")]),
        "categories": TextAreaField(
            "Questions for the quotas",
            description="One block per category. First line “key: question”, then one line per answer: "
                        "“value = label = census share”. The census share (per cent) is optional.",
            render_kw={"rows": 14}),
        "session_dates": TextAreaField("Session dates", description="One date per line, as YYYY-MM-DD.",
                                       render_kw={"rows": 6}),
        "min_age": IntegerField("Minimum age", validators=[
            InputRequired(message="Enter the minimum age, for example 16."),
            NumberRange(min=10, max=120, message="Enter an age between 10 and 120.")]),
        "residence_rule": StringField("Residence rule", description="Read by residents as a statement "
                                                                    "they confirm, e.g. “I live in Riverton”.",
                                      validators=[DataRequired(message="Write the residence rule."),
                                                  Length(max=300)]),
        "exclusions": TextAreaField("Who cannot take part",
                                    description="One per line, e.g. “I am a city councillor”.",
                                    render_kw={"rows": 4}),
        "privacy_notice": TextAreaField("Privacy notice", validators=[
            DataRequired(message="Write the privacy notice residents agree to."), Length(max=10000)],
            render_kw={"rows": 6}),
        "retention_months": IntegerField("Keep personal data for (months)", validators=[
            InputRequired(message="Enter how many months personal data is kept, for example 12."),
            NumberRange(min=1, max=120, message="Enter between 1 and 120 months.")]),
        "allow_household_multiple": BooleanField(
            "More than one person per household may register",
            description="One letter's code then works for several people. Only one per household can "
                        "be selected (applied at the draw)."),
        "languages": MultiCheckboxField(
            "Languages of the registration page", choices=list(LANGUAGES.items()), validate_choice=False,
            validators=[AtLeastOne("Offer at least one language."),
                        ChoiceIn(list(LANGUAGES), "Choose from the list.")]),
        "phone": StringField("Phone number for residents", validators=[Optional(), Length(max=40),
                                                                       phone_number]),
        "contact_email": StringField("Contact email for residents", validators=[
            Optional(), Length(max=254), Email(message="Enter an email address like name@example.org.")]),
    }
    for code in TRANSLATED:
        name = LANGUAGES[code]
        attrs[f"tr_{code}_categories"] = TextAreaField(
            f"Questions and answers in {name}",
            description="The same blocks with the translated words: “key: question”, then "
                        "“value = label”. Leave empty to show the English words.",
            render_kw={"rows": 10})
        attrs[f"tr_{code}_residence"] = StringField(f"Residence rule in {name}",
                                                    validators=[Optional(), Length(max=300)])
        attrs[f"tr_{code}_exclusions"] = TextAreaField(f"Who cannot take part, in {name}",
                                                       description="One per line, in the same order.",
                                                       render_kw={"rows": 4})
        attrs[f"tr_{code}_privacy"] = TextAreaField(f"Privacy notice in {name}",
                                                    validators=[Optional(), Length(max=10000)],
                                                    render_kw={"rows": 6})
    return type("RegistrationSettingsForm", (FlaskForm,), attrs)


def settings_form_data(settings) -> dict:
    """The form's initial values from a settings row (saved or default)."""
    data = {
        "is_open": settings.is_open, "closes_on": settings.closes_on.date() if settings.closes_on else None,
        "short_code": settings.short_code, "categories": schema.format_categories(settings.categories),
        "session_dates": "\n".join(settings.session_dates or []), "min_age": settings.min_age,
        "residence_rule": settings.residence_rule, "exclusions": "\n".join(settings.exclusions or []),
        "privacy_notice": settings.privacy_notice, "retention_months": settings.retention_months,
        "allow_household_multiple": settings.allow_household_multiple,
        "languages": list(settings.languages or ["en"]), "phone": settings.phone,
        "contact_email": settings.contact_email,
    }
    for code in TRANSLATED:
        words = (settings.translations or {}).get(code, {})
        data[f"tr_{code}_categories"] = schema.format_category_translations(words, settings.categories)
        data[f"tr_{code}_residence"] = words.get("_residence_rule", "")
        data[f"tr_{code}_exclusions"] = "\n".join(words.get("_exclusions", []))
        data[f"tr_{code}_privacy"] = words.get("_privacy_notice", "")
    return data
