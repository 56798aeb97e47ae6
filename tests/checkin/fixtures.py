"""A station with opening hours and a location, a project running there, a lead, and helpers
that scan at a given local time (time is passed in, never slept)."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from tests.projects.conftest import make_project  # noqa: F401 (a fixture)
from volunteer.accounts.models import User
from volunteer.checkin import cards, services
from volunteer.core.time import utcnow
from volunteer.extensions import db
from volunteer.organisations.services import get_by_code
from volunteer.projects import services as projects
from volunteer.stations import codes
from volunteer.stations import services as stations
from volunteer.stations.models import Station

SHANGHAI = ZoneInfo("Asia/Shanghai")
DAY = date(2027, 3, 15)  # a Monday inside the projects' dates


def local(hour: int, minute: int = 0, second: int = 0, day: date = DAY, zone=SHANGHAI) -> datetime:
    """A moment given in the station's local time."""
    return datetime.combine(day, time(hour, minute, second), tzinfo=zone)


@pytest.fixture
def site(app, world, factory):
    """Station 甲村志愿驿站 (08:00–18:00, 200 m radius) with project 社区助老服务 running there."""
    lead = factory.volunteer("LX-A-1", name="赵站长")
    with app.app_context():
        admin = db.session.get(User, world.city_admin.id)
        station = stations.create_station(admin, get_by_code("LX-A-1"), {
            "name": "甲村志愿驿站", "kind": "驿站", "lat": 30.25, "lng": 120.16, "radius_m": 200,
            "opens_at": "08:00", "closes_at": "18:00"}, now=utcnow())
        db.session.flush()
        stations.add_lead(admin, station, db.session.get(User, lead.user_id), now=utcnow())
        manager = db.session.get(User, world.a_manager.id)
        project = projects.create_project(manager, get_by_code("LX-A"), {
            "title": "社区助老服务", "category": "elderly", "starts_on": date(2027, 1, 1),
            "ends_on": date(2027, 12, 31), "station_ids": [station.id]}, now=utcnow())
        db.session.flush()
        project.state = "running"
        db.session.commit()
        return SimpleNamespace(station_id=station.id, project_id=project.id, lead=lead)


@pytest.fixture
def add_project(app, world):
    """add_project(site, title, state="running", **values) → id of another project at the station."""
    def make(site, title, state="running", **values):
        with app.app_context():
            manager = db.session.get(User, world.a_manager.id)
            data = {"title": title, "category": "community", "starts_on": date(2027, 1, 1),
                    "ends_on": date(2027, 12, 31), "station_ids": [site.station_id], **values}
            project = projects.create_project(manager, get_by_code("LX-A"), data, now=utcnow())
            db.session.flush()
            project.state = state
            db.session.commit()
            return project.id
    return make


@pytest.fixture
def code(app):
    """code(station_id, kind="s", at=None) → the text a station's QR code holds."""
    def make(station_id, kind=codes.STATIC, at=None):
        with app.app_context():
            return codes.make_code(db.session.get(Station, station_id), kind, at)
    return make


@pytest.fixture
def card(app):
    def make(person):
        from volunteer.accounts.models import Volunteer
        with app.app_context():
            return cards.card_code(db.session.get(Volunteer, person.id))
    return make


def _summary(outcome) -> SimpleNamespace:
    session = outcome.session
    return SimpleNamespace(
        action=outcome.action, status=outcome.status,
        code=outcome.error.code if outcome.error else None,
        message=str(outcome.error.message) if outcome.error else None,
        extra=outcome.error.extra if outcome.error else {},
        session_id=session.id if session else None,
        state=session.state if session else None,
        minutes=session.minutes if session else None,
        outside=session.outside_radius if session else None,
        closed_elsewhere=outcome.closed_elsewhere.id if outcome.closed_elsewhere else None,
        replayed=outcome.replayed)


@pytest.fixture
def scan(app):
    """scan(person, code_text, at, **options) → a summary of the outcome, committed."""
    def do(person, text, at, **options):
        with app.app_context():
            user = db.session.get(User, getattr(person, "user_id", None) or person.id)
            outcome = services.scan_station_code(user, text, now=at, **options)
            summary = _summary(outcome)
            db.session.commit()
            return summary
    return do


@pytest.fixture
def kiosk_scan(app):
    def do(lead, station_id, text, at, **options):
        with app.app_context():
            user = db.session.get(User, getattr(lead, "user_id", None) or lead.id)
            outcome = services.scan_card(user, db.session.get(Station, station_id), text, now=at, **options)
            summary = _summary(outcome)
            db.session.commit()
            return summary
    return do


def around_today() -> dict:
    """Project dates that include the server's today, for tests through HTTP."""
    return {"starts_on": date.today() - timedelta(days=1), "ends_on": date.today() + timedelta(days=1)}


@pytest.fixture
def now_site(app, site):
    """The site open around the clock with its project running today, for tests through HTTP,
    where the server's clock decides."""
    from volunteer.projects.models import Project
    with app.app_context():
        station = db.session.get(Station, site.station_id)
        station.opens_at = station.closes_at = None
        project = db.session.get(Project, site.project_id)
        for key, value in around_today().items():
            setattr(project, key, value)
        db.session.commit()
    return site
