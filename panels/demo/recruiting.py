"""Recruitment in the demo: an address register, a mailing sent, a few hundred registrations."""

from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import func, insert, select

from ..db import utcnow
from ..extensions import db
from ..invitations.models import Address, AddressRegister, Letter, Mailing
from ..panel.models import Panel
from ..pool.models import RegistrationSettings, Volunteer

DISTRICTS = [  # name, households, share of households in deprivation deciles 1-3
    ("Old Town", 5200, 0.45), ("Riverside", 4800, 0.55), ("Northgate", 4300, 0.40),
    ("Eastfield", 4600, 0.60), ("Southbank", 3900, 0.25), ("Westmoor", 4100, 0.15),
    ("Hillcrest", 3600, 0.10), ("Millbrook", 4000, 0.35), ("Canal Quarter", 3300, 0.50),
    ("Parkside", 4200, 0.20), ("Harbour", 3800, 0.65), ("Greenway", 4000, 0.12),
]
STREETS = ["Mill Lane", "High Street", "Church Road", "Station Road", "Victoria Street", "Park Avenue",
           "Queen Street", "Bridge Street", "Orchard Close", "Market Place", "Canal Walk", "Harbour Row",
           "Elm Grove", "Chapel Street", "School Lane", "Kings Road", "Meadow Way", "Riverside Drive"]

CATEGORIES = [
    {"key": "age", "question": "How old are you?", "options": [
        {"value": "16-29", "label": "16 to 29", "share": 0.24}, {"value": "30-44", "label": "30 to 44", "share": 0.26},
        {"value": "45-64", "label": "45 to 64", "share": 0.30},
        {"value": "65+", "label": "65 or over", "share": 0.20}]},
    {"key": "gender", "question": "What is your gender?", "options": [
        {"value": "woman", "label": "Woman", "share": 0.51}, {"value": "man", "label": "Man", "share": 0.48},
        {"value": "other", "label": "In another way", "share": 0.01}]},
    {"key": "tenure", "question": "Do you own or rent your home?", "options": [
        {"value": "owner", "label": "I own it (with or without a mortgage)", "share": 0.55},
        {"value": "social", "label": "I rent from the council or a housing association", "share": 0.20},
        {"value": "private", "label": "I rent from a private landlord", "share": 0.25}]},
    {"key": "education", "question": "Do you have a university degree?", "options": [
        {"value": "degree", "label": "Yes", "share": 0.33}, {"value": "no_degree", "label": "No", "share": 0.67}]},
]
# Self-selection: who answers letters (older, owners, graduates) — relative weights.
BIAS = {"age": {"16-29": 0.6, "30-44": 0.9, "45-64": 1.2, "65+": 1.5},
        "tenure": {"owner": 1.4, "social": 0.6, "private": 0.7},
        "education": {"degree": 1.8, "no_degree": 0.75}, "gender": {"woman": 1.05, "man": 0.95, "other": 1.0}}
FIRST_NAMES = ["Amina", "Ben", "Chloe", "Dev", "Elena", "Farid", "Grace", "Hugo", "Ines", "Jack", "Kemi", "Liam",
               "Maya", "Noah", "Olga", "Priya", "Quentin", "Rosa", "Sam", "Tariq", "Uma", "Victor", "Wen", "Zoe"]
LAST_NAMES = ["Ahmed", "Brown", "Chen", "Davies", "Evans", "Fischer", "Garcia", "Hughes", "Iqbal", "Jones",
              "Kowalski", "Lewis", "Murphy", "Nowak", "Okafor", "Patel", "Roberts", "Singh", "Taylor", "Walsh"]


def settings_for(panel: Panel, short_code: str, is_open: bool = True) -> RegistrationSettings:
    settings = db.session.scalar(select(RegistrationSettings).filter_by(panel_id=panel.id))
    if settings is None:
        settings = RegistrationSettings(
            panel_id=panel.id, short_code=short_code, is_open=is_open, categories=CATEGORIES,
            session_dates=["2027-03-06", "2027-03-20", "2027-04-03", "2027-04-17", "2027-05-01",
                           "2027-05-15", "2027-06-05", "2027-06-19"],
            min_age=16, residence_rule="I live in Riverton",
            exclusions=["I am a Riverton city councillor", "I work for the City of Riverton's climate team"],
            privacy_notice="The City of Riverton uses your answers only to run this assembly's lottery. "
                           "If you are not selected, your personal details are deleted 12 months after the "
                           "assembly ends; a record without your name stays so the lottery can be checked.",
            retention_months=12, languages=["en", "es"], phone="01632 960 123",
            contact_email="assembly@riverton.example")
        db.session.add(settings)
        db.session.flush()
    return settings


