"""Check-in by facilitators and with the session code, retention, at-risk members, support needs, expenses."""

from __future__ import annotations

from decimal import Decimal

from participation_helpers import add_members, add_session, add_volunteer, session_code


def _status(app, session_id, user_id):
    from panels.extensions import db
    from panels.sessions.participation import Attendance

    with app.app_context():
        row = db.session.scalar(db.select(Attendance).filter_by(session_id=session_id, user_id=user_id))
        return (row.status, row.method) if row else None


def test_facilitator_checks_members_in_on_the_session_page(app, world, as_user):
    sid = add_session(app, world.panel.id)
    facilitator = as_user("facilitator")
    page = facilitator.get(f"/panels/{world.panel.id}/sessions/{sid}/attendance").get_data(as_text=True)
    assert "Member" in page and session_code(app, sid) in page
    assert 'name="status" value="present"' in page and "usa-button--big" in page
    r = facilitator.post(f"/panels/{world.panel.id}/sessions/{sid}/attendance",
                         data={"user_id": world.member.id, "status": "present"})
    assert r.status_code == 302
    assert _status(app, sid, world.member.id) == ("present", "facilitator")
    facilitator.post(f"/panels/{world.panel.id}/sessions/{sid}/attendance",
                     data={"user_id": world.member.id, "status": "excused"})
    assert _status(app, sid, world.member.id) == ("excused", "facilitator")
    # Someone who is not a member of the panel cannot be recorded
    r = facilitator.post(f"/panels/{world.panel.id}/sessions/{sid}/attendance",
                         data={"user_id": world.observer.id, "status": "present"}, follow_redirects=True)
    assert "Choose a member of this panel." in r.get_data(as_text=True)
    assert _status(app, sid, world.observer.id) is None


def test_member_checks_in_with_the_session_code_and_a_wrong_code_is_refused(app, world, as_user):
    sid = add_session(app, world.panel.id)
    other = add_session(app, world.panel.id, number=2)
    member = as_user("member")
    r = member.post(f"/panels/{world.panel.id}/sessions/{sid}/check-in", data={"code": session_code(app, other)})
    assert r.status_code == 422
    assert "not this session&#39;s code" in r.get_data(as_text=True) or "not this session's code" in r.get_data(
        as_text=True)
    assert _status(app, sid, world.member.id) is None
    code = session_code(app, sid)
    assert len(code) == 6
    r = member.post(f"/panels/{world.panel.id}/sessions/{sid}/check-in", data={"code": f" {code.lower()} "},
                    follow_redirects=True)
    assert "You are checked in to session 1" in r.get_data(as_text=True)
    assert _status(app, sid, world.member.id) == ("present", "code")


def test_check_in_attempts_are_rate_limited(app, world, as_user):
    sid = add_session(app, world.panel.id)
    member = as_user("member")
    codes = [member.post(f"/panels/{world.panel.id}/sessions/{sid}/check-in", data={"code": "WRONG1"}).status_code
             for _ in range(12)]
    assert codes[0] == 422 and codes[-1] == 429


def test_a_member_cannot_see_the_attendance_pages(app, world, as_user):
    sid = add_session(app, world.panel.id)
    member = as_user("member")
    assert member.get(f"/panels/{world.panel.id}/attendance").status_code == 403
    assert member.get(f"/panels/{world.panel.id}/sessions/{sid}/attendance").status_code == 403
    assert member.post(f"/panels/{world.panel.id}/sessions/{sid}/attendance",
                       data={"user_id": world.member.id, "status": "present"}).status_code == 403
    assert member.get(f"/panels/{world.panel.id}/expenses").status_code == 403
    assert as_user("observer").get(f"/panels/{world.panel.id}/attendance").status_code == 403


def test_members_who_missed_two_sessions_are_highlighted_with_retention_chart(app, world, as_user):
    extra = add_members(app, world, 3)
    sessions = [add_session(app, world.panel.id, number=n) for n in (1, 2, 3)]
    facilitator = as_user("facilitator")

    def mark(sid, uid, status):
        assert facilitator.post(f"/panels/{world.panel.id}/sessions/{sid}/attendance",
                                data={"user_id": uid, "status": status}).status_code == 302

    for sid in sessions:
        mark(sid, world.member.id, "present")
    mark(sessions[0], extra[0][0], "absent")
    mark(sessions[1], extra[0][0], "absent")  # Extra Member 00: two misses -> at risk
    mark(sessions[0], extra[1][0], "excused")
    mark(sessions[1], extra[1][0], "excused")  # excused twice: not at risk
    mark(sessions[2], extra[1][0], "absent")
    mark(sessions[0], extra[2][0], "present")
    mark(sessions[1], extra[2][0], "present")
    # Extra Member 02 has no record in session 3: counted absent, one miss only

    page = facilitator.get(f"/panels/{world.panel.id}/attendance").get_data(as_text=True)
    at_risk = page.split('id="at-risk"')[1].split("Retention across sessions")[0]
    assert "Extra Member 00" in at_risk and "At risk" in at_risk
    assert "Extra Member 01" not in at_risk and "Extra Member 02" not in at_risk
    assert "1 member(s) missed 2 or more sessions" in page
    assert "<svg" in page and "Members present per session" in page
    assert "50 %" in page  # session 1: 2 of 4 present


