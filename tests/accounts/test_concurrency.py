"""Two people registering at the same moment get one consistent result (SQLite and PostgreSQL)."""
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa

from volunteer.accounts.models import Volunteer
from volunteer.extensions import db


@pytest.fixture
def town(factory):
    factory.org("LX", kind="city")
    factory.org("LX-A", parent="LX")


def register_all(app, payloads):
    def post(payload):
        return app.test_client().post("/api/v1/volunteers", json=payload)
    with ThreadPoolExecutor(max_workers=len(payloads)) as pool:
        return list(pool.map(post, payloads))


def test_simultaneous_registrations_get_distinct_numbers(app, factory, town):
    payloads = [factory.volunteer_data("LX-A") for _ in range(8)]
    responses = register_all(app, payloads)
    assert [r.status_code for r in responses] == [201] * 8
    numbers = {r.json["volunteer_no"] for r in responses}
    assert numbers == {f"LX-A-{n:06d}" for n in range(1, 9)}


def test_the_same_person_registering_twice_at_once_gets_one_account(app, factory, town):
    payload = factory.volunteer_data("LX-A")
    twin = dict(payload, phone=factory.next_phone())  # same ID number, another phone
    responses = register_all(app, [payload, twin, dict(twin, phone=factory.next_phone())])
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201, 422, 422], [r.json for r in responses]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Volunteer.id))) == 1
