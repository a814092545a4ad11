"""The sitting panel's programme: eight sessions from the template, speakers with declared
interests, materials as links, and members' questions (some answered, some open)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from ..accounts.models import Membership, Organisation, User
from ..db import utcnow
from ..extensions import db
from ..panel.models import Panel
from ..sessions import services
from ..sessions.models import Material, MaterialVersion, MemberQuestion, ProgrammeSession, Speaker

FIRST_SESSION = date(2026, 9, 26)
VENUE = {"venue_name": "Riverton Central Library, Assembly Room",
         "venue_address": "2 Library Square\nRiverton RV1 2LS",
         "accessibility": "Step-free entrance on Library Square; lift to all floors; hearing loop; accessible "
                          "toilets; quiet room on the first floor; free parking for Blue Badge holders."}

# name, affiliation, perspective, tags, evidence type, interests, expenses, biography
SPEAKERS = [
    ("Dr Ada Lane", "Riverton University, School of Planning", "neutral", ["academics"], "academic",
     "", 0, "Researches housing supply and affordability in mid-sized cities."),
    ("Marcus Bell", "Riverton Tenants' Union", "for", ["tenants", "renters"], "advocacy",
     "Unpaid chair of the Riverton Tenants' Union", 45, "Has organised private renters in Riverton for 12 years."),
    ("Helen Price", "Riverton Landlords' Association", "against", ["landlords"], "advocacy",
     "Owns four rented flats in Riverton\nPaid director of the Landlords' Association", 38,
     "Represents 300 small landlords in the city."),
    ("Priya Nair", "City of Riverton, Housing Department", "neutral", ["council officers"], "government",
     "Employed by the council", 0, "Head of housing strategy; wrote the 2025 housing needs assessment."),
    ("Tom Fielding", "Fielding Homes Ltd", "against", ["developers", "builders"], "practitioner",
     "Managing director of a company that builds homes in Riverton", 60,
     "Builds around 150 homes a year across the region."),
    ("Grace Adeyemi", "Riverside Community Land Trust", "for", ["community groups"], "practitioner",
     "Trustee (unpaid) of the Riverside Community Land Trust", 25,
     "Led the trust's first 40 permanently affordable homes."),
    ("Jonas Weber", "", "for", ["people with lived experience", "renters"], "lived_experience",
     "None", 30, "Rents a flat in Eastbank with his two children; was evicted under a no-fault notice in 2024."),
    ("Sofia Russo", "Riverton Chamber of Commerce", "against", ["employers"], "advocacy",
     "Chamber membership includes estate agents and builders", 20,
     "Speaks for employers who struggle to recruit staff who can afford to live nearby."),
    ("Prof Kwame Osei", "National Housing Institute", "neutral", ["academics"], "academic",
     "Has advised the council on its local plan (paid, 2023)", 180,
     "Compares rent regulation and social housing programmes across Europe."),
    ("Lin Chen", "Riverton Disability Forum", "for", ["disabled residents"], "lived_experience",
     "None", 15, "Campaigns for accessible homes; uses a wheelchair and rents from a housing association."),
    ("Rev. David Moss", "Riverton Night Shelter", "for", ["people experiencing homelessness"], "practitioner",
     "Volunteer manager of the night shelter, which receives council funding", 0,
     "Has run the city's night shelter since 2015."),
    ("Nadia Haddad", "Homes England (regional office)", "neutral", ["national government"], "government",
     "Employed by a national funding agency", 95, "Funds affordable housing schemes across the region."),
]

MATERIALS = [
    ("Riverton housing needs assessment 2025 (summary)", "How many homes Riverton needs, of which kinds, and "
     "who cannot afford what is built today.", "https://example.org/riverton/housing-needs-2025", "neutral",
     "government", [1, 2]),
    ("What renters told us: the Tenants' Union survey", "600 private renters on rents, repairs and moving home.",
     "https://example.org/riverton/renters-survey", "for", "advocacy", [2]),
    ("Small landlords in Riverton: costs and plans", "Why some landlords are selling, and what would keep "
     "homes in the rented sector.", "https://example.org/riverton/landlords-briefing", "against", "advocacy", [3]),
    ("Rent regulation in Europe: what the evidence says", "A plain-language review of rent controls and their "
     "effects in six countries.", "https://example.org/housing-institute/rent-regulation", "neutral", "academic",
     [3, 4]),
]

RESIDENTS = [
    ("gita.rao@residents.example", "Gita Rao"),
    ("hamish.ross@residents.example", "Hamish Ross"),
    ("ines.costa@residents.example", "Inês Costa"),
]

# asker index, kind, speaker name or None, text, perspective, answer, show name
QUESTIONS = [
    (0, "question", "Priya Nair", "How many council homes have been sold since 2010, and how many built?", None,
     "About 1,900 sold and 420 built; the full table is in the needs assessment, page 14.", True),
    (1, "question", "Helen Price", "What would make small landlords stay in the market?", None, None, False),
    (2, "witness", None, "We would like to hear from a housing association that builds homes for rent.",
     "neutral", "Booked: Riverside Homes will speak in session 5.", False),
    (0, "witness", None, "Can we hear from young people who live with their parents because they cannot "
     "afford to move out?", "for", None, False),
]


def _panel(org) -> Panel | None:
    panel = db.session.scalar(select(Panel).filter_by(organisation_id=org.id, slug="housing-panel"))
    if panel is None:
        panel = db.session.scalar(select(Panel).filter_by(status="sitting").order_by(Panel.id))
    return panel


def _dates(panel: Panel, n: int) -> list[date]:
    """A session every other Saturday from the first one."""
    return [FIRST_SESSION + timedelta(days=14 * i) for i in range(n)]


def _programme(panel: Panel, speakers: list[Speaker]) -> None:
    import curriculum

    if db.session.scalar(select(ProgrammeSession).filter_by(panel_id=panel.id)) is not None:
        return
    queue = [str(s.id) for s in speakers]
    for s, day in zip(curriculum.template(8).sessions, _dates(panel, 8), strict=True):
        agenda = [i.to_dict() for i in s.items]
        last: list[str] = []
        for item in agenda:  # speakers present, then answer the questions that follow
            if item["type"] == "presentation" and queue:
                last = [queue.pop(0)]
                item["speakers"] = last
            elif item["type"] == "questions" and last:
                item["speakers"] = list(last)
        db.session.add(ProgrammeSession(panel_id=panel.id, number=s.number, title=s.title, phase=str(s.phase),
                                        date=day, start=curriculum.fmt_time(s.start),
                                        end=curriculum.fmt_time(s.end), agenda=agenda, **VENUE))
    db.session.flush()


def build(org: Organisation | None = None) -> list[str]:
    org = org or db.session.scalar(select(Organisation).filter_by(slug="riverton"))
    panel = _panel(org) if org is not None else None
    if panel is None:
        return []
    if not panel.perspectives:
        panel.perspectives = ["for", "against", "neutral"]
    speakers = []
    for name, affiliation, perspective, tags, evidence, interests, expenses, bio in SPEAKERS:
        sp = db.session.scalar(select(Speaker).filter_by(panel_id=panel.id, name=name))
        if sp is None:
            sp = Speaker(panel_id=panel.id, name=name, affiliation=affiliation or None, perspective=perspective,
                         tags=tags, evidence_type=evidence, interests=interests or None,
                         expenses=expenses or None, biography=bio)
            db.session.add(sp)
            db.session.flush()
        speakers.append(sp)
    _programme(panel, speakers)
    by_number = {s.number: s for s in db.session.scalars(select(ProgrammeSession).filter_by(panel_id=panel.id))}
    for title, summary, url, perspective, evidence, numbers in MATERIALS:
        if db.session.scalar(select(Material).filter_by(panel_id=panel.id, title=title)) is None:
            m = Material(panel_id=panel.id, title=title, summary=summary, language="en", perspective=perspective,
                         evidence_type=evidence, sessions=[by_number[n] for n in numbers if n in by_number])
            m.versions = [MaterialVersion(number=1, url=url, note="Published")]
            db.session.add(m)
    residents = []
    for email, name in RESIDENTS:
        user = db.session.scalar(select(User).filter_by(email=email))
        if user is None:
            from .city import PASSWORD

            user = User(email=email, name=name)
            user.set_password(PASSWORD)
            db.session.add(user)
            db.session.flush()
        if db.session.scalar(select(Membership).filter_by(user_id=user.id, panel_id=panel.id)) is None:
            db.session.add(Membership(user_id=user.id, organisation_id=panel.organisation_id, panel_id=panel.id,
                                      role="member"))
        residents.append(user)
    speaker_ids = {s.name: s.id for s in speakers}
    facilitator = db.session.scalar(select(User).filter_by(email="facilitator@riverton.example"))
    for asker, kind, speaker, text, perspective, answer, show in QUESTIONS:
        if db.session.scalar(select(MemberQuestion).filter_by(panel_id=panel.id, text=text)) is None:
            db.session.add(MemberQuestion(
                panel_id=panel.id, kind=kind, asked_by_id=residents[asker].id, show_name=show, text=text,
                speaker_id=speaker_ids.get(speaker), perspective=perspective, answer=answer,
                answered_by_id=facilitator.id if answer and facilitator else None,
                answered_at=utcnow() if answer else None,
                session_id=by_number[5].id if answer and kind == "witness" and 5 in by_number else None))
    db.session.commit()
    from . import participation
    lines = participation.build(panel)
    budget = services.budget(panel)
    return [f"    programme: {len(by_number)} sessions from {FIRST_SESSION:%-d %b %Y}, {len(speakers)} speakers, "
            f"learning {budget.learning_share:.0%}; public page at /p/{panel.id}/curriculum",
            f"    member login for this panel: {RESIDENTS[0][0]}", *lines]
