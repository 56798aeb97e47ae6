"""A year and a half of service in the two towns of ``world``, made through the services: sessions
(one across midnight), manual entries, approvals, a rejection, corrections up, down and to nothing,
and an entry still pending; then the figures are compared with the entries themselves."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from types import SimpleNamespace

import pytest

from tests.checkin.fixtures import SHANGHAI
from volunteer.accounts.models import User, Volunteer
from volunteer.checkin import services as checkin
from volunteer.extensions import db
from volunteer.ledger import services as ledger
from volunteer.ledger.models import LedgerEntry
from volunteer.organisations.services import get_by_code
from volunteer.projects import services as projects
from volunteer.projects.models import Project
from volunteer.stations import codes
from volunteer.stations import services as stations
from volunteer.stations.models import Station

NOW = datetime(2027, 6, 1, 12, 0, tzinfo=SHANGHAI)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=SHANGHAI)


class Service:
    """Sessions and manual entries made and decided the way people do it."""

    def __init__(self, world):
        self.world = world

    def user(self, person) -> User:
        return db.session.get(User, getattr(person, "user_id", None) or person.id)

    def session(self, person, station_id, start: datetime, minutes: int, *, decide_by=None, decision="approve"):
        station = db.session.get(Station, station_id)
        text = codes.make_code(station, codes.STATIC)
        checkin.scan_station_code(self.user(person), text, now=start)
        checkin.scan_station_code(self.user(person), text, now=start + timedelta(minutes=minutes))
        db.session.flush()
        entry = db.session.scalars(db.select(LedgerEntry).order_by(LedgerEntry.id.desc())).first()
        if decide_by is not None:
            ledger.decide(self.user(decide_by), entry, decision, reason="核实", now=start + timedelta(days=1))
        db.session.commit()
        return entry

    def manual(self, by, project_id, person, served_on: date, minutes: int, *, decide_by=None, decision="approve"):
        project = db.session.get(Project, project_id)
        volunteer = db.session.scalar(db.select(Volunteer).filter_by(user_id=person.user_id))
        entry = ledger.record_manual(self.user(by), project, volunteer, {
            "minutes": minutes, "served_on": served_on, "reason": "现场未扫码"}, now=NOW)
        db.session.flush()
        if decide_by is not None:
            ledger.decide(self.user(decide_by), entry, decision, reason="核实", now=NOW)
        db.session.commit()
        return entry

    def correct(self, entry, minutes: int):
        entry = db.session.get(LedgerEntry, entry.id)
        correction = ledger.correct(self.user(self.world.city_admin), entry, minutes, "更正", now=NOW)
        db.session.commit()
        return correction


@pytest.fixture
def served(app, world, site, factory):
    """Town A: 社区助老服务 at 甲村志愿驿站 (check-in, 2027) and 助学课堂 (manual only, 2026–2027);
    town B: 夜间巡逻 at 乙村夜间驿站 (no opening hours; a session across midnight)."""
    c_volunteer = factory.volunteer("LX-A-1", name="张小华")
    b_lead = factory.volunteer("LX-B-1", name="孙站长")
    with app.app_context():
        admin = db.session.get(User, world.city_admin.id)
        a_manager = db.session.get(User, world.a_manager.id)
        b_manager = db.session.get(User, world.b_manager.id)
        night = stations.create_station(admin, get_by_code("LX-B-1"), {
            "name": "乙村夜间驿站", "kind": "驿站", "lat": 30.3, "lng": 120.2, "radius_m": 200}, now=NOW)
        db.session.flush()
        stations.add_lead(admin, night, db.session.get(User, b_lead.user_id), now=NOW)
        tutoring = projects.create_project(a_manager, get_by_code("LX-A"), {
            "title": "助学课堂", "category": "education", "starts_on": date(2026, 1, 1),
            "ends_on": date(2027, 12, 31)}, now=NOW)
        patrol = projects.create_project(b_manager, get_by_code("LX-B"), {
            "title": "夜间巡逻", "category": "community", "starts_on": date(2026, 1, 1),
            "ends_on": date(2027, 12, 31), "station_ids": [night.id]}, now=NOW)
        db.session.flush()
        tutoring.state = patrol.state = "running"
        db.session.commit()
        ids = SimpleNamespace(tutoring=tutoring.id, patrol=patrol.id, night=night.id)

        s = Service(world)
        a, b, c, lead = world.a_volunteer, world.b_volunteer, c_volunteer, site.lead
        march = date(2027, 3, 15)
        # two sessions of one volunteer on one project and day: one person-time
        s.session(a, site.station_id, at(march, 9), 120, decide_by=lead)
        s.session(a, site.station_id, at(march, 14), 60, decide_by=lead)
        s.session(b, site.station_id, at(march, 10), 30, decide_by=lead)
        corrected_down = s.session(a, site.station_id, at(march + timedelta(days=1), 9), 60, decide_by=lead)
        s.correct(corrected_down, 30)
        to_nothing = s.session(c, site.station_id, at(march + timedelta(days=2), 9), 45, decide_by=lead)
        s.correct(to_nothing, 0)
        # across midnight, into April: the day it began
        s.session(b, ids.night, at(date(2027, 3, 31), 23), 120, decide_by=b_lead)
        s.session(a, ids.night, at(date(2027, 4, 20), 20), 90)  # pending
        # manual entries
        s.manual(world.a_manager, ids.tutoring, a, date(2026, 3, 20), 180, decide_by=world.city_admin)
        s.manual(world.a_manager, ids.tutoring, b, date(2026, 4, 2), 60, decide_by=world.city_admin)
        s.manual(world.a_manager, ids.tutoring, c, date(2027, 4, 2), 90, decide_by=world.city_admin)
        rejected = s.manual(world.a_manager, ids.tutoring, c, date(2027, 4, 3), 40,
                            decide_by=world.city_admin, decision="reject")
        s.correct(rejected, 60)  # found worth something after all
        s.manual(world.a_manager, ids.tutoring, a, date(2027, 4, 5), 45)  # pending
        s.manual(world.b_manager, ids.patrol, a, date(2027, 5, 10), 60, decide_by=world.city_admin)
        s.manual(world.b_manager, ids.patrol, b, date(2026, 5, 10), 30, decide_by=world.city_admin)
    return SimpleNamespace(**vars(ids), c_volunteer=c_volunteer, b_lead=b_lead, station=site.station_id)
