"""Every route of the app, asked as every kind of actor of two sibling towns and the city above
them: allowed or refused as the permission module says (tests/shape/access_matrix.py declares
who may use each), a refused answer carrying none of town A's data and a refused write changing
nothing. A route without an entry fails here, so every new route gets one.

The records are built once for the module (access_world.py) and every request runs in a
transaction that is rolled back after it (access_client.py), so requests that were allowed to
write leave the next one the same records."""
from __future__ import annotations

from types import SimpleNamespace
from urllib.parse import urlencode

import pytest
import sqlalchemy as sa

from tests.conftest import empty_sqlite_tables
from tests.shape.access_client import ask, row_counts, undone
from tests.shape.access_matrix import ENTRIES
from tests.shape.access_world import ACTORS, SECRETS, build
from volunteer.accounts.models import User
from volunteer.core import jobs
from volunteer.extensions import db, limiter

UNLISTED_METHODS = {"HEAD", "OPTIONS"}  # answered by Flask for every route
# Whoever is outside town A and the city: no answer to them, allowed or not, carries town A's data.
OUTSIDERS = frozenset(name for name in ACTORS if name == "anonymous" or name.startswith("b_"))

# (route, actor) -> what the matrix found wrong: the case is expected to fail until it is fixed.
KNOWN_BUGS: dict[tuple[str, str], str] = {}


def served_routes(app) -> set[tuple[str, str]]:
    return {(method, rule.endpoint) for rule in app.url_map.iter_rules()
            for method in rule.methods - UNLISTED_METHODS}


def test_every_route_has_one_entry_and_every_entry_a_route(app):
    declared = [(entry.method, entry.endpoint) for entry in ENTRIES]
    served = served_routes(app)
    assert sorted(served - set(declared)) == [], "routes without an entry in tests/shape/access_matrix.py"
    assert sorted(set(declared) - served) == [], "entries of tests/shape/access_matrix.py without a route"
    assert len(declared) == len(set(declared)), "a route declared twice"


@pytest.fixture(autouse=True)
def _clean():
    """Instead of tests/conftest.py's: the records stay for the whole module (``matrix``)."""
    yield
    limiter.reset()


def _empty(app) -> None:
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as connection:
            if db.engine.dialect.name == "postgresql":
                connection.execute(sa.text("TRUNCATE " + ", ".join(t.name for t in db.metadata.sorted_tables)))
            else:
                empty_sqlite_tables(connection, reversed(db.metadata.sorted_tables))
        limiter.reset()


@pytest.fixture(scope="module")
def matrix(app):
    try:
        world = build(app)
        with undone(app) as connection:
            baseline = row_counts(connection)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(jobs, "enqueue", lambda job_id: None)  # a job allowed to start never runs
            yield SimpleNamespace(world=world, baseline=baseline)
    finally:
        _empty(app)


def _value(world, value):
    if isinstance(value, list):  # a list of ids in a JSON body
        return [_value(world, item) for item in value]
    return world.values[value[1:]] if isinstance(value, str) and value.startswith("@") else value


def urls(app, world, entry) -> list[str]:
    """The entry's URL on each rule of its endpoint (one has its arguments in the query)."""
    values = {key: _value(world, value) for key, value in entry.path.items()}
    found = []
    for rule in app.url_map.iter_rules(entry.endpoint):
        if entry.method in rule.methods:
            _domain, path = rule.build(values, append_unknown=True)
            if entry.query:
                query = {key: _value(world, value) for key, value in entry.query.items()}
                path += ("&" if "?" in path else "?") + urlencode(query)
            found.append(path)
    return found


def _cases():
    for entry in ENTRIES:
        for actor in ACTORS:
            reason = KNOWN_BUGS.get((str(entry), actor))
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            yield pytest.param(entry, actor, id=f"{entry.method}-{entry.endpoint}-{actor}", marks=marks)


@pytest.mark.parametrize(("entry", "actor_name"), list(_cases()))
def test_route_answers_as_the_permissions_say(app, matrix, entry, actor_name):
    world, actor = matrix.world, matrix.world.actors[actor_name]
    with app.app_context():
        user = db.session.get(User, actor.user_id) if actor.user_id else None
        allowed = entry.rule.allows(user, world)
        writes = entry.writes.allows(user, world) if entry.writes else allowed
    if entry.rule.in_town_a and actor_name.startswith("b_"):
        assert not allowed, f"the permission module lets town B's {actor_name} reach town A's record ({entry.rule})"
    body = {key: _value(world, value) for key, value in (entry.body or {}).items()}
    for url in urls(app, world, entry):
        api = url.startswith("/api/")
        answer = ask(app, actor, entry.method, url, api=api, form=None if api else body,
                     json=body if api else None, baseline=None if writes else matrix.baseline)
        said = f"{entry.method} {url} as {actor_name} ({entry.rule}): {answer.status} {answer.location}"
        assert answer.status < 500, f"failed: {said}\n{answer.body[:500]}"
        if allowed:
            assert not answer.refused, f"refused: {said}\n{answer.body[:500]}"
        else:
            assert answer.refused, f"allowed: {said}\n{answer.body[:500]}"
        if not allowed or actor_name in OUTSIDERS:
            leaked = [text for text in SECRETS.values() if text in answer.body and text not in actor.own]
            assert leaked == [], f"town A's data {leaked} in the answer to {said}"
        if not writes:
            changed = {t: n for t, n in answer.counts_changed.items() if t not in entry.stores}
            assert changed == {}, f"changed rows (table: before, after) {changed}: {said}"
