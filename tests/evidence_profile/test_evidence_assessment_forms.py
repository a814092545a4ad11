"""Assessments: start, answer, score with a reason, save a draft, finalise; forms fail whole with clear errors."""

from __future__ import annotations

from datetime import date, timedelta

from tests.evidence_profile.evidence_profile_helpers import PSCI


def _start(client, org_slug, **overrides):
    data = {"framework": "psci", "assessed_on": "2026-03-01", "assessor": "Independent evaluator",
            "interviewees": "Chief executive; Director of transport", "documents": "https://example.org/plan.pdf\n"
            "Annual report 2025"}
    data.update(overrides)
    return client.post(f"/o/{org_slug}/evidence/assessments/new", data=data)


def _answers(score: int | None = 3, reason: str = "Shown in the interviews and the annual report") -> dict:
    data = {"assessed_on": "2026-03-01", "assessor": "Independent evaluator"}
    for key in PSCI:
        data[f"{key}-practice"] = f"How {key} is practised"
        data[f"{key}-score"] = "" if score is None else str(score)
        data[f"{key}-reason"] = reason if score is not None else ""
    return data


def _only_assessment(app):
    from panels.evidence.models import Assessment
    from panels.extensions import db

    with app.app_context():
        rows = db.session.scalars(db.select(Assessment)).all()
        return [(a.id, a.status, {x.capability: (x.score, x.reason) for x in a.answers}) for a in rows]


def test_start_answer_and_finalise_an_assessment(app, world, as_user):
    client = as_user("organiser")
    response = _start(client, world.org.slug)
    assert response.status_code == 302 and "/edit" in response.headers["Location"]
    edit = client.get(response.headers["Location"])
    assert edit.status_code == 200
    assert "How does the city build coalitions and partnerships" in edit.get_data(as_text=True)
    (assessment_id, status, _), = _only_assessment(app)
    assert status == "draft"

    draft = _answers(None)
    draft["coalitions-score"], draft["coalitions-reason"] = "4", "Two new partnerships"
    saved = client.post(f"/o/{world.org.slug}/evidence/assessments/{assessment_id}/edit",
                        data={**draft, "action": "draft"})
    assert saved.status_code == 302
    assert _only_assessment(app)[0][2]["coalitions"] == (4, "Two new partnerships")

    final = client.post(f"/o/{world.org.slug}/evidence/assessments/{assessment_id}/edit",
                        data={**_answers(4), "action": "finalise"}, follow_redirects=True)
    assert final.status_code == 200 and "is final" in final.get_data(as_text=True)
    assert _only_assessment(app)[0][1] == "final"
    profile = client.get(f"/o/{world.org.slug}/evidence/").get_data(as_text=True)
    assert "<td>4</td>" in profile

    again = client.post(f"/o/{world.org.slug}/evidence/assessments/{assessment_id}/edit",
                        data={**_answers(1), "action": "finalise"}, follow_redirects=True)
    assert "can no longer change" in again.get_data(as_text=True)
    assert _only_assessment(app)[0][2]["coalitions"][0] == 4


def test_header_errors_name_the_field_and_nothing_is_saved(app, world, as_user):
    client = as_user("organiser")
    future = (date.today() + timedelta(days=3)).isoformat()
    response = _start(client, world.org.slug, assessor="", assessed_on=future, framework="nope")
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "Assessor: say who assessed" in text and "cannot be in the future" in text
    assert "“nope” is not one of the frameworks" in text
    assert _start(client, world.org.slug, assessed_on="15/03/2026").status_code == 422
    assert _only_assessment(app) == []


def test_a_score_needs_a_reason_and_finalising_needs_every_score(app, world, as_user):
    client = as_user("admin")
    _start(client, world.org.slug)
    (assessment_id, _, _), = _only_assessment(app)
    url = f"/o/{world.org.slug}/evidence/assessments/{assessment_id}/edit"

    no_reason = _answers(3)
    no_reason["coalitions-reason"] = ""
    no_reason["experimentation-score"] = "7"
    response = client.post(url, data={**no_reason, "action": "draft"})
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "Building coalitions and partnerships: give the reason for the score" in text
    assert "the score must be a whole number from 1 to 5" in text
    assert 'id="coalitions-reason"' in text and 'aria-invalid="true"' in text
    assert _only_assessment(app)[0][2] == {}  # the whole form failed: not even the valid capabilities were saved

    partial = _answers(None)
    partial["coalitions-score"], partial["coalitions-reason"] = "2", "A start"
    response = client.post(url, data={**partial, "action": "finalise"})
    assert response.status_code == 422
    assert "Strategic awareness: score it from 1 to 5 before finalising" in response.get_data(as_text=True)
    assert _only_assessment(app)[0][1] == "draft"


def test_observers_read_but_do_not_assess_and_other_organisations_get_404(app, world, as_user):
    organiser = as_user("organiser")
    _start(organiser, world.org.slug)
    (assessment_id, _, _), = _only_assessment(app)
    observer = as_user("observer")
    assert observer.get(f"/o/{world.org.slug}/evidence/assessments/{assessment_id}").status_code == 200
    assert observer.post(f"/o/{world.org.slug}/evidence/assessments/{assessment_id}/edit",
                         data=_answers(5)).status_code == 403
    assert _start(observer, world.org.slug).status_code == 403
    from panels.accounts.models import Membership
    from panels.extensions import db

    with app.app_context():  # the outsider becomes an observer of the whole other organisation
        db.session.add(Membership(user_id=world.outsider.id, organisation_id=world.other_org.id, role="observer"))
        db.session.commit()
    outsider = as_user("outsider")
    assert outsider.get(f"/o/{world.org.slug}/evidence/assessments/{assessment_id}").status_code == 403
    assert outsider.get(f"/o/{world.other_org.slug}/evidence/assessments/{assessment_id}").status_code == 404
