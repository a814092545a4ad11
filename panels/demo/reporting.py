"""Two later-stage panels in the demo: one reporting (transport), one responded (parks).

Each gets 24 members with their selection categories and targets (so it has a composition), a short
programme to cite, and drafted recommendations with versions, co-authors, sources, comments and
amendments. Built straight on the models (no lottery run, no letters) so it stays fast; every part
checks what already exists, so a second run changes nothing.
"""

from __future__ import annotations

import math
import random
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select

from ..accounts.models import Membership, User
from ..extensions import db
from ..panel.models import Cohort, Panel
from ..pool.models import Volunteer
from ..recommendations.models import (
    Amendment,
    Comment,
    Recommendation,
    RecommendationSource,
    RecommendationVersion,
    WorkingGroup,
)
from ..selection.models import Target
from ..sessions.models import Material, MaterialVersion, ProgrammeSession, Speaker
from ..sessions.participation import TableNote
from . import recruiting

AREA = {"key": "area", "question": "Which part of Riverton do you live in?", "options": [
    {"value": "north", "label": "North (Northgate, Hillcrest, Westmoor)", "share": 0.25},
    {"value": "centre", "label": "Centre (Old Town, Canal Quarter, Riverside)", "share": 0.27},
    {"value": "east", "label": "East (Eastfield, Harbour, Millbrook)", "share": 0.26},
    {"value": "south", "label": "South (Southbank, Parkside, Greenway)", "share": 0.22}]}
CATEGORIES = [*recruiting.CATEGORIES, AREA]
DISTRICTS = {"north": ["Northgate", "Hillcrest", "Westmoor"], "centre": ["Old Town", "Canal Quarter", "Riverside"],
             "east": ["Eastfield", "Harbour", "Millbrook"], "south": ["Southbank", "Parkside", "Greenway"]}
SEATS = 24

TRANSPORT = {
    "panel": {"title": "Getting around Riverton", "slug": "transport", "kind": "assembly",
              "question": "How should Riverton make it easier to get around without a car by 2035?",
              "remit": "Buses, walking, cycling, school travel and streets within the city boundary.",
              "commitment": "The cabinet will answer every recommendation in writing within four months.",
              "seats": SEATS, "status": "reporting", "term_start": date(2026, 6, 6), "term_end": date(2026, 9, 26)},
    "first": date(2026, 6, 6),
    "speakers": [("Dr Rhiannon Hale", "Riverton University, Transport Studies", "neutral", "academic",
                  "Studies how mid-sized cities cut car trips."),
                 ("Kofi Mensah", "Riverton Bus Users' Group", "for", "advocacy",
                  "Rides the number 7 every day and speaks for 400 bus users.")],
    "materials": [("Riverton travel survey 2025", "How residents travel to work, school and the shops.",
                   "https://example.org/riverton/travel-survey-2025", "neutral", "government"),
                  ("Bus priority: what other cities did", "Ten cities that gave buses their own lanes.",
                   "https://example.org/riverton/bus-priority", "for", "academic")],
    "notes": [(1, "Buses are late because they sit in the same queues as cars."),
              (2, "Children could walk to school if the crossings were safe."),
              (3, "Older people need benches and toilets to make walking possible.")],
    "groups": [("Buses", "Routes, frequency, fares and bus lanes."),
               ("Walking and cycling", "Streets, crossings, cycle lanes and school travel.")],
    # group, title, versions of the text, rationale, co-authors (member numbers), sources, comments
    "recommendations": [
        (0, "Buses every ten minutes on the main routes",
         ["Run buses every 15 minutes on the five main routes.",
          "Run buses every **10 minutes** on the five main routes from 7am to 7pm.",
          "Run buses every **10 minutes** on the five main routes from 6am to 10pm, seven days a week."],
         "People told us they would leave the car at home if they did not need a timetable.",
         [1, 2], [("session", 1), ("speaker", 1), ("table_note", 0)],
         [(3, "Does this include Sundays? Many shift workers need Sunday buses."),
          (1, "Yes, version 3 makes it seven days a week.")]),
        (0, "Bus lanes on the inner ring road",
         ["Give buses their own lane on the inner ring road.",
          "Give buses their own lane on the inner ring road, enforced by camera, by 2028."],
         "Buses lose ten minutes a trip in queues on the ring road at peak times.",
         [4, 5], [("material", 1), ("session", 2)],
         [(6, "Shops on Bridge Street worry about deliveries; can loading bays stay?")]),
        (1, "Safe crossings outside every primary school",
         ["Put a zebra crossing outside every primary school.",
          "Put a safe crossing (zebra or signals) outside every primary school by 2027.",
          "Put a safe crossing outside every primary school by 2027, and 20 mph on the streets around it."],
         "Parents drive children short distances because the walk feels unsafe.",
         [7, 8, 9], [("table_note", 1), ("session", 2), ("material", 0)],
         [(10, "The travel survey shows 40 % of school trips are under a mile.")]),
        (1, "A connected network of protected cycle lanes",
         ["Build protected cycle lanes linking every district to the centre.",
          "Build protected cycle lanes linking every district to the centre by 2032, starting with Eastfield."],
         "Painted lanes do not make people feel safe; separated lanes do.",
         [11, 12], [("speaker", 0), ("session", 3)], []),
        (1, "Benches and toilets along walking routes",
         ["Put a bench every 200 metres and public toilets on the main walking routes.",
          "Put a bench every 200 metres on the main walking routes and keep public toilets open until 8pm."],
         "Older and disabled residents walk further when they can rest.",
         [13, 14], [("table_note", 2), ("session", 3)],
         [(15, "Could cafés join a community toilet scheme instead of new buildings?")]),
    ],
    # recommendation, section, proposer, new text, reason, decision ("accepted", "rejected", "spin_off",
    # "proposed"), decision note, title of the spun-off recommendation
    "amendments": [
        (0, "text", 16, "Run buses every **10 minutes** on the five main routes from 6am to midnight, seven days "
         "a week.", "Hospital and hospitality staff finish after 10pm.", "accepted", None, None),
        (1, "title", 17, "Camera-enforced bus lanes on the inner ring road", "Say how it is enforced.",
         "rejected", "The text already says camera enforcement; we prefer the short title.", None),
        (3, "text", 18, "Make the number 7 and 12 bus routes free for under-18s.",
         "Young people cannot cycle far; free buses would help more.", "spin_off",
         "A different idea from cycle lanes: better as a recommendation of its own.", "Free buses for under-18s"),
        (4, "rationale", 19, "Older and disabled residents walk further when they can rest, and everyone walks "
         "more on pleasant streets.", "Benches help everyone, not only older people.", "proposed", None, None),
    ],
    "status": "ready",
}

