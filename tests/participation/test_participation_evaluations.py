"""Anonymous questionnaires: answered once, no user id, shown only in aggregate from five answers."""

from __future__ import annotations

from participation_helpers import PASSWORD, add_members, add_session

ANSWERS = {"q_learning": "4", "q_heard": "5", "q_respect": "5", "q_balance": "3", "q_neutrality": "4"}


def _login(app, email):
    client = app.test_client()
    assert client.post("/login", data={"email": email, "password": PASSWORD}).status_code == 302
    return client


def _answer(client, panel_id, sid, comment="", **scores):
    url = f"/panels/{panel_id}/sessions/{sid}/evaluation" if sid else f"/panels/{panel_id}/evaluation/final"
    return client.post(url, data={**ANSWERS, **scores, "comment": comment})


def test_a_member_answers_once_and_the_response_carries_no_user_id(app, world, as_user):
    sid = add_session(app, world.panel.id)
    member = as_user("member")
    page = member.get(f"/panels/{world.panel.id}/sessions/{sid}/evaluation").get_data(as_text=True)
    assert "facilitators were neutral" in page and 'type="radio"' in page
    assert _answer(member, world.panel.id, sid, "Very good day").status_code == 302
    r = _answer(member, world.panel.id, sid, "Second try")
    assert r.status_code == 409
    assert "already answered" in member.get(f"/panels/{world.panel.id}/sessions/{sid}/evaluation").get_data(
        as_text=True)

    from panels.extensions import db
    from panels.sessions.participation import EvaluationReceipt, EvaluationResponse

    with app.app_context():
        responses = list(db.session.scalars(db.select(EvaluationResponse)))
        receipts = list(db.session.scalars(db.select(EvaluationReceipt)))
    assert len(responses) == 1 and len(receipts) == 1
    assert not any("user" in c.key for c in EvaluationResponse.__table__.columns)
    response = responses[0]
    assert response.scores == {"learning": 4, "heard": 5, "respect": 5, "balance": 3, "neutrality": 4}
    assert (response.submitted_on.hour, response.submitted_on.minute, response.submitted_on.second) == (0, 0, 0)
    assert receipts[0].user_id == world.member.id and receipts[0].session_key == str(sid)
    page = member.get(f"/panels/{world.panel.id}/my-sessions").get_data(as_text=True)
    assert "Answered, thank you" in page


def test_fewer_than_five_answers_show_nothing_not_even_comments(app, world, as_user):
    sid = add_session(app, world.panel.id)
    extra = add_members(app, world, 3)
    _answer(as_user("member"), world.panel.id, sid, "A secret remark")
    for _, email in extra:
        assert _answer(_login(app, email), world.panel.id, sid).status_code == 302
    page = as_user("observer").get(f"/panels/{world.panel.id}/evaluations").get_data(as_text=True)
    assert "Not enough answers yet to keep them anonymous (4 of 5)." in page
    assert "A secret remark" not in page and "<svg" not in page


def test_five_answers_show_aggregates_charts_and_comments(app, world, as_user):
    sid = add_session(app, world.panel.id)
    extra = add_members(app, world, 5)
    clients = [_login(app, email) for _, email in extra]
    for i, client in enumerate(clients):
        assert _answer(client, world.panel.id, sid, "Loved the tables" if i == 0 else "",
                       q_learning=str(1 + i)).status_code == 302
    page = as_user("observer").get(f"/panels/{world.panel.id}/evaluations").get_data(as_text=True)
    assert "Not enough answers" in page  # the final questionnaire still has none
    assert "5 answers: mean" in page
    assert "3.0" in page  # learning: 1..5, mean 3
    assert "Loved the tables" in page
    assert "<svg" in page and "Learning: mean per session" in page
    assert as_user("member").get(f"/panels/{world.panel.id}/evaluations").status_code == 403


def test_end_of_process_questionnaire_follows_the_same_rule(app, world, as_user):
    extra = add_members(app, world, 5)
    r = _answer(as_user("member"), world.panel.id, None, "Worth it", q_outcome="5", q_recommend="5")
    assert r.status_code == 302
    assert _answer(as_user("member"), world.panel.id, None).status_code == 409
    facilitator = as_user("facilitator")
    page = facilitator.get(f"/panels/{world.panel.id}/evaluations").get_data(as_text=True)
    final = page.split("End of the process")[1]
    assert "(1 of 5)" in final and "Worth it" not in final
    for _, email in extra[:4]:
        _answer(_login(app, email), world.panel.id, None, q_outcome="4", q_recommend="3")
    final = facilitator.get(f"/panels/{world.panel.id}/evaluations").get_data(as_text=True).split(
        "End of the process")[1]
    assert "5 answers: mean" in final and "Worth it" in final
    assert "recommendations reflect what the panel concluded" in final

    from panels.extensions import db
    from panels.sessions.participation import EvaluationReceipt, EvaluationResponse

    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(EvaluationResponse)
                                 .where(EvaluationResponse.session_id.is_(None))) == 5
        assert {r.session_key for r in db.session.scalars(db.select(EvaluationReceipt))} == {"final"}


def test_only_members_answer_and_an_empty_answer_is_refused(app, world, as_user):
    sid = add_session(app, world.panel.id)
    assert as_user("facilitator").get(f"/panels/{world.panel.id}/sessions/{sid}/evaluation").status_code == 403
    r = as_user("member").post(f"/panels/{world.panel.id}/sessions/{sid}/evaluation", data={"q_learning": "9"})
    assert r.status_code == 422
    r = as_user("member").post(f"/panels/{world.panel.id}/sessions/{sid}/evaluation", data={})
    assert r.status_code == 422 and "Answer at least one question" in r.get_data(as_text=True)


def test_a_question_most_members_skipped_is_not_shown(app, world, as_user):
    sid = add_session(app, world.panel.id)
    extra = add_members(app, world, 5)
    for i, (_, email) in enumerate(extra):
        scores = {"q_balance": "1"} if i == 0 else {"q_balance": ""}
        assert _answer(_login(app, email), world.panel.id, sid, **scores).status_code == 302
    page = as_user("organiser").get(f"/panels/{world.panel.id}/evaluations").get_data(as_text=True)
    assert "5 answers: mean" in page
    assert "Fewer than 5 answers to this question" in page
    assert "Balance of information: mean per session" not in page


def test_a_session_questionnaire_opens_on_the_day(app, world, as_user):
    from datetime import date, timedelta

    sid = add_session(app, world.panel.id, date=date.today() + timedelta(days=7))
    member = as_user("member")
    r = member.post(f"/panels/{world.panel.id}/sessions/{sid}/evaluation", data=ANSWERS, follow_redirects=True)
    assert "opens on the day of the session" in r.get_data(as_text=True)
    assert "Opens on the day" in member.get(f"/panels/{world.panel.id}/my-sessions").get_data(as_text=True)

    from panels.extensions import db
    from panels.sessions.participation import EvaluationResponse

    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(EvaluationResponse)) == 0
