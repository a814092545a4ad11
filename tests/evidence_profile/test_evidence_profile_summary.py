"""The capability profile: the arithmetic on plain data, the single-panel warning, the page and its drill-down."""

from __future__ import annotations

import re
from datetime import date

from panels.evidence.profile import AssessmentRow, Capability, RecordRow, summarise, timeline
from tests.evidence_profile.evidence_profile_helpers import add_assessment, add_panel, add_record, full_scores

CAPS = [Capability("coalitions", "Building coalitions"), Capability("experimentation", "Experimentation")]


def _row(i, capability, panel_id, confidence="documented", observed=date(2026, 1, 1), indicator="speakers"):
    return RecordRow(i, capability, indicator, float(i), "count", observed, confidence, panel_id,
                     f"Panel {panel_id}" if panel_id else None)


def test_latest_final_score_counts_and_panels():
    records = [_row(1, "coalitions", 10), _row(2, "coalitions", 10, "self_reported"),
               _row(3, "coalitions", 11, "independently_evaluated"), _row(4, "coalitions", None),
               _row(5, "experimentation", 10)]
    assessments = [AssessmentRow(1, date(2025, 1, 1), "final", {"coalitions": (2, "early")}),
                   AssessmentRow(2, date(2026, 1, 1), "final",
                                 {"coalitions": (4, "grown"), "experimentation": (3, "x")}),
                   AssessmentRow(3, date(2026, 6, 1), "draft", {"coalitions": (5, "not final")})]
    coalitions, experimentation = summarise(CAPS, records, assessments)
    assert (coalitions.score, coalitions.reason, coalitions.assessed_on) == (4, "grown", date(2026, 1, 1))
    assert coalitions.score_trend == [(date(2025, 1, 1), 2), (date(2026, 1, 1), 4)]  # the draft does not count
    assert coalitions.records == 4
    assert coalitions.by_confidence == {"self_reported": 1, "documented": 2, "independently_evaluated": 1}
    assert [p[:2] for p in coalitions.panels] == [(10, "Panel 10"), (11, "Panel 11")]
    assert coalitions.unpanelled == 1
    assert coalitions.warning is None
    assert experimentation.single_panel
    assert "one panel only (Panel 10)" in experimentation.warning
    assert "Never score a capability from a single panel" in experimentation.warning


def test_no_evidence_and_score_without_panels_is_flagged():
    summary, = summarise(CAPS[:1], [_row(1, "coalitions", None)],
                         [AssessmentRow(1, date(2026, 1, 1), "final", {"coalitions": (3, "r")})])
    assert not summary.single_panel and summary.panels == []
    assert "no evidence from any panel" in summary.warning


def test_timeline_carries_scores_forward_and_leaves_out_unscored():
    assessments = [AssessmentRow(1, date(2025, 1, 1), "final", {"coalitions": (2, "a")}),
                   AssessmentRow(2, date(2026, 1, 1), "final", {"coalitions": (3, "b"), "experimentation": (4, "c")})]
    dates, series = timeline(summarise(CAPS, [], assessments))
    assert dates == [date(2025, 1, 1), date(2026, 1, 1)]
    assert series == {"Building coalitions": [2.0, 3.0], "Experimentation": [4.0, 4.0]}
    assert timeline(summarise(CAPS, [], [])) == ([], {})


def _seed(app, world, *, second_panel: bool):
    from panels.extensions import db

    with app.app_context():
        add_record(world.org.id, "coalitions", "speakers", 12, panel_id=world.panel.id, unit="count",
                   source="feed", source_url=f"/panels/{world.panel.id}/")
        if second_panel:
            other = add_panel(world.org.id, "Budget jury", "budget-jury")
            add_record(world.org.id, "coalitions", "speakers", 8, panel_id=other.id, unit="count")
        add_assessment(world.org.id, date(2025, 3, 1), full_scores(2))
        add_assessment(world.org.id, date(2026, 3, 1), full_scores(3))
        db.session.commit()


