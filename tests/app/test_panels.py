"""Panels: creation, editing, the lifecycle, standing panels, audit, and bad input."""

from __future__ import annotations

import pytest

from panels.access import PermissionDenied
from panels.accounts.models import User
from panels.audit import AuditEvent
from panels.extensions import db
from panels.panel import services
from panels.panel.lifecycle import TRANSITIONS, Status, TransitionRefused, check_transition
from panels.panel.models import Panel

VALID = {"title": "Assembly on housing", "kind": "assembly", "question": "How should we house everyone?",
         "seats": "36", "term_start": "2027-03-01", "term_end": "2027-06-01"}


def test_create_panel_through_the_form(app, world, as_user):
    client = as_user("organiser")
    response = client.post("/o/testville/panels/new", data=VALID)
    assert response.status_code == 302
    page = client.get(response.headers["Location"])
    assert b"Assembly on housing" in page.data and b"aria-current=\"step\">Draft" in page.data
    dashboard = client.get("/o/testville/")
    assert b"Assembly on housing" in dashboard.data
    with app.app_context():
        panel = db.session.query(Panel).filter_by(title="Assembly on housing").one()
        assert panel.status == "draft" and panel.seats == 36 and len(panel.cohorts) == 1
        assert db.session.query(AuditEvent).filter_by(action="panel.created", panel_id=panel.id).count() == 1


def test_a_bad_form_shows_every_error_at_once_and_writes_nothing(app, world, as_user):
    client = as_user("organiser")
    response = client.post("/o/testville/panels/new", data={"title": "", "question": "", "seats": "2",
                                                            "term_start": "2027-05-01",
                                                            "term_end": "2027-04-01"})
    assert response.status_code == 422
    for text in (b"Give the panel a title", b"Write the question", b"between 5 and 1,000",
                 b"on or after the start"):
        assert text in response.data
    with app.app_context():
        assert db.session.query(Panel).count() == 2  # the world's two panels only


def test_edit_records_what_changed(app, world, as_user):
    client = as_user("organiser")
    response = client.post(f"/panels/{world.panel.id}/edit", data={**VALID, "seats": "40"})
    assert response.status_code == 302
    with app.app_context():
        event = db.session.query(AuditEvent).filter_by(action="panel.updated").one()
        assert event.details["changes"]["seats"] == {"from": 24, "to": 40}


@pytest.mark.parametrize("current", list(Status))
def test_every_transition_is_allowed_or_refused_with_a_reason(current):
    for target in Status:
        if target in TRANSITIONS[current]:
            check_transition(current, target)
        else:
            with pytest.raises(TransitionRefused) as refused:
                check_transition(current, target)
            assert "cannot become" in str(refused.value) or "already" in str(refused.value)


def test_the_whole_lifecycle_through_the_service_is_audited(app_ctx, world):
    organiser = db.session.get(User, world.organiser.id)
    panel = db.session.get(Panel, world.panel.id)
    for target in ("recruiting", "selecting", "sitting", "reporting", "responded", "closed"):
        services.change_status(organiser, panel, target, reason=f"to {target}")
    assert panel.status == "closed"
    events = db.session.query(AuditEvent).filter_by(action="panel.status_changed").all()
    assert [e.details["to"] for e in events] == ["recruiting", "selecting", "sitting", "reporting",
                                                 "responded", "closed"]
    with pytest.raises(TransitionRefused, match="final"):
        services.change_status(organiser, panel, "draft")


def test_a_refused_transition_is_shown_to_the_organiser(app, world, as_user):
    client = as_user("organiser")
    page = client.post(f"/panels/{world.panel.id}/status/sitting", follow_redirects=True)
    assert b"cannot become sitting" in page.data
    with app.app_context():
        assert db.session.get(Panel, world.panel.id).status == "draft"


def test_services_recheck_permission(app_ctx, world):
    member = db.session.get(User, world.member.id)
    panel = db.session.get(Panel, world.panel.id)
    with pytest.raises(PermissionDenied):
        services.change_status(member, panel, "recruiting")
    with pytest.raises(PermissionDenied):
        services.update_panel(member, panel, seats=99)
    outsider = db.session.get(User, world.outsider.id)
    with pytest.raises(PermissionDenied):
        services.create_panel(outsider, panel.organisation, title="X", question="Q", seats=10)


def test_standing_panel_topics_and_cohorts(app, world, as_user):
    client = as_user("organiser")
    response = client.post("/o/testville/panels/new", data={**VALID, "kind": "standing",
                                                            "title": "Planning panel"})
    panel_url = response.headers["Location"]
    panel_id = int(panel_url.strip("/").split("/")[-1])
    client.post(f"/panels/{panel_id}/topics", data={"title": "Riverside", "question": "What next?"})
    client.post(f"/panels/{panel_id}/cohorts", data={"label": "Second cohort"})
    page = client.get(panel_url)
    assert b"Riverside" in page.data and b"Second cohort" in page.data
    empty = client.post(f"/panels/{panel_id}/topics", data={"title": ""}, follow_redirects=True)
    assert b"The topic was not added" in empty.data


def test_unknown_pages_and_panels_are_friendly_404s(client, world, as_user):
    assert b"Page not found" in client.get("/no/such/page").data
    assert as_user("organiser").get("/panels/99999/").status_code == 404


def test_database_conflicts_are_a_clear_message_not_a_500(database_url):
    from panels import create_app
    from panels.accounts.models import Organisation
    from tests.conftest import TEST_CONFIG

    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url, "PROPAGATE_EXCEPTIONS": False})
    from panels.access import access

    @app.route("/duplicate")
    @access("public")
    def duplicate():
        db.session.add_all([Organisation(name="Twin", slug="twin"), Organisation(name="Twin", slug="twin2")])
        db.session.commit()
        return "never"

    response = app.test_client().get("/duplicate")
    assert response.status_code == 409
    assert b"conflicts with something that already exists" in response.data
    with app.app_context():
        assert db.session.query(Organisation).filter_by(name="Twin").count() == 0


def test_an_id_too_big_for_the_database_is_not_found(world, as_user):
    client = as_user("organiser")
    assert client.get("/panels/99999999999999999999999/").status_code == 404
    assert client.get(f"/panels/{world.panel.id}/").status_code == 200