def register_for(org) -> AddressRegister:
    register = db.session.scalar(select(AddressRegister).filter_by(organisation_id=org.id,
                                                                   name="Riverton addresses 2027"))
    if register is not None:
        return register
    rng = random.Random(2027)
    register = AddressRegister(organisation_id=org.id, name="Riverton addresses 2027", status="ready",
                               source_filename="riverton-addresses-2027.csv", attributes=["deprivation_decile"],
                               mapping={"line1": "address", "postcode": "postcode", "area": "district"})
    db.session.add(register)
    db.session.flush()
    rows, number = [], 0
    for d, (district, households, deprived) in enumerate(DISTRICTS):
        for _ in range(households):
            number += 1
            decile = rng.randint(1, 3) if rng.random() < deprived else rng.randint(4, 10)
            street = STREETS[(number * 7 + d) % len(STREETS)]
            flat = f"Flat {number % 30 + 1}, {number % 90 + 1} {street}"
            line1 = f"{number % 240 + 1} {street}" if number % 5 else flat
            postcode = f"RV{d + 1} {number % 9 + 1}{chr(65 + number % 26)}{chr(65 + (number // 26) % 26)}"
            rows.append({"register_id": register.id, "line1": line1, "line2": None, "town": "Riverton",
                         "postcode": postcode, "area": district, "residents": rng.choice([1, 1, 2, 2, 2, 3, 4, 5]),
                         "attributes": {"deprivation_decile": str(decile)},
                         "household_key": f"{line1} riverton {postcode}".lower().replace(",", "")})
    for start in range(0, len(rows), 10_000):
        db.session.execute(insert(Address), rows[start:start + 10_000])
    register.households = len(rows)
    db.session.flush()
    return register


def mailing_for(panel: Panel, register: AddressRegister, *, name: str, letters: int, seed: str,
                days_ago: int) -> Mailing:
    from .. import jobs
    from ..invitations.mailings import default_text

    mailing = db.session.scalar(select(Mailing).filter_by(panel_id=panel.id, kind="first"))
    if mailing is None:
        mailing = Mailing(panel_id=panel.id, register_id=register.id, name=name,
                          requested=letters, strata=["area", "deprivation_decile"],
                          weights={"deprivation_decile": {"1": 1.5, "2": 1.5, "3": 1.5}},
                          letter_text=default_text(panel), seed=seed, status="generating",
                          posted_on=utcnow() - timedelta(days=days_ago))
        db.session.add(mailing)
        db.session.commit()
    if mailing.status != "ready":
        from flask import current_app

        previous = current_app.config.get("JOB_EXECUTOR")
        current_app.config["JOB_EXECUTOR"] = "sync"  # the real letters job, run here and now
        try:
            mailing.status = "generating"
            db.session.commit()
            jobs.submit("invitations.generate_mailing", "Print the demo letters", panel=panel, mailing_id=mailing.id)
        finally:
            current_app.config["JOB_EXECUTOR"] = previous
        db.session.refresh(mailing)
    return mailing


def _pick(rng: random.Random, category: dict, bias: dict) -> str:
    options = category["options"]
    weights = [o["share"] * bias.get(o["value"], 1.0) for o in options]
    return rng.choices([o["value"] for o in options], weights=weights)[0]


def registrations_for(panel: Panel, settings: RegistrationSettings, mailing: Mailing, seed: int = 36) -> int:
    import hashlib

    existing = db.session.scalar(select(func.count()).select_from(Volunteer).where(Volunteer.panel_id == panel.id))
    if existing:
        return existing
    rng = random.Random(seed)
    letters = db.session.execute(select(Letter.id, Letter.area, Address.attributes).join(Address)
                                 .where(Letter.mailing_id == mailing.id).order_by(Letter.id)).all()
    posted = mailing.posted_on or utcnow()
    count = 0
    for letter_id, area, attributes in letters:
        decile = int((attributes or {}).get("deprivation_decile", 5))
        rate = 0.022 if decile <= 3 else 0.036
        if rng.random() >= rate:
            continue
        people = 2 if rng.random() < 0.06 else 1
        for _ in range(people):
            count += 1
            answers = {c["key"]: _pick(rng, c, BIAS.get(c["key"], {})) for c in settings.categories}
            if decile <= 3 and answers["tenure"] == "owner" and rng.random() < 0.5:
                answers["tenure"] = "social"
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            days = min(23, int(rng.expovariate(1 / 5)))
            db.session.add(Volunteer(
                panel_id=panel.id,
                public_id="V-" + hashlib.sha256(f"{letter_id}-{count}".encode()).hexdigest()[:8].upper(),
                letter_id=letter_id, channel="phone" if rng.random() < 0.08 else "web",
                language="es" if rng.random() < 0.05 else "en", area=area, household_key=f"letter-{letter_id}",
                answers=answers, availability=settings.session_dates[: rng.randint(6, 8)],
                support_needs=rng.sample(["childcare", "travel", "dietary", "accessibility", "interpreting"],
                                         k=rng.choice([0, 0, 0, 1, 1, 2])),
                first_name=first, last_name=last, email=f"{first}.{last}.{count}@residents.example".lower(),
                phone=f"07700 9{count:05d}"[:12], consent_privacy_at=posted + timedelta(days=days),
                consent_standing_pool=rng.random() < 0.6,
                created_at=posted + timedelta(days=days, hours=rng.randint(7, 22), minutes=rng.randint(0, 59))))
        db.session.execute(Letter.__table__.update().where(Letter.id == letter_id).values(
            registrations=people, first_registered_at=posted + timedelta(days=3)))
    return count


def build(org, panel: Panel) -> list[str]:
    settings = settings_for(panel, "climate")
    register = register_for(org)
    db.session.commit()
    if panel.status == "draft":
        panel.status = "recruiting"
    mailing = mailing_for(panel, register, name="First mailing, February 2027", letters=9600,
                          seed="riverton-climate-2027", days_ago=24)
    volunteers = registrations_for(panel, settings, mailing)
    db.session.commit()
    return [f"  {register.households:,} addresses in {len(DISTRICTS)} districts; {mailing.letters_count:,} letters "
            f"mailed; {volunteers} volunteers registered (register at /r/{settings.short_code})"]
