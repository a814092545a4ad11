"""Logging in, passwords, resets and invitations, as a person would go through them."""

from __future__ import annotations

import re

from panels.accounts.models import Membership, User
from panels.extensions import db
from panels.outbox import OutboxMessage
from tests.conftest import PASSWORD, login


def last_link(app, recipient: str) -> str:
    with app.app_context():
        message = db.session.query(OutboxMessage).filter_by(recipient=recipient).order_by(
            OutboxMessage.id.desc()).first()
        assert message is not None, f"no message to {recipient}"
        return re.search(r"https?://\S+", message.body_text).group(0)


def test_login_with_a_wrong_password_says_so_without_saying_which(client, world):
    response = client.post("/login", data={"email": "organiser@test.example", "password": "nope"})
    assert response.status_code == 422
    assert b"The email address or the password is not right" in response.data
    unknown = client.post("/login", data={"email": "nobody@test.example", "password": "nope"})
    assert b"The email address or the password is not right" in unknown.data


def test_login_then_logout(client, world):
    login(client, "organiser@test.example")
    assert client.get("/o/testville/").status_code == 200
    client.post("/logout")
    assert client.get("/o/testville/").status_code == 302


def test_login_never_redirects_to_another_site(client, world):
    response = client.post("/login?next=//evil.example/x",
                           data={"email": "organiser@test.example", "password": PASSWORD})
    assert response.headers["Location"] == "/"


def test_session_cookie_is_httponly_and_lax(client, world):
    response = login(client, "organiser@test.example")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_change_password(client, world):
    login(client, "member@test.example")
    bad = client.post("/account/password", data={"current": "wrong", "new": "x", "confirm": "y"})
    assert bad.status_code == 422
    assert b"at least 10 characters" in bad.data and b"not the same" in bad.data
    ok = client.post("/account/password", data={"current": PASSWORD, "new": "a brand new password",
                                                 "confirm": "a brand new password"})
    assert ok.status_code == 302
    client.post("/logout")
    login(client, "member@test.example", "a brand new password")


def test_password_reset_by_emailed_link_works_once(app, client, world):
    client.post("/password/forgot", data={"email": "member@test.example"})
    link = last_link(app, "member@test.example")
    path = link.split("://", 1)[1].split("/", 1)[1]
    assert client.get("/" + path).status_code == 200
    done = client.post("/" + path, data={"new": "reset password here", "confirm": "reset password here"})
    assert done.status_code == 302
    client.post("/logout")
    login(client, "member@test.example", "reset password here")
    again = client.get("/" + path)
    assert again.status_code == 400 and b"already been used" in again.data


def test_forgot_password_for_an_unknown_address_reveals_nothing(app, client, world):
    response = client.post("/password/forgot", data={"email": "nobody@test.example"},
                           follow_redirects=True)
    assert b"If that address has an account" in response.data
    with app.app_context():
        assert db.session.query(OutboxMessage).filter_by(recipient="nobody@test.example").count() == 0


def test_a_forged_reset_token_is_refused(client, world):
    response = client.get("/password/reset/forged.token.value")
    assert response.status_code == 400 and b"not valid" in response.data


def test_invitation_to_a_panel_creates_an_account_with_the_role(app, world, as_user):
    organiser = as_user("organiser")
    sent = organiser.post(f"/panels/{world.panel.id}/invite",
                          data={"email": "New.Person@Test.example", "role": "facilitator"})
    assert sent.status_code == 302
    link = last_link(app, "new.person@test.example")
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    guest = app.test_client()
    incomplete = guest.post(path, data={})
    assert incomplete.status_code == 422 and b"Enter your name" in incomplete.data
    accepted = guest.post(path, data={"name": "New Person", "password": "a long password"})
    assert accepted.status_code == 302
    assert guest.get(f"/panels/{world.panel.id}/").status_code == 200
    with app.app_context():
        user = db.session.query(User).filter_by(email="new.person@test.example").one()
        roles = {(m.panel_id, m.role) for m in db.session.query(Membership).filter_by(user_id=user.id)}
        assert roles == {(world.panel.id, "facilitator")}
    assert app.test_client().get(path).status_code == 400  # used once


def test_an_organiser_cannot_invite_an_administrator(world, as_user):
    organiser = as_user("organiser")
    response = organiser.post("/o/testville/invite", data={"email": "x@test.example", "role": "admin"})
    assert response.status_code == 403


def test_forms_require_a_csrf_token(app, world, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    response = app.test_client().post("/login", data={"email": "organiser@test.example",
                                                      "password": PASSWORD})
    assert response.status_code == 400
    assert b"form has expired" in response.data


def test_repeated_login_attempts_are_rate_limited(app, world):
    client = app.test_client()
    codes = [client.post("/login", data={"email": "organiser@test.example", "password": "wrong"}).status_code
             for _ in range(11)]
    assert codes[:10] == [422] * 10
    assert codes[10] == 429
    assert b"Too many attempts" in client.post("/login", data={}).data
