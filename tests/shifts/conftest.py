"""A running project at a station (tests.checkin.fixtures' site) with a position, and shifts made
at times counted from a moment the test names."""
from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest

from tests.checkin.fixtures import site  # noqa: F401 (a fixture)
from volunteer.accounts.models import User
from volunteer.core.time import utcnow
from volunteer.extensions import db
from volunteer.projects import services as projects
from volunteer.projects.models import Project
from volunteer.shifts import services as shifts

NOW = utcnow().replace(microsecond=0)


@pytest.fixture
def plan(app, world, site):  # noqa: F811
    """plan(starts_in=hours, hours=4, capacity=10, station=True) → a shift's id, under one position."""
    with app.app_context():
        manager = db.session.get(User, world.a_manager.id)
        position = projects.add_position(manager, db.session.get(Project, site.project_id),
                                         {"title": "助老陪护", "capacity": 50}, now=NOW)
        db.session.commit()
        position_id = position.id

    def make(starts_in=48, hours=4, capacity=10, station=True, at=NOW):
        with app.app_context():
            manager = db.session.get(User, world.a_manager.id)
            shift = shifts.create_shift(manager, projects.get_position_for(manager, position_id), {
                "starts_at": at + timedelta(hours=starts_in), "ends_at": at + timedelta(hours=starts_in + hours),
                "capacity": capacity, "station_id": site.station_id if station else None}, now=at)
            db.session.commit()
            return shift.id
    make.position_id = position_id
    make.site = site
    return make


def user_of(person):
    return db.session.get(User, getattr(person, "user_id", None) or person.id)


def signed_up(app, person, shift_id, at=NOW):
    """Sign ``person`` up as of ``at``: (state, signup id)."""
    with app.app_context():
        signup = shifts.sign_up(user_of(person), shifts.get_shift(shift_id), now=at)
        db.session.commit()
        return SimpleNamespace(state=signup.state, id=signup.id)
