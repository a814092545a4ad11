"""Minority reports: writing, co-signing, counts, and never dropped once the final report is published."""

from __future__ import annotations

import pytest

from tests.conftest import login
from tests.recommendations_votes import votes_helpers as h


def _report(app, world, as_user, rec_id=None) -> int:
    from panels.extensions import db
    from panels.recommendations.models import MinorityReport

    member = as_user("member")
    response = member.post(f"/panels/{world.panel.id}/minority/new", data={
        "title": "Keep the car park", "recommendation_id": str(rec_id or 0),
        "text": "We think **some** parking must stay.<script>alert(1)</script>"})
    assert response.status_code == 302
    with app.app_context():
        return db.session.query(MinorityReport.id).filter_by(panel_id=world.panel.id).scalar()


def _publish(app, world):
    from panels.extensions import db
    from panels.recommendations.models import FinalReport

    with app.app_context():
        db.session.add(FinalReport(panel_id=world.panel.id, status="published"))
        db.session.commit()


def test_members_co_sign_and_the_count_is_shown(app, world, as_user):
    with app.app_context():
        rec_id = h.recommendation(world, 1, status="adopted", title="Close the car park")
        others = h.members(world, 3)
    report_id = _report(app, world, as_user, rec_id)
    url = f"/panels/{world.panel.id}/minority/{report_id}"
    page = as_user("observer").get(url).get_data(as_text=True)
    assert "1 signatory" in page and "R1: Close the car park" in page
    assert "<script>" not in page and "<strong>some</strong>" in page
    for uid in others:
        client = app.test_client()
        with app.app_context():
            login(client, h.user(uid).email)
        assert client.post(url + "/sign").status_code == 302
    assert "4 signatories" in as_user("observer").get(url).get_data(as_text=True)
    listing = as_user("facilitator").get(f"/panels/{world.panel.id}/minority/").get_data(as_text=True)
    assert "Keep the car park" in listing and "4 signatories" in listing
    client.post(url + "/unsign")
    assert "3 signatories" in as_user("observer").get(url).get_data(as_text=True)


def test_the_author_edits_until_publication_and_nobody_can_delete_it_after(app, world, as_user):
    report_id = _report(app, world, as_user)
    url = f"/panels/{world.panel.id}/minority/{report_id}"
    member = as_user("member")
    assert member.post(url + "/edit", data={"title": "Keep some parking", "recommendation_id": "0",
                                            "text": "Edited."}).status_code == 302
    assert "Keep some parking" in member.get(url).get_data(as_text=True)
    _publish(app, world)
    blocked = member.post(url + "/edit", data={"title": "Changed after", "recommendation_id": "0", "text": "x"})
    assert blocked.status_code == 422 and "can no longer be written or changed" in blocked.get_data(as_text=True)
    member.post(url + "/delete")
    page = member.get(url)
    assert page.status_code == 200 and "Keep some parking" in page.get_data(as_text=True)
    assert "part of the record" in page.get_data(as_text=True)
    from panels.recommendations import minority
    from panels.recommendations.models import MinorityReport

    with app.app_context():
        from panels.extensions import db

        report = db.session.get(MinorityReport, report_id)
        with pytest.raises(minority.MinorityError, match="cannot be deleted"):
            minority.delete(h.user(world.member.id), report, h.panel(world))
        assert db.session.get(MinorityReport, report_id) is not None


def test_before_publication_the_author_may_withdraw_but_not_others(app, world, as_user):
    report_id = _report(app, world, as_user)
    with app.app_context():
        other = h.members(world, 1, prefix="other")[0]
    url = f"/panels/{world.panel.id}/minority/{report_id}"
    client = app.test_client()
    with app.app_context():
        login(client, h.user(other).email)
    assert client.get(url + "/edit").status_code == 403
    client.post(url + "/delete")
    assert as_user("member").get(url).status_code == 200
    assert as_user("member").post(url + "/delete").status_code == 302
    assert as_user("member").get(url).status_code == 404


def test_a_title_and_text_are_required_and_another_panels_recommendation_is_refused(app, world, as_user):
    from panels.extensions import db
    from panels.recommendations.models import Recommendation

    with app.app_context():
        foreign = Recommendation(panel_id=world.other_panel.id, number=1, title="Elsewhere", text="x")
        db.session.add(foreign)
        db.session.commit()
        foreign_id = foreign.id
    member = as_user("member")
    empty = member.post(f"/panels/{world.panel.id}/minority/new", data={"title": "", "recommendation_id": "0",
                                                                       "text": ""})
    assert empty.status_code == 422 and "Give the minority report a title" in empty.get_data(as_text=True)
    foreign_post = member.post(f"/panels/{world.panel.id}/minority/new", data={
        "title": "T", "recommendation_id": str(foreign_id), "text": "x"})
    assert foreign_post.status_code == 422


def test_staff_and_other_panels_cannot_write_or_sign(app, world, as_user):
    report_id = _report(app, world, as_user)
    url = f"/panels/{world.panel.id}/minority/{report_id}"
    assert as_user("facilitator").post(url + "/sign").status_code == 403
    assert as_user("outsider").get(url).status_code == 403
    assert as_user("anonymous").get(url).status_code == 302
