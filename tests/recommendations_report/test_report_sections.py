"""The report's other sections: the panel against the census targets, and the members' evaluation
(aggregates only, and only from the minimum number of answers)."""

from __future__ import annotations

from recommendations_report_helpers import build, pdf_text, publish


def _composition(app, data):
    from panels.extensions import db
    from panels.pool.models import Volunteer
    from panels.selection.models import Target

    with app.app_context():
        for i, email in enumerate(data.member_emails):
            db.session.add(Volunteer(panel_id=data.panel_id, public_id=f"v{i}", status="selected", email=email,
                                     answers={"age": "16-29" if i < 2 else "30-64"}))
        db.session.add_all([
            Target(panel_id=data.panel_id, category="age", value="16-29", census_share=0.3, min=1, max=3),
            Target(panel_id=data.panel_id, category="age", value="30-64", census_share=0.7, min=3, max=5)])
        db.session.commit()


def test_composition_against_the_census_targets_on_the_page_and_in_the_pdf(app, world, as_user):
    data = build(app, world)
    _composition(app, data)
    publish(app, data.panel_id)
    html = as_user("anonymous").get(f"/p/{data.panel_id}/report").get_data(as_text=True)
    assert "the panel against the census targets" in html
    assert "<td>16-29</td><td>30.0 %</td><td>1–3</td><td>2</td>" in html
    assert "<td>30-64</td><td>70.0 %</td><td>3–5</td><td>4</td>" in html
    pdf = as_user("anonymous").get(f"/p/{data.panel_id}/report.pdf")
    flat = " ".join(" ".join(pdf_text(pdf.data)).split())
    assert "6 members were drawn by lottery" in flat
    assert "age: shares of the panel and the census." in flat


def _evaluations(app, panel_id: int, n: int):
    from panels.extensions import db
    from panels.sessions.participation import EvaluationResponse

    with app.app_context():
        for i in range(n):
            db.session.add(EvaluationResponse(panel_id=panel_id, session_id=None,
                                              scores={"learning": 5 if i % 2 else 4, "heard": 2},
                                              comment=f"Private comment {i}"))
        db.session.commit()


def test_evaluation_is_hidden_below_the_minimum_of_answers(app, world, as_user):
    data = build(app, world)
    _evaluations(app, data.panel_id, 4)
    html = as_user("member").get(f"/panels/{data.panel_id}/report").get_data(as_text=True)
    assert "4 members answered the final evaluation; results are shown once at least 5" in html
    assert "Private comment" not in html


def test_evaluation_aggregates_without_comments(app, world, as_user):
    data = build(app, world)
    _evaluations(app, data.panel_id, 5)
    publish(app, data.panel_id)
    html = as_user("anonymous").get(f"/p/{data.panel_id}/report").get_data(as_text=True)
    assert "5 members answered the anonymous end-of-process evaluation." in html
    assert "<td>5</td><td>100 %</td><td>4.4</td>" in html  # learning: all agree, mean (3*4 + 2*5) / 5
    assert "<td>5</td><td>0 %</td><td>2.0</td>" in html  # heard: nobody agrees
    assert "Private comment" not in html
    flat = " ".join(" ".join(pdf_text(as_user("anonymous").get(f"/p/{data.panel_id}/report.pdf").data)).split())
    assert "Share of members who agree or strongly agree." in flat and "Private comment" not in flat
