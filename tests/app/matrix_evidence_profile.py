"""Authorization matrix entries for the capability profile, assessments and peer comparison."""

from __future__ import annotations

from tests.app.matrix_roles import MANAGERS, ORG_STAFF

MATRIX = {
    "evidence.profile": ORG_STAFF,
    "evidence.capability": ORG_STAFF,
    "evidence.profile_pdf": ORG_STAFF,
    "evidence.peers": ORG_STAFF,
    "evidence.assessment_list": ORG_STAFF,
    "evidence.assessment_detail": ORG_STAFF,
    "evidence.assessment_new": MANAGERS,
    "evidence.assessment_edit": MANAGERS,
    "evidence.sharing": MANAGERS,
}


def url_values(world, app) -> dict:
    """A draft assessment of the organisation, and a capability key."""
    from datetime import date

    from panels.evidence.models import Assessment
    from panels.extensions import db

    with app.app_context():
        assessment = Assessment(organisation_id=world.org.id, framework="psci", assessed_on=date(2026, 1, 15),
                                assessor="Matrix evaluator", status="draft")
        db.session.add(assessment)
        db.session.commit()
        values = {"assessment_id": assessment.id, "capability": "coalitions"}
        db.session.remove()
    return values
