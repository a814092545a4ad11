"""Table plans: allocation with the rules, scores against random, hand moves, locks, PDF, notes."""

from __future__ import annotations

import io

from pypdf import PdfReader

from panels.extensions import db
from panels.sessions.participation import Attendance, TableNote, TablePlan
from tests.sessions_tables.fixtures import members_with_answers, session


def _plan(app, session_id):
    with app.app_context():
        plan = db.session.query(TablePlan).filter_by(session_id=session_id).one()
        db.session.expunge(plan)
        return plan


def test_allocate_mix_and_meet_with_rules(app, world, as_user):
    with app.app_context():
        ids = members_with_answers(world, 11) + [world.member.id]  # the world's member sits on the panel too
        first, second = session(world, 1).id, session(world, 2).id
        db.session.add(Attendance(session_id=second, user_id=ids[10], status="absent"))
        db.session.commit()
    client = as_user("facilitator")
    url = f"/panels/{world.panel.id}/sessions/{first}/tables"
    done = client.post(url, data={"table_size": 4, "categories": ["age", "area"], "seed": "s1",
                                  "together": "Member 00 Person, Member 01 Person",
                                  "apart": "Member 02 Person, Member 03 Person"})
    assert done.status_code == 302, done.data[-800:]
    plan = _plan(app, first)
    tables = [t["members"] for t in plan.tables]
    assert sorted(m for t in tables for m in t) == sorted(ids) and [len(t) for t in tables] == [4, 4, 4]
    table_of = {m: i for i, t in enumerate(tables) for m in t}
    assert table_of[ids[0]] == table_of[ids[1]] and table_of[ids[2]] != table_of[ids[3]]
    assert plan.scores["diversity"] >= plan.scores["random"]["diversity"]
    page = client.get(url)
    assert b"table mix" in page.data and b"Member 00 Person" in page.data

    client.post(f"/panels/{world.panel.id}/sessions/{second}/tables", data={"table_size": 4, "seed": "s2",
                                                                             "categories": ["age", "area"]})
    later = _plan(app, second)
    seated = [m for t in later.tables for m in t["members"]]
    assert ids[10] not in seated and len(seated) == 11  # the absent member is left out
    assert _plan(app, first).tables == plan.tables  # the past session is unchanged
    assert later.scores["meeting"] >= later.scores["random"]["meeting"]


def test_bad_rules_are_refused_with_the_reason(app, world, as_user):
    with app.app_context():
        members_with_answers(world, 6)
        first = session(world).id
    response = as_user("organiser").post(f"/panels/{world.panel.id}/sessions/{first}/tables",
                                         data={"table_size": 3, "together": "Nobody Here, Member 00 Person"})
    assert response.status_code == 422 and b"Nobody Here is not a member" in response.data
    with app.app_context():
        assert db.session.query(TablePlan).count() == 0


def test_move_lock_print_and_notes(app, world, as_user):
    with app.app_context():
        ids = members_with_answers(world, 7)
        first = session(world).id
    client = as_user("facilitator")
    base = f"/panels/{world.panel.id}/sessions/{first}/tables"
    client.post(base, data={"table_size": 4, "seed": "x", "categories": ["age"]})
    plan = _plan(app, first)
    mover = plan.tables[0]["members"][0]
    client.post(base + "/move", data={"member": mover, "table": 2})
    moved = _plan(app, first)
    assert mover in moved.tables[1]["members"] and moved.adjusted
    client.post(base + "/lock", data={"locked": "1"})
    refused = client.post(base, data={"table_size": 4, "seed": "y"})
    assert b"locked" in refused.data
    assert _plan(app, first).tables == moved.tables
    pdf = client.get(base.replace("/tables", "/tables.pdf"))
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Table 1" in text and "Member" in text and "Person" not in text  # first names only
    client.post(base + "/notes", data={"table_number": 2, "agenda_item": "Tables", "text": "More buses at night"})
    with app.app_context():
        assert db.session.query(TableNote).one().text == "More buses at night"
    assert len(ids) == 7


def test_members_cannot_see_table_plans(app, world, as_user):
    with app.app_context():
        first = session(world).id
    assert as_user("member").get(f"/panels/{world.panel.id}/sessions/{first}/tables").status_code == 403


def test_a_member_who_left_is_not_seated_in_later_sessions(app, world, as_user):
    from panels.pool.models import Volunteer

    with app.app_context():
        ids = members_with_answers(world, 8)
        first, second = session(world, 1).id, session(world, 2).id
    client = as_user("organiser")
    client.post(f"/panels/{world.panel.id}/sessions/{first}/tables", data={"table_size": 3, "seed": "a"})
    with app.app_context():
        db.session.query(Volunteer).filter_by(public_id="V-T000").one().status = "withdrawn"
        db.session.commit()
    client.post(f"/panels/{world.panel.id}/sessions/{second}/tables", data={"table_size": 3, "seed": "b"})
    assert ids[0] in [m for t in _plan(app, first).tables for m in t["members"]]  # the past is kept
    assert ids[0] not in [m for t in _plan(app, second).tables for m in t["members"]]
