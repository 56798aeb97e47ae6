"""Fixtures: a real database (SQLite by default, PostgreSQL when DATABASE_URL is set) built by
the migrations once per run and emptied after every test; a client with CSRF on; helpers to
sign in; a small world of two towns for scope tests."""
from __future__ import annotations

import os
import re
import shutil
import threading

import pytest
import sqlalchemy as sa

from config import normalise_database_url
from tests.factories import Factory
from volunteer import create_app
from volunteer.extensions import db, limiter

pytest_plugins = ["tests.checkin.fixtures"]  # shared by the check-in, API and browser tests

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def require_tool(available: bool, what: str) -> None:
    """Skip a test whose tool is missing here; in CI a missing tool is a failure."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"{what} is required in CI but missing")
    pytest.skip(f"{what} is not installed")


def database_url(tmp_path_factory) -> str:
    url = os.environ.get("DATABASE_URL")
    if url:
        return normalise_database_url(url)
    return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.db")


def reset_database(app) -> None:
    """An empty database, then the migrations: the schema under test is the migrated one."""
    from flask_migrate import upgrade
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(sa.text("DROP SCHEMA public CASCADE"))
                conn.execute(sa.text("CREATE SCHEMA public"))
        upgrade()
        db.engine.dispose()


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url(tmp_path_factory),
                     UPLOAD_DIR=str(tmp_path_factory.mktemp("uploads")))
    reset_database(app)
    return app


def empty_sqlite_tables(conn, tables) -> None:
    """Delete every row, past the triggers that keep approved ledger entries (put back after)."""
    triggers = conn.execute(sa.text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                                    "AND sql LIKE '%BEFORE DELETE%'")).all()
    for name, _sql in triggers:
        conn.execute(sa.text(f'DROP TRIGGER "{name}"'))
    for table in tables:
        conn.execute(table.delete())
    for _name, sql in triggers:
        conn.execute(sa.text(sql))


def empty_postgres_tables(conn, tables) -> None:
    """Delete the rows of the tables that have any, past the triggers that keep approved ledger
    entries and the foreign keys (a superuser's replica role fires neither): about 10 ms after a
    test, where a TRUNCATE of every table took about 100. Without that role, TRUNCATE them all."""
    tables = list(tables)
    if not conn.execute(sa.text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")).scalar():
        conn.execute(sa.text(f"TRUNCATE {', '.join(t.name for t in tables)}"))
        return
    found = " UNION ALL ".join(f"SELECT '{t.name}' WHERE EXISTS (SELECT 1 FROM {t.name})" for t in tables)
    filled = set(conn.execute(sa.text(found)).scalars())
    conn.execute(sa.text("SET LOCAL session_replication_role = replica"))
    for table in tables:
        if table.name in filled:
            conn.execute(table.delete())


@pytest.fixture(autouse=True)
def _clean(request):
    yield
    if "app" not in request.fixturenames:
        return
    app = request.getfixturevalue("app")
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as conn:
            if db.engine.dialect.name == "postgresql":
                empty_postgres_tables(conn, db.metadata.sorted_tables)
            else:
                empty_sqlite_tables(conn, reversed(db.metadata.sorted_tables))
        limiter.reset()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def factory(app):
    return Factory(app)


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html)
    assert match, "page has no CSRF token"
    return match.group(1)


class Browser:
    """Form posts the way a browser sends them: fetch the page, then post with its CSRF token."""

    def __init__(self, client):
        self.client = client

    def get(self, url, **kwargs):
        return self.client.get(url, **kwargs)

    def post_form(self, url, data, *, form_url=None, **kwargs):
        page = self.client.get(form_url or url)
        token = csrf_from(page.get_data(as_text=True))
        return self.client.post(url, data={**data, "csrf_token": token}, **kwargs)

    def login(self, login, password):
        response = self.post_form("/login", {"login": login, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return response

    def logout(self):
        return self.post_form("/logout", {}, form_url="/")


@pytest.fixture
def browser(client):
    return Browser(client)


@pytest.fixture
def signed_in(app):
    """signed_in(person) → a Browser signed in as that person, with its own cookie jar."""
    def make(person):
        b = Browser(app.test_client())
        b.login(person.login, person.password)
        return b
    return make


@pytest.fixture
def api_token(app):
    """A bearer token for ``person``, issued by the service (the endpoint itself, and its rate
    limit, are tested in tests/api)."""
    def make(person):
        from volunteer.accounts.models import User
        from volunteer.accounts.services import issue_api_token
        from volunteer.core.time import utcnow
        with app.app_context():
            raw, _row = issue_api_token(db.session.get(User, getattr(person, "user_id", person.id)), now=utcnow())
            db.session.commit()
            return raw
    return make


@pytest.fixture
def world(factory):
    """A city (LX) with two towns (A, B), a village under each, staff for each role and one
    volunteer in each village."""
    from types import SimpleNamespace
    factory.org("LX", "临溪市团委", kind="city")
    factory.org("LX-A", "甲镇团委", parent="LX")
    factory.org("LX-A-1", "甲村团支部", kind="village", parent="LX-A")
    factory.org("LX-B", "乙镇团委", parent="LX")
    factory.org("LX-B-1", "乙村团支部", kind="village", parent="LX-B")
    return SimpleNamespace(
        city_admin=factory.staff("league_admin", "LX", name="市管理员"),
        a_admin=factory.staff("league_admin", "LX-A", name="甲镇管理员"),
        a_manager=factory.staff("manager", "LX-A", name="甲镇负责人"),
        b_admin=factory.staff("league_admin", "LX-B", name="乙镇管理员"),
        b_manager=factory.staff("manager", "LX-B", name="乙镇负责人"),
        a_volunteer=factory.volunteer("LX-A-1", name="王小明"),
        b_volunteer=factory.volunteer("LX-B-1", name="李小红"),
    )


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def live_server(app):
    """The app served on a free loopback port by a threaded server, for browsers and load."""
    from werkzeug.serving import make_server
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