PARKS = {
    "panel": {"title": "Riverton's parks and green spaces", "slug": "parks", "kind": "assembly",
              "question": "How should Riverton care for and add to its parks?",
              "remit": "Parks, playgrounds, street trees and allotments owned by the council.",
              "commitment": "The council will respond to every recommendation and report progress every six "
                            "months.", "seats": SEATS, "status": "responded",
              "term_start": date(2025, 9, 13), "term_end": date(2025, 11, 22)},
    "first": date(2025, 9, 13),
    "speakers": [("Maria Delgado", "City of Riverton, Parks Service", "neutral", "government",
                  "Manages the city's 46 parks and their budget."),
                 ("Joe Barnes", "Friends of Parkside Park", "for", "practitioner",
                  "Runs volunteer clean-ups and the summer play scheme.")],
    "materials": [("The state of Riverton's parks 2025", "Condition, visits and spending for every park.",
                   "https://example.org/riverton/parks-2025", "neutral", "government"),
                  ("Friends groups: what volunteers can and cannot do", "Lessons from twenty friends groups.",
                   "https://example.org/riverton/friends-groups", "for", "practitioner")],
    "notes": [(1, "The Eastfield playground has been closed for two years."),
              (2, "People feel unsafe in parks after dark."),
              (3, "Street trees cool the streets in summer; Harbour has almost none.")],
    "groups": [("Parks we have", "Care, safety and facilities in existing parks."),
               ("New green spaces", "Trees, new parks and allotments where there are few.")],
    "recommendations": [
        (0, "Reopen and repair every closed playground",
         ["Reopen every closed playground within a year.",
          "Repair and reopen every closed playground within a year, starting with Eastfield."],
         "Children in Eastfield have had no playground for two years.",
         [1, 2], [("table_note", 0), ("material", 0)],
         [(3, "The parks survey lists four closed playgrounds.")]),
        (0, "Lighting on the main paths through large parks",
         ["Light the main paths through the six largest parks.",
          "Light the main paths through the six largest parks until 10pm, with wildlife-friendly lamps.",
          "Light the main paths through the six largest parks until 10pm with warm, wildlife-friendly lamps."],
         "People avoid crossing parks after dark, especially in winter.",
         [4, 5], [("table_note", 1), ("session", 2)],
         [(6, "Bats roost in Parkside; lighting should be low and warm.")]),
        (1, "A street tree for every home in Harbour and Eastfield",
         ["Plant 2,000 street trees in Harbour and Eastfield.",
          "Plant 2,000 street trees in Harbour and Eastfield by 2030, with residents choosing the streets."],
         "These districts have the fewest trees and the hottest streets.",
         [7, 8, 9], [("table_note", 2), ("speaker", 0), ("session", 3)], []),
        (1, "New allotments on unused council land",
         ["Turn unused council land into allotments.",
          "Turn three unused council sites into allotments and community gardens by 2028."],
         "The allotment waiting list is six years long.",
         [10, 11], [("material", 1), ("session", 3)],
         [(12, "Could schools use part of them?")]),
        (0, "Fund friends groups to look after their parks",
         ["Give each friends group a small yearly grant.",
          "Give each friends group a yearly grant of up to £2,000 and free tools and training."],
         "Volunteers already do much of the care but pay for it themselves.",
         [13, 14], [("speaker", 1), ("material", 1)], []),
    ],
    "amendments": [
        (0, "text", 15, "Repair and reopen every closed playground within a year, starting with Eastfield, and "
         "make each one accessible to disabled children.", "Accessible play equipment should be the rule.",
         "accepted", None, None),
        (2, "title", 16, "Trees for the hottest streets", "A shorter title.", "rejected",
         "The title should say where the trees go.", None),
        (4, "text", 17, "Open a park café run by a social enterprise in each of the four largest parks.",
         "Cafés bring people, toilets and income.", "spin_off",
         "A good idea, but not about friends groups.", "Park cafés run by social enterprises"),
        (1, "text", 18, "Light the main paths through all parks over two hectares until 10pm with warm, "
         "wildlife-friendly lamps.", "Smaller parks are used as shortcuts too.", "proposed", None, None),
    ],
    "status": "ready",
}