def test_support_needs_of_expected_members_shown_per_session(app, world, as_user):
    extra = add_members(app, world, 2)
    add_volunteer(app, world.panel.id, world.member.email, ["childcare", "travel"])
    add_volunteer(app, world.panel.id, extra[0][1].upper(), ["interpreting"])
    add_volunteer(app, world.panel.id, extra[1][1], ["travel"])
    sid = add_session(app, world.panel.id)
    organiser = as_user("organiser")
    organiser.post(f"/panels/{world.panel.id}/sessions/{sid}/attendance",
                   data={"user_id": extra[1][0], "status": "excused"})
    page = organiser.get(f"/panels/{world.panel.id}/sessions/{sid}/attendance").get_data(as_text=True)
    support = page.split("Support needs of the members expected")[1].split("Check members in")[0]
    assert "Childcare" in support and "Help with travel" in support and "interpreter" in support
    assert "Extra Member 00" in support and "Extra Member 01" not in support  # excused: not expected
    overview = organiser.get(f"/panels/{world.panel.id}/attendance").get_data(as_text=True)
    assert "Help with travel: 1" in overview


def test_expense_claims_with_totals_per_member_and_per_session(app, world, as_user):
    extra = add_members(app, world, 1)
    s1 = add_session(app, world.panel.id, number=1)
    s2 = add_session(app, world.panel.id, number=2)
    organiser = as_user("organiser")
    for uid, sid, kind, amount in [(world.member.id, s1, "travel", "12.50"), (world.member.id, s2, "childcare", "30"),
                                   (extra[0][0], s1, "travel", "7.25")]:
        r = organiser.post(f"/panels/{world.panel.id}/expenses",
                           data={"member": uid, "session": sid, "kind": kind, "amount": amount, "note": "bus"})
        assert r.status_code == 302, r.get_data(as_text=True)[:2000]
    r = organiser.post(f"/panels/{world.panel.id}/expenses",
                       data={"member": world.member.id, "session": s1, "kind": "travel", "amount": "-3"})
    assert r.status_code == 422
    r = organiser.post(f"/panels/{world.panel.id}/expenses",
                       data={"member": world.observer.id, "session": s1, "kind": "travel", "amount": "3"})
    assert r.status_code == 422  # not a member: not in the choices

    from panels.extensions import db
    from panels.panel.models import Panel
    from panels.sessions import attendance

    with app.app_context():
        per_member, per_session, total = attendance.totals(db.session.get(Panel, world.panel.id))
    assert per_member == {world.member.id: Decimal("42.50"), extra[0][0]: Decimal("7.25")}
    assert per_session == {s1: Decimal("19.75"), s2: Decimal("30.00")}
    assert total == Decimal("49.75")
    page = organiser.get(f"/panels/{world.panel.id}/expenses").get_data(as_text=True)
    assert "42.50" in page and "19.75" in page and "49.75" in page


def test_audit_log_has_no_personal_data(app, world, as_user):
    sid = add_session(app, world.panel.id)
    as_user("facilitator").post(f"/panels/{world.panel.id}/sessions/{sid}/attendance",
                                data={"user_id": world.member.id, "status": "absent"})
    from panels.audit import AuditEvent
    from panels.extensions import db

    with app.app_context():
        events = list(db.session.scalars(db.select(AuditEvent).filter_by(action="attendance.recorded")))
    assert len(events) == 1
    assert "absent" not in str(events[0].details) and str(world.member.id) != events[0].object_id


def test_refused_claims_leave_the_totals(app, world, as_user):
    sid = add_session(app, world.panel.id)
    organiser = as_user("organiser")
    organiser.post(f"/panels/{world.panel.id}/expenses",
                   data={"member": world.member.id, "session": sid, "kind": "meals", "amount": "8.50"})
    from panels.extensions import db
    from panels.panel.models import Panel
    from panels.sessions import attendance
    from panels.sessions.participation import ExpenseClaim

    with app.app_context():
        claim_id = db.session.scalar(db.select(ExpenseClaim.id))
    assert organiser.post(f"/panels/{world.panel.id}/expenses/{claim_id}/status",
                          data={"status": "refused"}).status_code == 302
    with app.app_context():
        assert db.session.get(ExpenseClaim, claim_id).status == "refused"
        assert attendance.totals(db.session.get(Panel, world.panel.id))[2] == Decimal("0")
    assert as_user("outsider").post(f"/panels/{world.other_panel.id}/expenses/{claim_id}/status",
                                    data={"status": "paid"}).status_code == 404
