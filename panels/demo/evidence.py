"""The evidence base of the demo: Riverton's feed and assessments, and four peer cities in two peer groups.

Riverton (about 212,000 residents, £2,260 per resident, municipal, high income) shares its peer group
with Millbrook and Lakeside, so its comparison has something to show; Northgate and Porto Alto form a
second, larger-city group of two, which shows why a group under three is never compared. The other
cities' panels are lightweight (a title and a stage) and their evidence is entered by hand or imported,
across three years. Every record is an aggregate number: no person's name, e-mail, phone or address.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from ..accounts.models import Organisation
from ..evidence.models import Assessment, AssessmentAnswer, EvidenceRecord
from ..extensions import db
from ..panel.models import Panel

PSCI = ["strategic_awareness", "adapting_focus", "coalitions", "transforming_teams", "experimentation"]

PEERS = [
    {"name": "Millbrook Borough Council", "slug": "millbrook", "country": "GB", "population": 183_000,
     "area_type": "urban", "annual_budget": 395_000_000, "budget_currency": "GBP", "government_level": "municipal",
     "income_group": "high"},
    {"name": "Lakeside City Council", "slug": "lakeside", "country": "IE", "population": 96_000,
     "area_type": "mixed", "annual_budget": 232_000_000, "budget_currency": "EUR", "government_level": "municipal",
     "income_group": "high"},
    {"name": "Northgate Regional Authority", "slug": "northgate", "country": "DE", "population": 1_420_000,
     "area_type": "mixed", "annual_budget": 6_100_000_000, "budget_currency": "EUR", "government_level": "regional",
     "income_group": "high"},
    {"name": "Porto Alto Metropolitan Region", "slug": "porto-alto", "country": "PT", "population": 1_130_000,
     "area_type": "urban", "annual_budget": 3_900_000_000, "budget_currency": "EUR", "government_level": "regional",
     "income_group": "high"},
]

# Per city: its panels (title, slug, stage, year) and, per year, the scores of its final assessment.
PANELS = {
    "millbrook": [("Millbrook Housing Jury", "housing-jury", "closed", 2024),
                  ("Millbrook Youth Panel", "youth-panel", "responded", 2025),
                  ("Millbrook Town Centre Assembly", "town-centre", "sitting", 2026)],
    "lakeside": [("Lakeside Water Quality Assembly", "water-quality", "closed", 2024),
                 ("Lakeside Budget Panel", "budget-panel", "reporting", 2026)],
    "northgate": [("Northgate Mobility Assembly", "mobility", "closed", 2024),
                  ("Northgate Health Jury", "health-jury", "recruiting", 2026)],
    "porto-alto": [("Porto Alto Climate Assembly", "climate", "responded", 2025)],
    "riverton": [("Riverton Budget Jury 2025", "budget-jury-2025", "closed", 2025)],
}
SCORES = {
    "millbrook": {2024: [2, 2, 3, 2, 1], 2025: [3, 2, 3, 2, 2], 2026: [3, 3, 4, 3, 2]},
    "lakeside": {2024: [2, 3, 2, 2, 2], 2026: [3, 3, 3, 2, 3]},
    "northgate": {2024: [3, 3, 3, 3, 2], 2025: [4, 3, 3, 3, 3]},
    "porto-alto": {2025: [3, 2, 4, 2, 3], 2026: [3, 3, 4, 3, 3]},
    "riverton": {2025: [2, 2, 3, 2, 2], 2026: [3, 3, 3, 2, 3]},
}
# Hand-entered indicators per panel: (indicator, capability, unit, confidence, base value, step per panel).
INDICATORS = [
    ("response_rate", "coalitions", "%", "documented", 3.1, 0.4),
    ("speakers", "coalitions", "count", "documented", 9, 3),
    ("retention", "experimentation", "%", "documented", 88, 2),
    ("evaluation_heard", "experimentation", "score 1-5", "independently_evaluated", 3.9, 0.2),
    ("recommendations_accepted", "adapting_focus", "%", "documented", 55, 8),
    ("named_department", "transforming_teams", "%", "self_reported", 40, 15),
    ("pilots_launched", "experimentation", "count", "self_reported", 1, 1),
    ("Issues framed with residents before the panel", "strategic_awareness", "count", "self_reported", 2, 1),
]
# How far each city sits from the base values, in steps: the peers differ, so the comparison shows something.
OFFSET = {"riverton": 0.5, "millbrook": 1.5, "lakeside": -1.0, "northgate": 2.0, "porto-alto": 0.0}
STAGES_WITH_OUTCOMES = {"responded", "closed"}
ANSWERS = {
    "practice": "Described in the interviews with the chief executive's office and two directors.",
    "outcomes": "Supported by council minutes and the published panel reports.",
    "funding": "Core budget, with a time-limited grant for the panel programme.",
}


def _organisation(values: dict) -> Organisation:
    org = db.session.scalar(select(Organisation).filter_by(slug=values["slug"]))
    if org is None:
        org = Organisation(**values, open_data=True)
        db.session.add(org)
        db.session.flush()
    return org


def _panel(org: Organisation, title: str, slug: str, stage: str, year: int) -> Panel:
    panel = db.session.scalar(select(Panel).filter_by(organisation_id=org.id, slug=slug))
    if panel is None:
        panel = Panel(organisation_id=org.id, title=title, slug=slug, status=stage, seats=30, kind="assembly",
                      question=f"What should {org.name.split(' ')[0]} do? (a {year} panel of the demo)",
                      term_start=date(year, 3, 1), term_end=date(year, 6, 30))
        db.session.add(panel)
        db.session.flush()
    return panel


def _record(org: Organisation, panel: Panel | None, indicator: str, capability: str, value: float, unit: str,
            observed_on: date, confidence: str, source: str) -> bool:
    lookup = {"organisation_id": org.id, "panel_id": panel.id if panel else None, "framework": "psci",
              "capability": capability, "indicator": indicator, "observed_on": observed_on}
    if db.session.scalar(select(EvidenceRecord.id).filter_by(**lookup)) is not None:
        return False
    note = ("Entered by hand from the panel's evaluation report." if source == "manual"
            else "Imported from the regional evaluation network's open data.")
    db.session.add(EvidenceRecord(**lookup, value=round(float(value), 1), unit=unit, source=source,
                                  confidence=confidence, attribution="contributed to", note=note,
                                  source_kind="panel" if panel else None, source_id=panel.id if panel else None,
                                  source_url=f"/panels/{panel.id}/" if panel else None))
    return True


def _assessment(org: Organisation, assessed_on: date, scores: list[int]) -> bool:
    found = db.session.scalar(select(Assessment.id).filter_by(organisation_id=org.id, framework="psci",
                                                               assessed_on=assessed_on))
    if found is not None:
        return False
    assessment = Assessment(organisation_id=org.id, framework="psci", assessed_on=assessed_on, status="final",
                            assessor="Independent evaluator (university partner)",
                            interviewees="Chief executive; Director of strategy; Head of engagement",
                            documents=["Council plan", "Annual report", "Panel evaluation reports"])
    for key, score in zip(PSCI, scores, strict=True):
        assessment.answers.append(AssessmentAnswer(
            capability=key, answers=dict(ANSWERS), score=score,
            reason=f"Scored {score}: practice seen in the interviews, with "
                   f"{'documented outcomes' if score >= 3 else 'few documented outcomes so far'}."))
    db.session.add(assessment)
    return True


def _city_evidence(org: Organisation) -> int:
    created = 0
    for position, (title, slug, stage, year) in enumerate(PANELS.get(org.slug, [])):
        panel = _panel(org, title, slug, stage, year)
        for n, (indicator, capability, unit, confidence, base, step) in enumerate(INDICATORS):
            if indicator in {"recommendations_accepted", "named_department", "pilots_launched"} \
                    and stage not in STAGES_WITH_OUTCOMES:
                continue  # a panel still sitting has no response to measure yet
            value = max(0.0, base + step * (position + OFFSET.get(org.slug, 0.0)))
            value = round(value) if unit == "count" else value
            source = "import" if n % 3 == 2 else "manual"
            created += _record(org, panel, indicator, capability, value, unit, date(year, 9, 30), confidence, source)
    for year, scores in SCORES.get(org.slug, {}).items():
        created += _assessment(org, date(year, 10, 15), scores)
    return created


def build(org: Organisation) -> list[str]:
    """Riverton's evidence (the feed, a past panel, two assessments a year apart) and its peers'."""
    from ..evidence.feed import run_feed

    if org.income_group is None:
        org.income_group = "high"
    org.open_data = True
    _city_evidence(org)
    for values in PEERS:
        _city_evidence(_organisation(values))
    db.session.commit()
    run_feed(organisation=org)
    db.session.commit()
    records = db.session.scalar(select(db.func.count(EvidenceRecord.id)).filter_by(organisation_id=org.id))
    lines = [f"  Evidence base: {records} evidence records for {org.name}, two assessments a year apart; "
             f"{len(PEERS)} peer cities in two peer groups (capability profile: /o/{org.slug}/evidence/)"]
    return lines
