"""Authorization matrix entries for the government's response: the panel reads, managers record,
members rate, the public reads the response page once the report is published."""

from __future__ import annotations

from tests.app.matrix_roles import MANAGERS, ON_PANEL, PUBLIC

MATRIX = {
    "government.responses_list": ON_PANEL,
    "government.response_edit": MANAGERS,
    "government.terms": MANAGERS,
    "government.progress": MANAGERS,
    "government.results": ON_PANEL,
    "government.result_add": MANAGERS,
    "government.result_edit": MANAGERS,
    "government.milestone_add": MANAGERS,
    "government.milestone_edit": MANAGERS,
    "government.evidence": ON_PANEL,
    "government.export_csv": ON_PANEL,
    "government.import_csv": MANAGERS,
    "government.rate": {"member"},
    "government.public_response": PUBLIC,
    "government.public_evidence": PUBLIC,
}


def url_values(world, app) -> dict:
    """An adopted, responded recommendation (numbered 901, clear of other areas' samples) with a result
    and a milestone holding a stored document; and a second panel whose report is published."""
    from datetime import date

    from panels.extensions import db
    from panels.panel.models import Panel
    from panels.recommendations.implementation import evidence_path
    from panels.recommendations.models import (
        FinalReport,
        GovernmentResponse,
        ImplementationResult,
        Milestone,
        Recommendation,
    )

    with app.app_context():
        rec = Recommendation(panel_id=world.panel.id, number=901, title="Matrix recommendation", text="Do it.",
                             status="adopted")
        db.session.add(rec)
        db.session.flush()
        db.session.add(GovernmentResponse(recommendation_id=rec.id, response="accepted", responded_on=date.today()))
        result = ImplementationResult(panel_id=world.panel.id, recommendation_id=rec.id, title="Matrix result")
        db.session.add(result)
        db.session.flush()
        evidence_path("matrixevidence.pdf").write_bytes(b"%PDF-1.4\n% matrix\n")
        milestone = Milestone(result_id=result.id, title="Matrix milestone", evidence_filename="evidence.pdf",
                              evidence_stored_name="matrixevidence.pdf")
        db.session.add(milestone)
        published = Panel(organisation_id=world.org.id, title="Responded assembly", slug="responded-matrix",
                          question="Q?", seats=24, kind="assembly", status="responded")
        db.session.add(published)
        db.session.flush()
        db.session.add(FinalReport(panel_id=published.id, status="published", delivered_on=date.today()))
        other = Recommendation(panel_id=published.id, number=1, title="Public recommendation", text="Do it.",
                               status="adopted")
        db.session.add(other)
        db.session.flush()
        other_result = ImplementationResult(panel_id=published.id, recommendation_id=other.id, title="Public result")
        db.session.add(other_result)
        db.session.flush()
        public_milestone = Milestone(result_id=other_result.id, title="Public milestone",
                                     evidence_filename="evidence.pdf", evidence_stored_name="matrixevidence.pdf")
        db.session.add(public_milestone)
        db.session.commit()
        values = {"gov_rec_id": rec.id, "gov_result_id": result.id, "gov_milestone_id": milestone.id,
                  "responded_panel_id": published.id, "public_milestone_id": public_milestone.id}
        db.session.remove()
    return values