def _at(day: date, hour: int = 12) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC)


def _spread(rng: random.Random, category: dict, n: int) -> list[str]:
    """Values for n members in proportion to the census shares (largest remainder), shuffled."""
    shares = [o["share"] for o in category["options"]]
    exact = [s * n / sum(shares) for s in shares]
    counts = [math.floor(x) for x in exact]
    for i in sorted(range(len(exact)), key=lambda i: exact[i] - counts[i], reverse=True)[: n - sum(counts)]:
        counts[i] += 1
    values = [o["value"] for o, c in zip(category["options"], counts, strict=True) for _ in range(c)]
    rng.shuffle(values)
    return values


def _panel(org, spec: dict) -> Panel:
    values = spec["panel"]
    panel = db.session.scalar(select(Panel).filter_by(organisation_id=org.id, slug=values["slug"]))
    if panel is None:
        panel = Panel(organisation_id=org.id, **values)
        db.session.add(panel)
        db.session.flush()
        db.session.add(Cohort(panel_id=panel.id, number=1, label="Panel members"))
    return panel


def _members(org, panel: Panel) -> list[User]:
    from .city import PASSWORD

    settings = recruiting.settings_for(panel, panel.slug, is_open=False)
    if settings.categories != CATEGORIES:
        settings.categories = CATEGORIES
    rng = random.Random(f"members-{panel.slug}")
    columns = {c["key"]: _spread(rng, c, SEATS) for c in CATEGORIES}
    password_hash = None
    users = []
    for i in range(SEATS):
        email = f"{panel.slug}.member{i + 1:02d}@riverton.example"
        first = recruiting.FIRST_NAMES[(i + len(panel.slug)) % len(recruiting.FIRST_NAMES)]
        last = recruiting.LAST_NAMES[(i * 7 + len(panel.slug)) % len(recruiting.LAST_NAMES)]
        user = db.session.scalar(select(User).filter_by(email=email))
        if user is None:
            if password_hash is None:  # one hash for all: the demo stays fast
                user = User(email=email, name=f"{first} {last}")
                user.set_password(PASSWORD)
                password_hash = user.password_hash
            else:
                user = User(email=email, name=f"{first} {last}", password_hash=password_hash)
            db.session.add(user)
            db.session.flush()
        if db.session.scalar(select(Membership.id).filter_by(user_id=user.id, panel_id=panel.id)) is None:
            db.session.add(Membership(user_id=user.id, organisation_id=org.id, panel_id=panel.id, role="member"))
        if db.session.scalar(select(Volunteer.id).filter_by(panel_id=panel.id, email=email)) is None:
            answers = {key: values[i] for key, values in columns.items()}
            db.session.add(Volunteer(
                panel_id=panel.id, public_id=f"V-{panel.slug[:2].upper()}{i + 1:03d}", channel="web",
                status="confirmed", area=DISTRICTS[answers["area"]][i % 3], answers=answers,
                first_name=first, last_name=last, email=email, consent_privacy_at=_at(panel.term_start) -
                timedelta(days=60), household_key=f"{panel.slug}-{i}"))
        users.append(user)
    for position, category in enumerate(CATEGORIES):
        total = sum(o["share"] for o in category["options"])
        for option in category["options"]:
            if db.session.scalar(select(Target.id).filter_by(panel_id=panel.id, category=category["key"],
                                                             value=option["value"])) is None:
                share = option["share"] / total
                db.session.add(Target(panel_id=panel.id, category=category["key"], value=option["value"],
                                      label=option["label"], position=position, census_share=share,
                                      min=max(1, math.floor(share * SEATS)), max=math.ceil(share * SEATS)))
    db.session.flush()
    return users


