"""Members ask, facilitators answer; the balance report counts it; the public page hides members."""

from __future__ import annotations

from sessions_helpers import add_session, add_speaker

MEMBER_NAME = "Zelda Quill"


def _rename_member(app, world) -> None:
    from panels.accounts.models import User
    from panels.extensions import db

    with app.app_context():
        db.session.get(User, world.member.id).name = MEMBER_NAME
        db.session.commit()


def test_question_answered_and_counted_in_the_balance_report(app, world, as_user):
    speaker = add_speaker(app, world.panel.id, "Dr Ada Lane", "for", affiliation="Riverton University")
    add_session(app, world.panel.id, agenda=[{"title": "Talk", "type": "presentation", "start": "10:00",
                                              "end": "10:45", "speakers": [str(speaker)], "items": []}])
    member = as_user("member")
    r = member.post(f"/panels/{world.panel.id}/questions",
                    data={"kind": "question", "speaker": speaker, "text": "How many homes are empty?"})
    assert r.status_code == 302
    r = member.post(f"/panels/{world.panel.id}/questions",
                    data={"kind": "witness", "speaker": 0, "text": "We would like to hear a private landlord.",
                          "perspective": "against"})
    assert r.status_code == 302
    facilitator = as_user("facilitator")
    balance = facilitator.get(f"/panels/{world.panel.id}/programme/balance").get_data(as_text=True)
    assert "1 question(s) to speakers, 0 answered; 1 request(s) for witnesses, 1 open." in balance
    assert "We would like to hear a private landlord." in balance
    assert "<svg" in balance and "Speaking minutes per perspective" in balance

    from panels.extensions import db
    from panels.sessions.models import MemberQuestion

    with app.app_context():
        q_id, w_id = [q.id for q in db.session.scalars(db.select(MemberQuestion).order_by(MemberQuestion.id))]
    assert facilitator.post(f"/panels/{world.panel.id}/questions/{q_id}/answer",
                            data={"answer": "About 900, says the council's survey."}).status_code == 302
    assert facilitator.post(f"/panels/{world.panel.id}/questions/{w_id}/answer",
                            data={"answer": "Booked for session 1.", "session": 0}).status_code == 302
    balance = facilitator.get(f"/panels/{world.panel.id}/programme/balance").get_data(as_text=True)
    assert "1 question(s) to speakers, 1 answered; 1 request(s) for witnesses, 0 open." in balance
    assert "None: every request has an answer." in balance
    page = member.get(f"/panels/{world.panel.id}/questions").get_data(as_text=True)
    assert "About 900" in page


def test_only_members_ask_and_only_planners_answer(app, world, as_user):
    r = as_user("observer").post(f"/panels/{world.panel.id}/questions", data={"kind": "question", "text": "Hm?"})
    assert r.status_code == 403
    as_user("member").post(f"/panels/{world.panel.id}/questions", data={"kind": "question", "text": "Why?"})
    from panels.extensions import db
    from panels.sessions.models import MemberQuestion

    with app.app_context():
        q_id = db.session.scalar(db.select(MemberQuestion.id))
    assert as_user("member").post(f"/panels/{world.panel.id}/questions/{q_id}/answer",
                                  data={"answer": "Because"}).status_code == 403


def test_public_page_shows_speakers_and_never_member_names(app, world, as_user):
    _rename_member(app, world)
    speaker = add_speaker(app, world.panel.id, "Prof Sam Reyes", "neutral", affiliation="Housing Institute",
                          interests="Adviser to the council")
    add_session(app, world.panel.id, title="What is affordable?",
                agenda=[{"title": "Affordability explained", "type": "presentation", "start": "10:00",
                         "end": "10:45", "speakers": [str(speaker)], "items": []}])
    member = as_user("member")
    member.post(f"/panels/{world.panel.id}/questions", data={"kind": "question", "text": "Secret worry?"})
    member.post(f"/panels/{world.panel.id}/questions",
                data={"kind": "question", "text": "Named question?", "show_name": "y"})
    from panels.extensions import db
    from panels.sessions.models import MemberQuestion

    with app.app_context():
        ids = list(db.session.scalars(db.select(MemberQuestion.id).order_by(MemberQuestion.id)))
    for q_id in ids:
        as_user("facilitator").post(f"/panels/{world.panel.id}/questions/{q_id}/answer", data={"answer": "Yes."})
    page = as_user("anonymous").get(f"/p/{world.panel.id}/curriculum")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "What is affordable?" in text and "Prof Sam Reyes" in text and "Housing Institute" in text
    assert "neutral" in text and "Adviser to the council" in text
    assert "Secret worry?" in text
    assert text.count(MEMBER_NAME) == 1  # only where the member chose to be named
    assert f"(asked by {MEMBER_NAME})" in text


def test_public_page_hides_names_by_default(app, world, as_user):
    _rename_member(app, world)
    as_user("member").post(f"/panels/{world.panel.id}/questions", data={"kind": "question", "text": "Anon?"})
    from panels.extensions import db
    from panels.sessions.models import MemberQuestion

    with app.app_context():
        q_id = db.session.scalar(db.select(MemberQuestion.id))
    as_user("organiser").post(f"/panels/{world.panel.id}/questions/{q_id}/answer", data={"answer": "Yes."})
    text = as_user("anonymous").get(f"/p/{world.panel.id}/curriculum").get_data(as_text=True)
    assert "Anon?" in text
    assert MEMBER_NAME not in text and world.member.email not in text


def test_members_see_their_own_and_answered_questions_only(app, world, as_user):
    from panels.extensions import db
    from panels.sessions.models import MemberQuestion

    with app.app_context():
        db.session.add(MemberQuestion(panel_id=world.panel.id, kind="question", asked_by_id=world.organiser.id,
                                      text="Another member asks this"))
        db.session.commit()
    page = as_user("member").get(f"/panels/{world.panel.id}/questions").get_data(as_text=True)
    assert "Another member asks this" not in page
    assert "Another member asks this" in as_user("facilitator").get(
        f"/panels/{world.panel.id}/questions").get_data(as_text=True)


def test_observers_do_not_see_who_asked(app, world, as_user):
    _rename_member(app, world)
    as_user("member").post(f"/panels/{world.panel.id}/questions", data={"kind": "question", "text": "Who pays?"})
    observer = as_user("observer").get(f"/panels/{world.panel.id}/questions").get_data(as_text=True)
    assert "Who pays?" in observer and MEMBER_NAME not in observer and "Asked by a member" in observer
    assert MEMBER_NAME in as_user("facilitator").get(f"/panels/{world.panel.id}/questions").get_data(as_text=True)
