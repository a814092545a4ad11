"""Sample evidence and assessments for the profile, assessment and peer tests."""

from __future__ import annotations

from datetime import date

PSCI = ["strategic_awareness", "adapting_focus", "coalitions", "transforming_teams", "experimentation"]


def add_record(org_id: int, capability: str, indicator: str, value: float, *, panel_id: int | None = None,
               observed_on: date = date(2026, 6, 1), confidence: str = "documented", unit: str = "%",
               source: str = "manual", source_url: str | None = None):
    from panels.evidence.models import EvidenceRecord
    from panels.extensions import db

    record = EvidenceRecord(organisation_id=org_id, panel_id=panel_id, framework="psci", capability=capability,
                            indicator=indicator, value=value, unit=unit, observed_on=observed_on, source=source,
                            confidence=confidence, source_url=source_url)
    db.session.add(record)
    db.session.flush()
    return record


def add_assessment(org_id: int, assessed_on: date, scores: dict[str, int], *, status: str = "final",
                   assessor: str = "Independent evaluator"):
    from panels.evidence.models import Assessment, AssessmentAnswer
    from panels.extensions import db

    assessment = Assessment(organisation_id=org_id, framework="psci", assessed_on=assessed_on, assessor=assessor,
                            status=status)
    for key, score in scores.items():
        assessment.answers.append(AssessmentAnswer(capability=key, answers={"practice": "Answer"}, score=score,
                                                   reason=f"Reason for {key} at {score}"))
    db.session.add(assessment)
    db.session.flush()
    return assessment


def add_panel(org_id: int, title: str, slug: str, status: str = "closed"):
    from panels.extensions import db
    from panels.panel.models import Panel

    panel = Panel(organisation_id=org_id, title=title, slug=slug, question="Q?", seats=24, status=status)
    db.session.add(panel)
    db.session.flush()
    return panel


def full_scores(value: int) -> dict[str, int]:
    return dict.fromkeys(PSCI, value)