def _programme(panel: Panel, spec: dict) -> dict[str, list[int]]:
    """Three sessions, two speakers, two materials and a few table notes; their ids by kind."""
    speakers = []
    for name, affiliation, perspective, evidence, bio in spec["speakers"]:
        sp = db.session.scalar(select(Speaker).filter_by(panel_id=panel.id, name=name))
        if sp is None:
            sp = Speaker(panel_id=panel.id, name=name, affiliation=affiliation, perspective=perspective,
                         evidence_type=evidence, biography=bio, tags=[])
            db.session.add(sp)
            db.session.flush()
        speakers.append(sp)
    if not panel.perspectives:
        panel.perspectives = ["for", "against", "neutral"]
    sessions = db.session.scalars(select(ProgrammeSession).filter_by(panel_id=panel.id)
                                  .order_by(ProgrammeSession.number)).all()
    if not sessions:
        plan = [("Learning: where we are now", "orientation_learning"), ("Hearing the options", "consensus"),
                ("Drafting our recommendations", "drafting")]
        for number, (title, phase) in enumerate(plan, start=1):
            speaker = speakers[number - 1] if number <= len(speakers) else None
            agenda = [{"title": "Welcome", "type": "plenary", "start": "10:00", "end": "10:30", "phase": None,
                       "topic": None, "speakers": [], "items": []},
                      {"title": "Evidence" if speaker else "Drafting in working groups",
                       "type": "presentation" if speaker else "small_group", "start": "10:30", "end": "12:00",
                       "phase": None, "topic": None, "speakers": [str(speaker.id)] if speaker else [], "items": []},
                      {"title": "Small-group deliberation", "type": "small_group", "start": "13:00", "end": "15:30",
                       "phase": None, "topic": None, "speakers": [], "items": []}]
            sessions.append(ProgrammeSession(
                panel_id=panel.id, number=number, title=title, phase=phase,
                date=spec["first"] + timedelta(days=14 * (number - 1)), start="10:00", end="15:30",
                venue_name="Riverton Central Library, Assembly Room", agenda=agenda))
        db.session.add_all(sessions)
        db.session.flush()
    materials = []
    for number, (title, summary, url, perspective, evidence) in enumerate(spec["materials"], start=1):
        m = db.session.scalar(select(Material).filter_by(panel_id=panel.id, title=title))
        if m is None:
            m = Material(panel_id=panel.id, title=title, summary=summary, language="en", perspective=perspective,
                         evidence_type=evidence, sessions=[sessions[number - 1]])
            m.versions = [MaterialVersion(number=1, url=url, note="Published")]
            db.session.add(m)
            db.session.flush()
        materials.append(m)
    notes = db.session.scalars(select(TableNote).where(TableNote.session_id.in_([s.id for s in sessions]))
                               .order_by(TableNote.id)).all()
    if not notes:
        for table, (number, text) in enumerate(spec["notes"], start=1):
            notes.append(TableNote(session_id=sessions[number - 1].id, table_number=table,
                                   agenda_item="Small-group deliberation", text=text))
        db.session.add_all(notes)
        db.session.flush()
    return {"session": [s.id for s in sessions], "speaker": [s.id for s in speakers],
            "material": [m.id for m in materials], "table_note": [n.id for n in notes]}


