"""Authorization matrix entries for the final report: staff manage, the panel reads the draft,
members flag errors, the public reads the published report."""

from __future__ import annotations

from tests.app.matrix_roles import ON_PANEL, PUBLIC

STAFF = {"facilitator", "organiser", "admin"}

MATRIX = {
    "final_report.manage": STAFF,
    "final_report.save_foreword": STAFF,
    "final_report.open_review": STAFF,
    "final_report.publish": STAFF,
    "final_report.resolve_flag": STAFF,
    "final_report.draft": ON_PANEL,
    "final_report.draft_pdf": ON_PANEL,
    "final_report.flag": {"member"},
    "final_report.public_page": PUBLIC,
    "final_report.public_pdf": PUBLIC,
}


def url_values(world, app) -> dict:
    """A published report (so the public URLs exist) with one member's flag."""
    from panels.db import utcnow
    from panels.extensions import db
    from panels.recommendations.models import FinalReport, ReportFlag

    with app.app_context():
        if db.session.get(FinalReport, world.panel.id) is None:
            db.session.add(FinalReport(panel_id=world.panel.id, status="published", published_at=utcnow()))
        flag = ReportFlag(panel_id=world.panel.id, section="R1", text="A typo", user_id=world.member.id)
        db.session.add(flag)
        db.session.commit()
        values = {"flag_id": flag.id}
        db.session.remove()
    return values
