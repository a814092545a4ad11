"""Helpers for the pool tests: a panel with registration settings and a mailing of letters,
built directly with the models, and a valid registration form."""

from __future__ import annotations

import time
from types import SimpleNamespace

SHORT_CODE = "testville-climate"
PHONE = "0161 496 0000"

CATEGORIES = [
    {"key": "age", "question": "How old are you?", "options": [
        {"value": "16-29", "label": "16 to 29", "share": 0.25},
        {"value": "30-64", "label": "30 to 64", "share": 0.55},
        {"value": "65+", "label": "65 or older", "share": 0.2}]},
    {"key": "tenure", "question": "Do you own or rent your home?", "options": [
        {"value": "owner", "label": "I own it"},
        {"value": "renter", "label": "I rent it"},
        {"value": "other", "label": "Something else"}]},
]
SPANISH = {
    "age": "¿Qué edad tiene?", "age.16-29": "De 16 a 29", "age.30-64": "De 30 a 64",
    "age.65+": "65 o más", "tenure": "¿Su vivienda es propia o alquilada?",
    "tenure.owner": "Es mía", "tenure.renter": "La alquilo", "tenure.other": "Otra situación",
    "_residence_rule": "Vivo en Testville",
    "_exclusions": ["Soy concejal o concejala", "Trabajo para el ayuntamiento en este tema"],
    "_privacy_notice": "Usamos sus respuestas solo para esta asamblea.",
}
DATES = ["2026-03-07", "2026-03-21", "2026-04-11"]


def build_registration(panel_id: int, org_id: int, *, letters: int = 30, **overrides) -> SimpleNamespace:
    """Settings for the panel, one register of `letters` addresses and a mailing with one letter each."""
    from lottery import codes
    from panels.extensions import db
    from panels.invitations.models import Address, AddressRegister, Letter, Mailing
    from panels.pool.models import RegistrationSettings

    values = dict(
        panel_id=panel_id, short_code=SHORT_CODE, is_open=True, categories=CATEGORIES,
        session_dates=DATES, min_age=16, residence_rule="I live in Testville",
        exclusions=["I am a city councillor", "I work for the city on this subject"],
        privacy_notice="We use your answers only for this assembly.", retention_months=12,
        allow_household_multiple=False, languages=["en", "es"], translations={"es": SPANISH},
        phone=PHONE, contact_email="panel@testville.example",
    )
    values.update(overrides)
    settings = RegistrationSettings(**values)
    register = AddressRegister(organisation_id=org_id, name="Testville addresses", status="ready",
                               households=letters)
    db.session.add_all([settings, register])
    db.session.flush()
    mailing = Mailing(panel_id=panel_id, register_id=register.id, name="First letters",
                      letter_text="Dear resident", requested=letters, letters_count=letters,
                      seed="seed", status="ready")
    db.session.add(mailing)
    db.session.flush()
    letter_codes = codes.generate_codes(letters)
    areas = ["North", "South", "East"]
    addresses = []
    for i in range(letters):
        addresses.append(Address(register_id=register.id, line1=f"{i + 1} High Street", town="Testville",
                                 postcode=f"TV1 {i:03d}", area=areas[i % 3],
                                 household_key=f"{i + 1} high street tv1 {i:03d}"))
    db.session.add_all(addresses)
    db.session.flush()
    db.session.add_all([Letter(mailing_id=mailing.id, address_id=a.id, panel_id=panel_id, code=c,
                               area=a.area) for a, c in zip(addresses, letter_codes, strict=True)])
    db.session.commit()
    result = SimpleNamespace(short_code=settings.short_code, settings_id=settings.id, codes=letter_codes,
                             panel_id=panel_id, url=f"/r/{settings.short_code}", mailing_id=mailing.id)
    db.session.remove()
    return result


def old_token(app, seconds: float = 10) -> str:
    """A timing token as if the form had been shown `seconds` ago."""
    from panels.pool import services

    with app.test_request_context():
        return services.timing_token(time.time() - seconds)


def valid_form(app, code: str | None, **overrides) -> dict:
    data = {
        "code": code or "", "age_ok": "y", "residence_ok": "y", "exclusions_ok": "y",
        "cat_age": "30-64", "cat_tenure": "renter", "availability": DATES[:2],
        "support_needs": ["childcare"], "support_details": "",
        "first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.org", "phone": "",
        "consent_privacy": "y", "started": old_token(app), "hp_comment": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def count(app, model, **filters) -> int:
    from sqlalchemy import func, select

    from panels.extensions import db

    with app.app_context():
        query = select(func.count()).select_from(model)
        for name, value in filters.items():
            query = query.where(getattr(model, name) == value)
        n = db.session.scalar(query)
        db.session.remove()
        return n
