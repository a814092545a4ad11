"""Small registers and mailings built directly in the database, for tests."""

from __future__ import annotations

import random

from panels.extensions import db
from panels.invitations.models import Address, AddressRegister, Mailing
from panels.pool.models import RegistrationSettings

AREAS = ["North", "South", "East", "West"]


def make_register(org_id: int, households: int = 40, seed: int = 1) -> AddressRegister:
    rng = random.Random(seed)
    register = AddressRegister(organisation_id=org_id, name="Test register", status="ready",
                               households=households, attributes=["decile"], mapping={})
    db.session.add(register)
    db.session.flush()
    for i in range(households):
        area = AREAS[i % len(AREAS)]
        db.session.add(Address(register_id=register.id, line1=f"{i + 1} Test Street", town="Testville",
                               postcode=f"TV{i % 9} {i % 7}AB", area=area, residents=rng.randint(1, 5),
                               attributes={"decile": str(1 + i % 10)},
                               household_key=f"{i + 1} test street testville"))
    return register


def make_settings(panel_id: int) -> RegistrationSettings:
    settings = RegistrationSettings(
        panel_id=panel_id, short_code=f"test-{panel_id}", is_open=True, phone="0100 000 000",
        session_dates=["2027-03-06", "2027-03-20"], languages=["en", "es"],
        categories=[{"key": "age", "question": "How old are you?",
                     "options": [{"value": "16-29", "label": "16 to 29", "share": 0.25},
                                 {"value": "30-59", "label": "30 to 59", "share": 0.5},
                                 {"value": "60+", "label": "60 or over", "share": 0.25}]}],
        privacy_notice="We keep your answers for 12 months.", retention_months=12)
    db.session.add(settings)
    return settings


def make_register_and_mailing(org_id: int, panel_id: int, households: int = 40, letters: int = 10,
                              generate: bool = False) -> tuple[int, int]:
    """A ready register and a mailing; with `generate`, its letters are made synchronously."""
    from flask import current_app

    from panels import jobs

    register = make_register(org_id, households)
    if db.session.get(RegistrationSettings, panel_id) is None and not db.session.query(
            RegistrationSettings).filter_by(panel_id=panel_id).count():
        make_settings(panel_id)
    mailing = Mailing(panel_id=panel_id, register_id=register.id, name="First mailing", requested=letters,
                      strata=["area"], weights={}, letter_text="Dear resident,\n\n**Register** please.",
                      seed="test-seed", status="drafting")
    db.session.add(mailing)
    db.session.commit()
    if generate:
        previous = current_app.config.get("JOB_EXECUTOR")
        current_app.config["JOB_EXECUTOR"] = "sync"
        try:
            mailing.status = "generating"
            db.session.commit()
            job = jobs.submit("invitations.generate_mailing", "Letters", mailing_id=mailing.id)
            assert job.status == "succeeded", job.error
        finally:
            current_app.config["JOB_EXECUTOR"] = previous
    return register.id, mailing.id
