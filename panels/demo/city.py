"""Riverton: a fictional mid-sized city, its staff, its members and its panels."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from ..accounts.models import Membership, Organisation, User
from ..extensions import db
from ..panel.models import Cohort, Panel, Topic

PASSWORD = "riverton-demo"  # noqa: S105 - published demo login, never a real account

ORGANISATION = {
    "name": "City of Riverton", "slug": "riverton", "country": "GB", "population": 212000,
    "area_type": "urban", "annual_budget": 480_000_000, "budget_currency": "GBP",
    "government_level": "municipal",
}

STAFF = [
    ("admin@riverton.example", "Alex Admin", "admin", True),
    ("organiser@riverton.example", "Olu Organiser", "organiser", False),
    ("facilitator@riverton.example", "Fran Facilitator", "facilitator", False),
    ("observer@riverton.example", "Obi Observer", "observer", False),
]

MEMBERS = [
    ("amira.haddad@residents.example", "Amira Haddad"),
    ("ben.okafor@residents.example", "Ben Okafor"),
    ("carla.mendes@residents.example", "Carla Mendes"),
    ("dai.williams@residents.example", "Dai Williams"),
    ("eun-ji.park@residents.example", "Eun-ji Park"),
    ("frank.novak@residents.example", "Frank Novak"),
]

CLIMATE_PANEL = {
    "title": "Riverton Citizens' Assembly on Climate and Transport",
    "slug": "climate-and-transport",
    "kind": "assembly",
    "question": "How should Riverton cut transport emissions by half by 2035, "
                "in a way that is fair to everyone who lives here?",
    "remit": "Transport within the city boundary: buses, cycling, walking, parking, freight. "
             "Regional rail is out of scope.",
    "commitment": "The council will debate every recommendation in public and publish a written "
                  "response within four months of receiving the report.",
    "seats": 36,
    "term_start": date(2027, 3, 6),
    "term_end": date(2027, 6, 19),
}

STANDING_PANEL = {
    "title": "Riverton Planning Review Panel",
    "slug": "planning-review-panel",
    "kind": "standing",
    "question": "Advise the planning department on major developments and city-wide plans.",
    "remit": "Strategic planning documents and applications over 150 homes.",
    "commitment": "Planning officers attend every meeting and report back on how advice was used.",
    "seats": 28,
    "term_start": date(2027, 1, 1),
    "term_end": date(2028, 12, 31),
}

TOPICS = [
    ("Riverside regeneration masterplan", "What should the riverside look like in 2040?"),
    ("Housing density on transit corridors", "Where, and how tall, should new homes go?"),
]


def _get_or_create(model, lookup: dict, **values):
    instance = db.session.scalar(select(model).filter_by(**lookup))
    if instance is None:
        instance = model(**lookup, **values)
        db.session.add(instance)
        db.session.flush()
    return instance


def _user(email: str, name: str, site_admin: bool = False) -> User:
    user = db.session.scalar(select(User).filter_by(email=email))
    if user is None:
        user = User(email=email, name=name, site_admin=site_admin)
        user.set_password(PASSWORD)
        db.session.add(user)
        db.session.flush()
    return user


def build() -> list[str]:
    org = _get_or_create(Organisation, {"slug": ORGANISATION["slug"]},
                         **{k: v for k, v in ORGANISATION.items() if k != "slug"})
    for email, name, role, site_admin in STAFF:
        user = _user(email, name, site_admin)
        _get_or_create(Membership, {"user_id": user.id, "organisation_id": org.id,
                                    "panel_id": None, "role": role})
    climate = _get_or_create(Panel, {"organisation_id": org.id, "slug": CLIMATE_PANEL["slug"]},
                             **{k: v for k, v in CLIMATE_PANEL.items() if k != "slug"})
    _get_or_create(Cohort, {"panel_id": climate.id, "number": 1}, label="Assembly members")
    for email, name in MEMBERS:
        user = _user(email, name)
        _get_or_create(Membership, {"user_id": user.id, "organisation_id": org.id,
                                    "panel_id": climate.id, "role": "member"})
    standing = _get_or_create(Panel, {"organisation_id": org.id, "slug": STANDING_PANEL["slug"]},
                              **{k: v for k, v in STANDING_PANEL.items() if k != "slug"})
    _get_or_create(Cohort, {"panel_id": standing.id, "number": 1}, label="2027-28 cohort",
                   starts_on=date(2027, 1, 1), ends_on=date(2028, 12, 31))
    for position, (title, question) in enumerate(TOPICS):
        _get_or_create(Topic, {"panel_id": standing.id, "title": title}, question=question,
                       position=position)
    db.session.commit()
    from . import recruiting, selection

    recruitment = recruiting.build(org, climate)
    drawn = selection.build(org)
    from . import sessions as programme_demo
    drawn += programme_demo.build(org)
    from . import tables as tables_demo

    drawn += tables_demo.build(org)
    from . import reporting as reporting_demo

    drawn += reporting_demo.build(org)
    from . import voting as voting_demo  # right after the drafts: the panels vote on them

    drawn += voting_demo.build(org)
    from . import final_report as final_report_demo  # after the votes: it reports on them

    drawn += final_report_demo.build(org)
    from . import government as government_demo  # after the votes and the final report it answers

    drawn += government_demo.build(org)
    from . import evidence as evidence_demo  # the very last: its feed reads every stage above

    drawn += evidence_demo.build(org)

    lines = [f"Demo city: {org.name}", "", "Logins (password for all: " + PASSWORD + "):"]
    lines += [f"  {role:<12} {email}" for email, _name, role, _ in STAFF]
    lines += [f"  {'member':<12} {MEMBERS[0][0]}  (and {len(MEMBERS) - 1} more members)"]
    lines += ["", "Panels:", f"  {climate.title} ({climate.status})", *recruitment, *drawn,
              f"  {standing.title} ({standing.status})"]
    return lines
