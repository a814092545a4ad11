"""Members review the draft and flag errors; staff mark each flag fixed or declined with a note."""

from __future__ import annotations

from recommendations_report_helpers import SCRIPT, build


def _flags(app):
    from panels.extensions import db
    from panels.recommendations.models import ReportFlag

    with app.app_context():
        return [(f.id, f.section, f.text, f.status, f.resolution)
                for f in db.session.scalars(db.select(ReportFlag).order_by(ReportFlag.id))]


def test_members_flag_only_while_the_review_is_open(app, world, as_user):
    data = build(app, world)
    member = as_user("member")
    url = f"/panels/{data.panel_id}/report/flags"
    page = member.post(url, data={"section": "R1", "text": "Typo"}, follow_redirects=True)
    assert "not open for review" in page.get_data(as_text=True)
    assert _flags(app) == []
    assert "Flag an error" not in member.get(f"/panels/{data.panel_id}/report").get_data(as_text=True)
    as_user("organiser").post(f"/panels/{data.panel_id}/report/review")
    draft = member.get(f"/panels/{data.panel_id}/report").get_data(as_text=True)
    assert "Flag an error" in draft and "open for members' review" in draft
    page = member.post(url, data={"section": "R1", "text": "The cost figure is wrong."}, follow_redirects=True)
    assert "Thank you" in page.get_data(as_text=True)
    assert [f[1:4] for f in _flags(app)] == [("R1", "The cost figure is wrong.", "open")]


def test_a_flag_needs_a_section_and_a_description(app, world, as_user):
    data = build(app, world, review=True)
    page = as_user("member").post(f"/panels/{data.panel_id}/report/flags", data={"section": "", "text": ""},
                                  follow_redirects=True).get_data(as_text=True)
    assert "Section: Say which part of the report" in page
    assert "What is wrong: Describe the error" in page
    assert _flags(app) == []


def test_staff_see_flags_and_mark_them_fixed_or_declined(app, world, as_user):
    data = build(app, world, review=True)
    member = as_user("member")
    member.post(f"/panels/{data.panel_id}/report/flags", data={"section": "Programme", "text": f"Wrong date {SCRIPT}"})
    member.post(f"/panels/{data.panel_id}/report/flags", data={"section": "R2", "text": "Not what we said."})
    (first, *_), (second, *_) = _flags(app)
    organiser = as_user("organiser")
    manage = organiser.get(f"/panels/{data.panel_id}/report/manage").get_data(as_text=True)
    assert "Errors flagged by members" in manage and "Wrong date" in manage and "<script" not in manage.lower()
    assert "2 flags still open" in manage
    url = f"/panels/{data.panel_id}/report/flags/{first}"
    organiser.post(url, data={f"flag{first}-status": "fixed", f"flag{first}-note": "Corrected."})
    # declining needs a note
    page = organiser.post(f"/panels/{data.panel_id}/report/flags/{second}",
                          data={f"flag{second}-status": "declined"}, follow_redirects=True).get_data(as_text=True)
    assert "say why the flag is declined" in page
    organiser.post(f"/panels/{data.panel_id}/report/flags/{second}",
                   data={f"flag{second}-status": "declined", f"flag{second}-note": "The text is as voted."})
    assert [f[3:] for f in _flags(app)] == [("fixed", "Corrected."), ("declined", "The text is as voted.")]
    mine = member.get(f"/panels/{data.panel_id}/report").get_data(as_text=True)
    assert "Fixed" in mine and "The text is as voted." in mine


def test_a_flag_of_another_panel_cannot_be_reached(app, world, as_user):
    data = build(app, world, review=True)
    as_user("member").post(f"/panels/{data.panel_id}/report/flags", data={"section": "R1", "text": "x"})
    (flag_id, *_), = _flags(app)
    response = as_user("outsider").post(f"/panels/{world.other_panel.id}/report/flags/{flag_id}",
                                        data={f"flag{flag_id}-status": "fixed"})
    assert response.status_code == 404
    assert _flags(app)[0][3] == "open"


def test_only_members_flag_and_only_staff_resolve(app, world, as_user):
    data = build(app, world, review=True)
    for role in ("observer", "facilitator", "organiser", "outsider"):
        response = as_user(role).post(f"/panels/{data.panel_id}/report/flags", data={"section": "R1", "text": "x"})
        assert response.status_code == 403, role
    as_user("member").post(f"/panels/{data.panel_id}/report/flags", data={"section": "R1", "text": "x"})
    (flag_id, *_), = _flags(app)
    for role in ("member", "observer"):
        response = as_user(role).post(f"/panels/{data.panel_id}/report/flags/{flag_id}",
                                      data={f"flag{flag_id}-status": "fixed"})
        assert response.status_code == 403, role
    assert _flags(app)[0][3] == "open"
