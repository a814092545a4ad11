"""Shared fixtures: one database per test session (SQLite file, or a fresh PostgreSQL
database when DATABASE_URL is set), migrated with Alembic, emptied after each test."""

from __future__ import annotations

import os
import tempfile
import uuid
from pathlib import Path
from types import SimpleNamespace

import pytest

# Runtime files of the tests never land in the repository's instance/.
os.environ.setdefault("PANELS_INSTANCE", tempfile.mkdtemp(prefix="panels-test-instance-"))


def _postgres_test_database(admin_url: str):
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(admin_url.replace("postgres://", "postgresql://", 1))
    name = f"panels_test_{uuid.uuid4().hex[:10]}"
    plain = url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop():
        with psycopg.connect(plain, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return url.set(drivername="postgresql+psycopg", database=name).render_as_string(
        hide_password=False), drop


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    admin_url = os.environ.get("DATABASE_URL", "")
    if admin_url.startswith(("postgres://", "postgresql")):
        url, drop = _postgres_test_database(admin_url)
        os.environ["DATABASE_URL"] = url  # for worker subprocesses
        yield url
        os.environ["DATABASE_URL"] = admin_url
        drop()
    else:
        path = tmp_path_factory.mktemp("db") / "test.sqlite"
        url = f"sqlite:///{path}"
        os.environ["DATABASE_URL"] = url
        yield url
        if admin_url:
            os.environ["DATABASE_URL"] = admin_url
        else:
            os.environ.pop("DATABASE_URL", None)


TEST_CONFIG = {
    "TESTING": True,
    "SECRET_KEY": "test-secret-key",
    "WTF_CSRF_ENABLED": False,
    "SESSION_COOKIE_SECURE": False,
    "JOB_EXECUTOR": "thread",
    "JOB_HEARTBEAT": 0.2,
    "MAIL_SERVER": None,
    "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",  # fast in tests; production uses scrypt
}


@pytest.fixture(scope="session")
def app(database_url):
    from flask_migrate import upgrade

    from panels import create_app

    application = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url})
    with application.app_context():
        upgrade()
    yield application
    from panels import jobs

    jobs.shutdown(application)
    with application.app_context():
        from panels.extensions import db

        db.engine.dispose()


def empty_database(application) -> None:
    from sqlalchemy import text

    from panels.extensions import db

    with application.app_context():
        db.session.remove()
        tables = [t.name for t in reversed(db.metadata.sorted_tables)]
        with db.engine.begin() as conn:
            if db.engine.dialect.name == "postgresql":
                names = ", ".join(f'"{t}"' for t in tables)
                conn.execute(text(f"TRUNCATE TABLE {names} RESTART IDENTITY CASCADE"))
            else:
                for table in tables:
                    conn.execute(text(f'DELETE FROM "{table}"'))


@pytest.fixture(autouse=True)
def _clean(request):
    yield
    if "app" in request.fixturenames:
        application = request.getfixturevalue("app")
        from panels import jobs

        pool = application.extensions.get("panels_job_pool")
        if pool is not None:  # let running jobs finish before the tables are emptied
            jobs.shutdown(application)
        empty_database(application)
        from panels.extensions import limiter

        with application.app_context():
            limiter.reset()  # rate limits count per test, not across the session


@pytest.fixture
def app_ctx(app):
    with app.app_context():
        yield app


@pytest.fixture
def client(app):
    return app.test_client()


PASSWORD = "correct horse battery"  # noqa: S105


def make_user(email: str, name: str, *, site_admin: bool = False):
    from panels.accounts.models import User
    from panels.extensions import db

    user = User(email=email, name=name, site_admin=site_admin)
    user.set_password(PASSWORD)
    db.session.add(user)
    db.session.flush()
    return user


def snapshot(obj) -> SimpleNamespace:
    """Plain column values, usable after the app context that loaded them is gone."""
    return SimpleNamespace(**{c.key: getattr(obj, c.key) for c in obj.__table__.columns})


@pytest.fixture
def world(app):
    """An organisation with one user per role, a panel, a job and a message to look at.

    Built in its own app context and returned as plain values: a test client's requests
    must not share an outer app context (flask-login keeps the user in `g`).
    """
    with app.app_context():
        return _build_world()


def _build_world() -> SimpleNamespace:
    from panels import jobs, outbox
    from panels.accounts.models import Membership, Organisation
    from panels.extensions import db
    from panels.panel.models import Panel

    org = Organisation(name="Testville", slug="testville", country="GB", population=100000)
    other_org = Organisation(name="Elsewhere", slug="elsewhere")
    db.session.add_all([org, other_org])
    db.session.flush()
    panel = Panel(organisation=org, title="Test assembly", slug="test-assembly", question="Q?",
                  seats=24, kind="assembly")
    other_panel = Panel(organisation=other_org, title="Other assembly", slug="other", question="Q?",
                        seats=24)
    db.session.add_all([panel, other_panel])
    db.session.flush()
    people = SimpleNamespace(org=org, panel=panel, other_org=other_org, other_panel=other_panel)
    for role in ("admin", "organiser", "facilitator", "observer"):
        user = make_user(f"{role}@test.example", role.title(), site_admin=role == "admin")
        db.session.add(Membership(user=user, organisation=org, role=role))
        setattr(people, role, user)
    people.member = make_user("member@test.example", "Member")
    db.session.add(Membership(user=people.member, organisation=org, panel=panel, role="member"))
    people.outsider = make_user("outsider@test.example", "Outsider")
    db.session.add(Membership(user=people.outsider, organisation=other_org, panel=other_panel,
                              role="organiser"))
    people.message = outbox.queue("someone@test.example", "Hello", "Body text")
    people.job = jobs.Job(id="a" * 32, name="outbox.deliver", title="Test job", executor="thread",
                          panel_id=panel.id, status="succeeded", progress=1.0)
    db.session.add(people.job)
    db.session.commit()
    return SimpleNamespace(**{k: snapshot(v) for k, v in vars(people).items()})


def login(client, user_or_email, password: str = PASSWORD):
    email = getattr(user_or_email, "email", user_or_email)
    response = client.post("/login", data={"email": email, "password": password})
    assert response.status_code == 302, response.data[:500]
    return response


@pytest.fixture
def as_user(app, world):
    """as_user('organiser') -> a test client logged in with that role (one per role and test)."""

    clients = {}

    def make(role: str):
        if role not in clients:
            clients[role] = app.test_client()
            if role != "anonymous":
                login(clients[role], getattr(world, role))
        return clients[role]

    return make


FIXTURES = Path(__file__).parent / "fixtures"