def _recommendations(panel: Panel, spec: dict, members: list[User], targets: dict) -> int:
    if db.session.scalar(select(Recommendation.id).filter_by(panel_id=panel.id)) is not None:
        return db.session.query(Recommendation).filter_by(panel_id=panel.id).count()
    facilitator = db.session.scalar(select(User).filter_by(email="facilitator@riverton.example"))
    groups = []
    for name, description in spec["groups"]:
        group = WorkingGroup(panel_id=panel.id, name=name, description=description)
        db.session.add(group)
        groups.append(group)
    db.session.flush()
    day = spec["first"] + timedelta(days=28)
    recs = []
    for number, (group, title, texts, rationale, authors, sources, comments) in enumerate(
            spec["recommendations"], start=1):
        writers = [members[a] for a in authors]
        rec = Recommendation(panel_id=panel.id, number=number, working_group_id=groups[group].id, title=title,
                             text=texts[-1], rationale=rationale, status=spec["status"], created_by_id=writers[0].id,
                             created_at=_at(day), authors=writers)
        rec.versions = [RecommendationVersion(number=v, title=title, text=text, rationale=rationale,
                                              author_id=writers[(v - 1) % len(writers)].id,
                                              note="First draft" if v == 1 else "Edited in the working group",
                                              created_at=_at(day, 10 + v))
                        for v, text in enumerate(texts, start=1)]
        rec.sources = [RecommendationSource(kind=kind, target_id=targets[kind][i - 1 if kind == "session" else i])
                       for kind, i in sources]  # sessions by number, the rest by position
        rec.comments = [Comment(author_id=members[m].id, text=text, created_at=_at(day, 11 + k))
                        for k, (m, text) in enumerate(comments)]
        db.session.add(rec)
        recs.append(rec)
    db.session.flush()
    later = day + timedelta(days=7)
    for rec_index, section, proposer, new_text, reason, decision, note, spin_title in spec["amendments"]:
        rec = recs[rec_index]
        amendment = Amendment(recommendation_id=rec.id, section=section, base_version=len(rec.versions),
                              new_text=new_text, reason=reason, proposed_by_id=members[proposer].id,
                              status="rejected" if decision == "spin_off" else decision, created_at=_at(later))
        db.session.add(amendment)
        db.session.flush()
        if decision == "proposed":
            continue
        decider = rec.authors[0] if decision == "accepted" else facilitator or rec.authors[0]
        amendment.decided_by_id, amendment.decided_at, amendment.decision_note = decider.id, _at(later, 15), note
        if decision == "accepted":
            setattr(rec, section, new_text)
            version = RecommendationVersion(
                recommendation_id=rec.id, number=len(rec.versions) + 1, title=rec.title, text=rec.text,
                rationale=rec.rationale, author_id=members[proposer].id, amendment_id=amendment.id,
                note=f"Amendment by {members[proposer].name} accepted", created_at=_at(later, 15))
            rec.versions.append(version)
            db.session.flush()
            amendment.version_id = version.id
        elif decision == "spin_off":
            number = len(recs) + 1
            proposer_user = members[proposer]
            spun = Recommendation(panel_id=panel.id, number=number, working_group_id=rec.working_group_id,
                                  title=spin_title, text=new_text, rationale=reason, status=spec["status"],
                                  from_amendment_id=amendment.id, created_by_id=proposer_user.id,
                                  created_at=_at(later, 16), authors=[proposer_user])
            spun.versions = [
                RecommendationVersion(number=1, title=spin_title, text=new_text, rationale=reason,
                                      author_id=proposer_user.id, note=f"From amendment to {rec.code}",
                                      created_at=_at(later, 16)),
                RecommendationVersion(number=2, title=spin_title, text=new_text + "\n\nReview the scheme after "
                                      "two years.", rationale=reason, author_id=proposer_user.id,
                                      note="Edited in the working group", created_at=_at(later, 17))]
            spun.text = spun.versions[-1].text
            spun.sources = [RecommendationSource(kind=s.kind, target_id=s.target_id) for s in rec.sources[:1]]
            db.session.add(spun)
            recs.append(spun)
        db.session.flush()
    return len(recs)


def build(org) -> list[str]:
    lines = []
    for spec in (TRANSPORT, PARKS):
        panel = _panel(org, spec)
        members = _members(org, panel)
        targets = _programme(panel, spec)
        count = _recommendations(panel, spec, members, targets)
        db.session.commit()
        lines.append(f"  {panel.title} ({panel.status}): {len(members)} members, {count} recommendations; "
                     f"drafts at /panels/{panel.id}/recommendations; member login {members[0].email}")
    return lines
