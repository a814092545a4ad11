"""The organisation's sharing settings: whether its evidence joins the cross-organisation open data,
and the structural features peer groups are built from (population, budget, level, income group)."""

from __future__ import annotations

from flask import flash, g, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, DecimalField, IntegerField, SelectField, StringField
from wtforms.validators import Length, NumberRange, Optional, Regexp, StopValidation

from .. import audit
from ..access import access, require
from ..extensions import db
from .peers import INCOME_ORDER, LEVEL_ORDER, rates
from .views import bp


def _finite(form, field) -> None:
    """Before NumberRange: "NaN", "sNaN" and "Infinity" parse as decimals, and comparing sNaN raises."""
    if field.data is not None and not field.data.is_finite():
        raise StopValidation("Give an ordinary number, e.g. 250000000.")


FEATURES = ("country", "population", "annual_budget", "budget_currency", "government_level", "income_group")


class SharingForm(FlaskForm):
    open_data = BooleanField("Publish our evidence records in the open data of all participating organisations",
                             description="Anyone can then download them, and organisations of similar size can "
                                         "compare themselves with you. Records hold no personal data; notes "
                                         "entered by hand are published with them.")
    country = StringField("Country (two-letter ISO code)", validators=[
        Optional(), Length(min=2, max=2), Regexp(r"^[A-Za-z]{2}$", message="Two letters, e.g. GB, DE, US.")])
    population = IntegerField("Population", validators=[Optional(), NumberRange(min=1, max=2_000_000_000)],
                              description="Residents, as a whole number.")
    annual_budget = DecimalField("Annual budget", places=2, validators=[
        Optional(), _finite, NumberRange(min=0, max=10**15)], description="The yearly budget, in the currency below.")
    budget_currency = SelectField("Budget currency", validators=[Optional()])
    government_level = SelectField("Level of government", validators=[Optional()])
    income_group = SelectField("Country income group (World Bank)", validators=[Optional()])


@bp.route("/o/<org_slug>/evidence/sharing", methods=["GET", "POST"])
@access("evidence.manage")
def sharing(org_slug: str):
    organisation = g.organisation
    form = SharingForm(obj=organisation)
    form.budget_currency.choices = [("", "Not given"), *((c, c) for c in sorted(rates()))]
    form.government_level.choices = [("", "Not given"), *((k, k.capitalize()) for k in LEVEL_ORDER)]
    form.income_group.choices = [("", "Not given"), *((k, k.replace("_", " ").capitalize()) for k in INCOME_ORDER)]
    if form.validate_on_submit():
        require(current_user, "evidence.manage", organisation=organisation)
        organisation.open_data = bool(form.open_data.data)
        organisation.country = (form.country.data or "").upper() or None
        organisation.population = form.population.data
        organisation.annual_budget = form.annual_budget.data
        for name in ("budget_currency", "government_level", "income_group"):
            setattr(organisation, name, getattr(form, name).data or None)
        audit.record("evidence.sharing_changed", organisation, actor=current_user, organisation=organisation,
                     open_data=organisation.open_data,
                     **{k: (str(v) if (v := getattr(organisation, k)) is not None else None) for k in FEATURES})
        db.session.commit()
        flash("The sharing settings were saved.", "success")
        return redirect(url_for("evidence.sharing", org_slug=org_slug))
    return render_template("evidence/sharing.html", organisation=organisation, form=form), \
        422 if form.errors else 200
