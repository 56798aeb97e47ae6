"""How the access matrix asks: one request as one actor, inside a transaction undone after it, so
that every request meets the same records however many were allowed to change them before; and
what the answer was (allowed or refused) and whether the request changed anything."""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from json import dumps
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask_sqlalchemy.session import Session

from tests.shape.access_world import Actor
from volunteer.extensions import db

REFUSED_STATUSES = frozenset({401, 403, 404})


@dataclass
class Answer:
    status: int
    location: str
    body: str
    counts_changed: dict  # table -> (before, after), for the tables the request added or removed rows in

    @property
    def refused(self) -> bool:
        """401/403/404, or a page sending a visitor to sign in first."""
        return self.status in REFUSED_STATUSES or (
            300 <= self.status < 400 and urlsplit(self.location).path == "/login")


def row_counts(connection) -> dict[str, int]:
    """Every table's row count, in one statement."""
    parts = [sa.select(sa.literal(t.name).label("name"), sa.func.count().label("n")).select_from(t)
             for t in db.metadata.sorted_tables]
    return dict(connection.execute(sa.union_all(*parts)).all())


@contextmanager
def undone(app):
    """Run what is inside on one connection whose transaction is rolled back at the end: the
    app's sessions join it, and their commits only release savepoints."""
    with app.app_context():
        engine = db.engine
    connection = engine.connect()
    outer = connection.begin()
    original = Session.get_bind
    factory = db.session.session_factory
    kept = dict(factory.kw)
    # Flask-SQLAlchemy's sessions pick their engine themselves (a session's ``bind`` is ignored)
    Session.get_bind = lambda self, *args, **kwargs: connection
    factory.configure(join_transaction_mode="create_savepoint")
    try:
        yield connection
    finally:
        Session.get_bind = original
        factory.kw.clear()
        factory.kw.update(kept)
        outer.rollback()
        connection.close()


def ask(app, actor: Actor, method: str, url: str, *, api: bool, form: dict | None = None,
        json: dict | None = None, baseline: dict[str, int] | None = None) -> Answer:
    """The answer to one request; with ``baseline``, the row counts it changed (else none looked at)."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = actor.address
    kwargs: dict = {}
    if api:
        if actor.token:
            kwargs["headers"] = {"Authorization": f"Bearer {actor.token}"}
        if method != "GET":
            kwargs["json"] = json or {}
    else:
        client.set_cookie(app.config["SESSION_COOKIE_NAME"], actor.cookie)
        if method != "GET":
            kwargs["data"] = {**(form or {}), "csrf_token": actor.csrf}
    with undone(app) as connection:
        response = client.open(url, method=method, **kwargs)
        body = response.get_data().decode("utf-8", "replace")  # read inside: an export streams
        if response.is_json and body:  # as the text it says, not \u escapes
            body = dumps(response.get_json(), ensure_ascii=False)
        after = row_counts(connection) if baseline is not None else {}
    changed = {t: (baseline.get(t), n) for t, n in after.items() if baseline.get(t) != n}
    return Answer(response.status_code, response.headers.get("Location", ""), body, changed)
