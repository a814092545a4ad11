"""Every page carries the security headers, and the signed session survives a key rotation."""

from __future__ import annotations

from flask import request, session

from panels import SECURITY_HEADERS


def test_every_page_carries_the_security_headers(client):
    for path in ("/login", "/no-such-page"):
        response = client.get(path)
        for name, value in SECURITY_HEADERS:
            assert response.headers.getlist(name) == [value], (path, name)


def test_a_view_that_sets_its_own_header_keeps_it(app):
    with app.test_request_context("/"):
        response = app.make_response(("ok", 200, {"X-Frame-Options": "SAMEORIGIN"}))
        response = app.process_response(response)
    assert response.headers.getlist("X-Frame-Options") == ["SAMEORIGIN"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_the_session_cookie_is_read_back_and_refused_after_the_key_changes(app):
    interface = app.session_interface
    with app.test_request_context("/"):
        session["where"] = "registration"
        response = app.process_response(app.make_response("ok"))
    cookie = response.headers["Set-Cookie"].split(";", 1)[0]
    with app.test_request_context("/", headers={"Cookie": cookie}):
        assert interface.open_session(app, request)["where"] == "registration"
    old, fallbacks = app.secret_key, app.config.get("SECRET_KEY_FALLBACKS")
    try:
        app.secret_key = "another secret key for this test only"
        with app.test_request_context("/", headers={"Cookie": cookie}):
            assert "where" not in interface.open_session(app, request)
        app.config["SECRET_KEY_FALLBACKS"] = [old]  # a rotation keeps the old key for a while
        with app.test_request_context("/", headers={"Cookie": cookie}):
            assert interface.open_session(app, request)["where"] == "registration"
    finally:
        app.secret_key = old
        app.config["SECRET_KEY_FALLBACKS"] = fallbacks  # Flask reads the key on every request
