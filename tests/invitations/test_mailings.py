"""Mailings: the draw, codes, letters, the mail-house file, second mailings and reminders."""

from __future__ import annotations

import csv
import io

from lottery.codes import is_valid
from panels.extensions import db
from panels.invitations.models import Letter, Mailing
from panels.jobs import wait
from tests.invitations.fixtures import make_register_and_mailing

FORM = {"name": "First mailing", "requested": "12", "letter_text": "Dear resident,\n\n**Please register.**",
        "second_language": "", "page_size": "A4/DL", "seed": "fixed seed"}


def test_prepare_preview_and_generate_a_mailing(app, world, as_user):
    with app.app_context():
        from tests.invitations.fixtures import make_register, make_settings

        register = make_register(world.org.id, households=60)
        make_settings(world.panel.id)
        db.session.commit()
        register_id = register.id
    client = as_user("organiser")
    assert b"letters" in client.get(f"/panels/{world.panel.id}/mailings").data
    created = client.post(f"/panels/{world.panel.id}/mailings/new", data={**FORM, "register_id": register_id})
    assert created.status_code == 302, created.data[-2000:]
    detail_url = created.headers["Location"]
    detail = client.get(detail_url)
    assert b"Letters per stratum" in detail.data and b"North" in detail.data
    preview = client.get(detail_url + "/preview.pdf")
    assert preview.status_code == 200 and preview.data.startswith(b"%PDF")
    started = client.post(detail_url + "/generate")
    job_id = started.headers["Location"].rstrip("/").split("/")[-1]
    with app.app_context():
        job = wait(job_id, timeout=60)
        assert job.status == "succeeded", job.error
        mailing = db.session.query(Mailing).one()
        assert mailing.status == "ready" and mailing.letters_count == 12
        letters = db.session.query(Letter).filter_by(mailing_id=mailing.id).all()
        assert len(letters) == 12 and len({x.address_id for x in letters}) == 12
        assert all(is_valid(x.code) for x in letters)
        assert {x.area for x in letters} == {"North", "South", "East", "West"}  # 3 letters per area
    pdf = client.get(detail_url + "/letters.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    rows = list(csv.DictReader(io.StringIO(client.get(detail_url + "/letters.csv").data.decode())))
    assert len(rows) == 12
    assert all(r["registration_url"].endswith("?code=" + r["code"].replace("-", "")) for r in rows)


def test_a_second_mailing_never_repeats_an_address(app_ctx, world):
    register_id, first_id = make_register_and_mailing(world.org.id, world.panel.id, households=30, letters=20,
                                                      generate=True)
    from panels import jobs

    second = Mailing(panel_id=world.panel.id, register_id=register_id, name="Second", requested=10,
                     strata=["area"], weights={}, letter_text="Again", seed="another", status="generating")
    db.session.add(second)
    db.session.commit()
    app_ctx.config["JOB_EXECUTOR"] = "sync"
    try:
        assert jobs.submit("invitations.generate_mailing", "x", mailing_id=second.id).status == "succeeded"
    finally:
        app_ctx.config["JOB_EXECUTOR"] = "thread"
    first = {x.address_id for x in db.session.query(Letter).filter_by(mailing_id=first_id)}
    again = {x.address_id for x in db.session.query(Letter).filter_by(mailing_id=second.id)}
    assert len(first) == 20 and len(again) == 10 and not first & again


def test_asking_for_more_letters_than_households_is_explained(app, world, as_user):
    with app.app_context():
        _, mailing_id = make_register_and_mailing(world.org.id, world.panel.id, households=8, letters=50)
    page = as_user("organiser").get(f"/panels/{world.panel.id}/mailings/{mailing_id}")
    assert page.status_code == 200
    assert b"usa-alert--error" in page.data and b"Generate all" not in page.data


def test_a_reminder_goes_only_to_households_that_have_not_registered(app, world, as_user):
    with app.app_context():
        _, mailing_id = make_register_and_mailing(world.org.id, world.panel.id, households=30, letters=10,
                                                  generate=True)
        answered = db.session.query(Letter).filter_by(mailing_id=mailing_id).limit(4).all()
        for letter in answered:
            letter.registrations = 1
        db.session.commit()
        answered_codes = {x.code for x in answered}
    client = as_user("organiser")
    made = client.post(f"/panels/{world.panel.id}/mailings/{mailing_id}/reminder",
                       data={"letter_text": "A reminder: there is still time to register."})
    reminder_url = made.headers["Location"]
    client.post(reminder_url + "/generate")
    with app.app_context():
        reminder = db.session.query(Mailing).filter_by(kind="reminder").one()
        job = wait(reminder.job_id, timeout=60)
        assert job.status == "succeeded", job.error
        db.session.refresh(reminder)
        assert reminder.letters_count == 6
    rows = list(csv.DictReader(io.StringIO(client.get(reminder_url + "/letters.csv").data.decode())))
    assert len(rows) == 6
    assert not {r["code"].replace("-", "") for r in rows} & answered_codes


def test_the_response_page_shows_rates_and_composition(app, world, as_user):
    from panels.pool.models import Volunteer

    with app.app_context():
        _, mailing_id = make_register_and_mailing(world.org.id, world.panel.id, households=30, letters=12,
                                                  generate=True)
        letters = db.session.query(Letter).filter_by(mailing_id=mailing_id).all()
        for i, letter in enumerate(letters[:3]):
            letter.registrations = 1
            db.session.add(Volunteer(panel_id=world.panel.id, public_id=f"V-{i}", letter_id=letter.id,
                                     area=letter.area, answers={"age": "60+" if i else "16-29"}))
        db.session.commit()
    client = as_user("observer")
    page = client.get(f"/panels/{world.panel.id}/responses")
    assert page.status_code == 200
    assert b"<svg" in page.data and b"Response rate by area" in page.data
    assert b"25.0 %" in page.data  # 3 households answered out of 12 letters
    assert b"How old are you?" in page.data and b"60 or over" in page.data
    exported = client.get(f"/panels/{world.panel.id}/responses.csv").data.decode()
    assert "composition,age,60+" in exported
