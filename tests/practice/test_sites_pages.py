"""The pages of attendance through the check-in: the league's attendance page with each student's
days checked in and hours approved, and the training set up from it; the student's own
attendance and training; the unit's station, kiosk and each student's days; the delegated
project's page, which offers no move. Another town's admin sees none of it."""
from __future__ import annotations

import re
from datetime import timedelta

import sqlalchemy as sa

from tests.practice.conftest import user_of, with_password
from tests.practice.test_at_post import place
from tests.practice.test_at_post_pages import under_way_today
from volunteer.checkin import services as checkin
from volunteer.core.time import utcnow
from volunteer.extensions import db
from volunteer.ledger import services as ledger
from volunteer.ledger.models import LedgerEntry
from volunteer.ledger.vocabulary import Decision
from volunteer.organisations.services import get_by_code
from volunteer.practice import services as practice
from volunteer.practice.models import HostUnit
from volunteer.stations import codes
from volunteer.stations import services as stations
from volunteer.stations.models import Station
from volunteer.stations.vocabulary import StationKind


def test_attendance_and_training_pages_for_the_league_the_student_and_the_unit(app, world, season, signed_in):
    first, _second = place(app, season, (world.a_volunteer, season.a1), (world.b_volunteer, season.b1))
    under_way_today(app, season)
    now = utcnow()
    with app.app_context():
        hall = stations.create_station(user_of(world.city_admin), get_by_code("LX"), {
            "name": "临溪市青年之家", "kind": StationKind.YOUTH_HOME}, now=now).id
        unit = db.session.get(HostUnit, season.town_a.id)
        station_id, station_name = unit.station_id, unit.station.name
        text = codes.make_code(db.session.get(Station, station_id), codes.STATIC, None)
        checkin.scan_station_code(user_of(world.a_volunteer), text, now=now - timedelta(hours=3))
        checkin.scan_station_code(user_of(world.a_volunteer), text, now=now - timedelta(hours=1))
        db.session.commit()
        entry = db.session.scalar(sa.select(LedgerEntry))
        ledger.decide(user_of(season.town_a), entry, Decision.APPROVE, now=now)
        db.session.commit()
        site_project = practice.site_of(practice.get_own_application(user_of(world.a_volunteer), first)).project_id

    city = signed_in(world.city_admin)
    url = f"/practice/{season.programme_id}/attendance"
    page = city.get(url).get_data(as_text=True)
    assert page.count('data-testid="student-attendance"') == 2 and page.count('data-testid="site"') == 2
    days = re.findall(r'data-testid="days-checked-in">([^<]+)<', page)
    assert sorted(days) == ["0 天", "1 天"]
    assert "2.0 小时" in page and 'data-testid="set-up-training"' in page and "临溪市青年之家" in page
    assert signed_in(world.b_admin).get(url).status_code == 404
    made = city.post_form(f"/practice/{season.programme_id}/training", {"station_id": str(hall)}, form_url=url)
    assert made.status_code == 302 and "/positions/" in made.headers["Location"]
    page = city.get(url).get_data(as_text=True)
    assert 'data-testid="training"' in page and 'data-testid="set-up-training"' not in page
    assert page.count('data-testid="training-attended"') == 2

    mine = signed_in(world.a_volunteer).get(f"/practice/mine/{first}").get_data(as_text=True)
    assert 'data-testid="my-attendance"' in mine and station_name in mine
    assert "已签到 1 天，已通过 2.0 小时" in mine and 'data-testid="training-shifts"' in mine

    contact = signed_in(with_password(app, season.town_a))
    unit_page = contact.get("/practice/unit/students").get_data(as_text=True)
    assert 'data-testid="unit-station"' in unit_page and f"/stations/{station_id}/kiosk" in unit_page
    assert "已签到 1 天" in unit_page
    assert contact.get(f"/stations/{station_id}/kiosk").status_code == 200

    project_page = city.get(f"/projects/{site_project}").get_data(as_text=True)
    assert 'data-testid="delegated"' in project_page and "transition-form" not in project_page