def test_profile_page_shows_radar_table_and_single_panel_warning(app, world, as_user):
    _seed(app, world, second_panel=False)
    page = as_user("observer").get(f"/o/{world.org.slug}/evidence/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    svg = re.search(r"<svg.*?</svg>", html, re.S).group(0)
    for name in ("Strategic awareness", "Adapting focus areas", "Building coalitions and partnerships",
                 "Transforming teams", "Embedding experimentation and continuous learning"):
        assert name in svg
    assert "comes from one panel only (Test assembly)" in html
    assert "Scores by assessment date" in html  # the timeline and its table
    assert 'style="' not in html  # the CSP forbids inline styles


def test_two_panels_lift_the_warning_and_the_capability_drills_down_to_the_panel(app, world, as_user):
    _seed(app, world, second_panel=True)
    client = as_user("observer")
    html = client.get(f"/o/{world.org.slug}/evidence/").get_data(as_text=True)
    assert "Building coalitions and partnerships comes from one panel only" not in html
    page = client.get(f"/o/{world.org.slug}/evidence/capabilities/coalitions")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "one panel only" not in text
    assert f'href="/panels/{world.panel.id}/"' in text and "Budget jury" in text
    assert "Reason for coalitions at 3" in text  # the latest final assessment's reason
    assert client.get(f"/panels/{world.panel.id}/").status_code == 200  # the capability lead can follow it
    assert client.get(f"/o/{world.org.slug}/evidence/capabilities/nonsense").status_code == 404


def test_pdf_has_the_capabilities_and_page_numbers(app, world, as_user):
    import io

    from pypdf import PdfReader

    _seed(app, world, second_panel=False)
    response = as_user("organiser").get(f"/o/{world.org.slug}/evidence/profile.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(response.data))
    text = "\n".join(p.extract_text() for p in reader.pages)
    for name in ("Strategic awareness", "Adapting focus areas", "Transforming teams", "Building coalitions"):
        assert name in text
    assert len(reader.pages) >= 2
    for number in range(1, len(reader.pages) + 1):
        assert f"Page {number}" in reader.pages[number - 1].extract_text()
    assert "one panel only" in text


def test_other_organisations_and_members_cannot_see_the_profile(world, as_user):
    assert as_user("outsider").get(f"/o/{world.org.slug}/evidence/").status_code == 403
    assert as_user("member").get(f"/o/{world.org.slug}/evidence/").status_code == 403
    assert as_user("anonymous").get(f"/o/{world.org.slug}/evidence/").status_code == 302


def test_the_profile_the_report_and_the_peers_show_any_framework_not_only_the_psci(app, world, as_user):
    """An assessment in the OECD / Bloomberg framework shows in its own profile, drill-down, report and peers."""
    from panels.evidence.models import Assessment, AssessmentAnswer
    from panels.extensions import db

    with app.app_context():
        assessment = Assessment(organisation_id=world.org.id, framework="oecd_bloomberg",
                                assessed_on=date(2026, 1, 1), assessor="Evaluator", status="final")
        assessment.answers.append(AssessmentAnswer(capability="data_use", score=4, reason="Open dashboards"))
        db.session.add(assessment)
        record = add_record(world.org.id, "data_use", "response_rate", 3.5, panel_id=world.panel.id)
        record.framework = "oecd_bloomberg"
        db.session.commit()
    client = as_user("observer")
    default = client.get(f"/o/{world.org.slug}/evidence/").get_data(as_text=True)
    assert "Strategic awareness" in default and 'id="framework-form"' in default
    page = client.get(f"/o/{world.org.slug}/evidence/?framework=oecd_bloomberg")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    table = re.search(r'<table[^>]*id="profile-table".*?</table>', html, re.S).group(0)
    assert "Data use" in table and "Strategic awareness" not in table and ">4<" in table
    assert "/o/testville/evidence/peers?framework=oecd_bloomberg" in html  # the nav keeps the framework
    drill = client.get(f"/o/{world.org.slug}/evidence/capabilities/data_use").get_data(as_text=True)
    assert "Open dashboards" in drill and f'href="/panels/{world.panel.id}/"' in drill
    pdf = client.get(f"/o/{world.org.slug}/evidence/profile.pdf?framework=oecd_bloomberg")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    peers = client.get(f"/o/{world.org.slug}/evidence/peers?framework=oecd_bloomberg&method=kmeans&k=3")
    assert peers.status_code == 200 and 'name="method" value="kmeans"' in peers.get_data(as_text=True)
    assert client.get(f"/o/{world.org.slug}/evidence/?framework=nonsense").status_code == 404
