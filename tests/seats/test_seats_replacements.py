"""Replacements: by lottery on the pseudonymous pool, keeping the quotas (a relaxation only when the
organiser accepts it), confirmed before anything changes, verifiable, with a full trail; or the next reserve."""

from __future__ import annotations

import json
from collections import Counter

import pandas as pd
import pytest
from sqlalchemy import select

import lottery
from panels.accounts.models import User
from panels.audit import AuditEvent
from panels.extensions import db
from panels.jobs import wait
from panels.pool.models import Volunteer
from panels.selection import confirmation as confirmations
from panels.selection import replacements
from panels.selection.models import Confirmation, Replacement, SelectionRun
from tests.seats.seats_helpers import prepare, real_draw, token_for, volunteer


@pytest.fixture
def drawn(app_ctx, world):
    """A real final draw of 8 from 40, everyone invited to confirm."""
    panel = prepare(world)
    run = real_draw(panel, world.organiser.id)
    organiser = db.session.get(User, world.organiser.id)
    confirmations.send_invitations(organiser, panel, run)
    return panel, run, organiser


def _panel_now(panel) -> list[Volunteer]:
    return db.session.scalars(select(Volunteer).where(Volunteer.panel_id == panel.id,
                                                      Volunteer.status.in_(("selected", "confirmed")))).all()


def _within_targets(panel, run) -> list[str]:
    counts = Counter((key, v.answers[key]) for v in _panel_now(panel) for key in ("age", "tenure"))
    return [f"{t['feature']}={t['value']}: {counts[(t['feature'], t['value'])]} not in {t['min']}-{t['max']}"
            for t in run.snapshot["targets"] if not t["min"] <= counts[(t["feature"], t["value"])] <= t["max"]]


def _proposal(panel, organiser, dropout_ids, seed="replacement seed"):
    job = replacements.propose(organiser, panel, dropout_ids, seed=seed)
    assert wait(job.id, 120).status == "succeeded", wait(job.id).error
    db.session.expire_all()
    return replacements.proposal(panel, job.id)


def test_a_lottery_replacement_keeps_the_quotas_and_records_the_trail(drawn):
    panel, draw, organiser = drawn
    leaving = sorted(draw.selected)[:2]
    for pid in leaving:
        confirmations.respond(token_for(volunteer(pid).id), "decline")
    seats = replacements.open_seats(panel)
    assert sorted(s.volunteer.public_id for s in seats) == leaving
    job, plan = _proposal(panel, organiser, [s.volunteer.id for s in seats])
    assert plan["dropouts"] == leaving and len(plan["replacements"]) == 2 and plan["relaxation"] == []
    # Nothing changes before the organiser confirms.
    assert [volunteer(pid).status for pid in leaving] == ["declined", "declined"]
    assert [volunteer(pid).status for pid in plan["replacements"]] == ["pool", "pool"]
    assert db.session.scalar(select(SelectionRun).where(SelectionRun.id != draw.id)) is None

    run = replacements.apply(organiser, panel, job.id)
    assert [volunteer(pid).status for pid in leaving] == ["replaced", "replaced"]
    assert [volunteer(pid).status for pid in plan["replacements"]] == ["selected", "selected"]
    assert len(_panel_now(panel)) == 8 and _within_targets(panel, draw) == []
    kept_households = {v.household_key for v in _panel_now(panel) if v.public_id not in plan["replacements"]}
    assert not {volunteer(pid).household_key for pid in plan["replacements"]} & kept_households
    # The trail: who left, why, who replaced them, by which run.
    rows = db.session.scalars(select(Replacement).order_by(Replacement.id)).all()
    assert [(r.dropout.public_id, r.replacement.public_id, r.run_id, r.method) for r in rows] == [
        (leaving[0], plan["replacements"][0], run.id, "lottery"), (leaving[1], plan["replacements"][1], run.id,
                                                                   "lottery")]
    assert all("Declined" in r.reason and r.created_by_id == organiser.id and r.relaxation is None for r in rows)
    assert (run.kind, run.status, run.snapshot["replacement_for"], run.selected) == (
        "final", "succeeded", leaving, plan["replacements"])
    # The replacement run verifies from its own inputs, like the draw.
    people, quotas = pd.DataFrame(run.snapshot["people"]), pd.DataFrame(run.snapshot["targets"])
    assert lottery.verify_report(run.report, quotas, people) == []
    assert not set(run.snapshot["people"][0]) - {"id", "age", "tenure", "household"}  # pseudonymous only
    # The replacements are invited to confirm.
    for pid in plan["replacements"]:
        assert confirmations.latest(volunteer(pid)).run_id == run.id
    with pytest.raises(replacements.ReplacementError, match="already"):
        replacements.apply(organiser, panel, job.id)
    details = json.dumps([e.details for e in db.session.scalars(select(AuditEvent))])
    assert "@test.example" not in details and "Person" not in details and "house " not in details


def test_a_relaxation_is_applied_only_when_the_organiser_accepts_it(drawn):
    panel, draw, organiser = drawn
    young = [v for v in _panel_now(panel) if v.answers["age"] == "young"]
    for member in young:
        confirmations.mark_dropout(organiser, member, "Exams")
    for v in db.session.scalars(select(Volunteer).where(Volunteer.panel_id == panel.id, Volunteer.status == "pool")):
        if v.answers["age"] == "young":
            v.status = "withdrawn"  # no young volunteer left to replace them
    db.session.commit()
    job, plan = _proposal(panel, organiser, [v.id for v in young])
    assert any(r["category"] == "age" and r["value"] == "young" for r in plan["relaxation"])
    with pytest.raises(replacements.ReplacementError, match="relax"):
        replacements.apply(organiser, panel, job.id)
    assert all(v.status == "declined" for v in young)
    assert all(volunteer(pid).status == "pool" for pid in plan["replacements"])
    run = replacements.apply(organiser, panel, job.id, accept_relaxation=True)
    rows = db.session.scalars(select(Replacement)).all()
    assert len(rows) == len(young) and all(r.relaxation == plan["relaxation"] and r.run_id == run.id for r in rows)
    assert lottery.verify_report(run.report, pd.DataFrame(run.snapshot["targets"]),
                                 pd.DataFrame(run.snapshot["people"])) == []


