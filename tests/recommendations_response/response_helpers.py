"""Set-up shared by the government-response tests: adopted recommendations and a delivered report."""

from __future__ import annotations

from datetime import date


def adopted_recommendations(panel_id: int, count: int = 3, *, first: int = 1, status: str = "adopted") -> list[int]:
    """``count`` recommendations with ``status`` on the panel (call inside an app context)."""
    from panels.extensions import db
    from panels.recommendations.models import Recommendation

    recs = [Recommendation(panel_id=panel_id, number=first + i, title=f"Recommendation {first + i}",
                           text=f"Do thing **{first + i}**.", status=status) for i in range(count)]
    db.session.add_all(recs)
    db.session.commit()
    return [r.id for r in recs]


def delivered_report(panel_id: int, delivered_on: date, *, status: str = "published",
                     email: str | None = "lead@council.example", **terms):
    from panels.extensions import db
    from panels.recommendations.models import FinalReport

    report = db.session.get(FinalReport, panel_id) or FinalReport(panel_id=panel_id)
    report.status, report.delivered_on, report.responsible_email = status, delivered_on, email
    for name, value in terms.items():
        setattr(report, name, value)
    db.session.add(report)
    db.session.commit()
    return report