def test_a_proposal_goes_stale_when_the_panel_changes(drawn):
    panel, draw, organiser = drawn
    first, second = sorted(draw.selected)[:2]
    confirmations.respond(token_for(volunteer(first).id), "decline")
    job, plan = _proposal(panel, organiser, [volunteer(first).id])
    confirmations.respond(token_for(volunteer(second).id), "decline")  # the panel changed meanwhile
    with pytest.raises(replacements.ReplacementError, match="changed"):
        replacements.apply(organiser, panel, job.id)
    assert volunteer(first).status == "declined" and volunteer(plan["replacements"][0]).status == "pool"


def test_a_member_who_withdrew_by_the_private_link_is_replaced_too(drawn):
    panel, draw, organiser = drawn
    gone = volunteer(sorted(draw.selected)[0])
    gone.status = "withdrawn"  # as pool.services.withdraw does, without a Replacement row
    db.session.commit()
    seats = replacements.open_seats(panel)
    assert [(s.volunteer.public_id, s.row) for s in seats] == [(gone.public_id, None)]
    job, plan = _proposal(panel, organiser, [gone.id])
    replacements.apply(organiser, panel, job.id)
    row = db.session.scalar(select(Replacement))
    assert row.reason == "Withdrew (private link)" and row.replacement.public_id == plan["replacements"][0]


def test_the_next_reserve_in_the_recorded_order_takes_the_seat(drawn):
    panel, draw, organiser = drawn
    leaving = volunteer(sorted(draw.selected)[0])
    same = [v for v in db.session.scalars(select(Volunteer).where(Volunteer.panel_id == panel.id,
                                                                  Volunteer.status == "pool"))
            if v.answers == leaving.answers and v.public_id >= "V-0006"][:3]
    assert len(same) == 3
    for v in same:
        v.status = "reserve"
    order = [same[2].public_id, same[0].public_id, same[1].public_id]
    draw.snapshot = {**draw.snapshot, "reserves": order}
    db.session.commit()
    confirmations.mark_dropout(organiser, leaving, "Ill")
    reserve, _ = replacements.next_reserve(panel)
    assert reserve.public_id == order[0]
    row = replacements.take_reserve(organiser, panel, leaving)
    assert (row.method, row.run_id, row.replacement.public_id, row.reason) == ("reserve", draw.id, order[0], "Ill")
    assert volunteer(order[0]).status == "selected" and leaving.status == "replaced"
    assert _within_targets(panel, draw) == []
    assert db.session.scalar(select(Confirmation).filter_by(volunteer_id=volunteer(order[0]).id)) is not None


def test_replacements_through_the_page(app, world, as_user):
    with app.app_context():
        panel = prepare(world)
        draw = real_draw(panel, world.organiser.id)
        leaving = volunteer(sorted(draw.selected)[0])
        confirmations.mark_dropout(db.session.get(User, world.organiser.id), leaving, "Moved to another city")
        leaving_id, leaving_pid = leaving.id, leaving.public_id
        db.session.remove()
    client = as_user("organiser")
    url = f"/panels/{world.panel.id}/replacements"
    page = client.get(url).data.decode()
    assert leaving_pid in page and "Moved to another city" in page and "seat open" in page
    proposed = client.post(url, data={"action": "propose", "propose-dropouts": [leaving_id],
                                      "propose-seed": "dice 1 2 3"})
    assert proposed.status_code == 302 and "proposal=" in proposed.headers["Location"]
    job_id = proposed.headers["Location"].split("proposal=")[1]
    with app.app_context():
        assert wait(job_id, 120).status == "succeeded"
        db.session.remove()
    shown = client.get(proposed.headers["Location"]).data.decode()
    assert "Proposed replacements" in shown and "dice 1 2 3" in shown and "Confirm these replacements" in shown
    done = client.post(url, data={"action": "apply", "apply-job_id": job_id}, follow_redirects=True).data.decode()
    assert "Replacements made" in done and "Lottery" in done
    assert "seat open" not in done
    with app.app_context():
        assert volunteer(leaving_pid).status == "replaced"


def test_a_proposal_that_cannot_be_made_says_why(app, world, as_user):
    with app.app_context():
        panel = prepare(world)
        draw = real_draw(panel, world.organiser.id)
        leaving = volunteer(sorted(draw.selected)[0])
        confirmations.mark_dropout(db.session.get(User, world.organiser.id), leaving, "Ill")
        for v in db.session.scalars(select(Volunteer).where(Volunteer.status == "pool")):
            v.status = "withdrawn"
        db.session.commit()
        job = replacements.propose(db.session.get(User, world.organiser.id), panel, [leaving.id])
        assert wait(job.id, 60).status == "failed"
        job_id = job.id
        db.session.remove()
    page = as_user("organiser").get(f"/panels/{world.panel.id}/replacements?proposal={job_id}").data.decode()
    assert "No replacements can be proposed: only 0 eligible volunteers for 1 places." in page
    assert "Confirm these replacements" not in page
