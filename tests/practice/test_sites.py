"""Attendance through the check-in: the practice's start gives each unit with placed students its
place as a station (led by its contact) and a running project of social practice there, whose
roster is those students; they check in daily, the contact approves their hours, and the days and
hours reach the figures and the school export; the projects follow the programme to its close.
The pre-post training is a project whose shifts the placed students attend by checking in."""
from __future__ import annotations

import io
from datetime import datetime, time, timedelta

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from tests.practice.conftest import NOW, TODAY, applied, choice_of, move, user_of
from tests.practice.test_at_post import AT_POST, place
from volunteer.accounts.models import Volunteer
from volunteer.checkin import services as checkin
from volunteer.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from volunteer.core.time import DEFAULT_ZONE
from volunteer.extensions import db
from volunteer.ledger import services as ledger
from volunteer.ledger.models import LedgerEntry
from volunteer.ledger.vocabulary import Decision, EntryState
from volunteer.notifications.models import Notice
from volunteer.notifications.vocabulary import NoticeKind
from volunteer.organisations.services import get_by_code
from volunteer.practice import figures
from volunteer.practice import services as practice
from volunteer.practice.models import HostUnit, Post, Programme, StudentApplication
from volunteer.practice.vocabulary import PostChoiceState, ProgrammeState
from volunteer.projects import services as projects
from volunteer.projects.errors import InvalidTransition
from volunteer.projects.models import Application, Project
from volunteer.projects.vocabulary import ApplicationState, Category, ProjectState
from volunteer.shifts import services as shifts
from volunteer.stations import codes
from volunteer.stations import services as stations
from volunteer.stations.models import Station
from volunteer.stations.vocabulary import StationKind


@pytest.fixture
def started(app, world, season):
    """王小明 placed on 甲镇's 政务服务助理, 李小红 on 乙镇's 社区服务助理; the practice started."""
    season.first, season.second = place(app, season, (world.a_volunteer, season.a1), (world.b_volunteer, season.b1))
    with app.app_context():
        move(season.programme_id, ProgrammeState.RUNNING)
    return season


def scan_at(app, person, station_id, at):
    with app.app_context():
        text = codes.make_code(db.session.get(Station, station_id), codes.STATIC, None)
        outcome = checkin.scan_station_code(user_of(person), text, now=at)
        db.session.commit()
        return outcome.action, outcome.error.code if outcome.error else None


def unit_station(app, unit) -> int:
    with app.app_context():
        return db.session.get(HostUnit, unit.id).station_id


def test_the_practice_start_opens_a_station_and_a_project_at_each_unit(app, world, started):
    with app.app_context():
        programme = db.session.get(Programme, started.programme_id)
        sites = practice.projects_of(programme)
        assert [s.unit.name for s in sites] == ["乙镇人民政府", "甲镇人民政府"]
        a_site = sites[1]
        station = a_site.unit.station
        assert station.kind == StationKind.HOST_UNIT and station.organisation.code == "LX-A"
        assert [u.id for u in station.leads] == [started.town_a.user_id]
        project = a_site.project
        assert (project.state, project.category, project.roster_required, project.delegated) == \
            (ProjectState.RUNNING, Category.PRACTICE, True, True)
        assert (project.starts_on, project.ends_on) == (programme.practice_starts_on, programme.practice_ends_on)
        assert project.stations == [station] and project.organisation.code == "LX-A"
        roster = [a.volunteer_id for a in projects.roster(project)]
        assert roster == [world.a_volunteer.id]
        # the league's library does not list it; its managers do not move it; nobody applies to it
        public = db.session.scalars(projects.search_projects(None, {})).all()
        assert project not in public
        assert projects.allowed_transitions(user_of(world.a_manager), project) == []
        with pytest.raises(InvalidTransition):
            projects.transition_project(user_of(world.a_manager), project, ProjectState.EVALUATING, now=NOW)
        assert not project.accepts_applications(NOW)
        assert not project.accepts_positions()  # its position is the programme's
        mine = db.session.scalar(sa.select(Application).where(Application.volunteer_id == world.a_volunteer.id))
        with pytest.raises(Conflict):
            projects.withdraw_application(user_of(world.a_volunteer), mine, now=NOW)
        # the student is told where to check in
        told = db.session.scalars(sa.select(Notice).where(Notice.user_id == user_of(world.a_volunteer).id,
                                                          Notice.kind == NoticeKind.PUT_ON_ROSTER)).all()
        assert len(told) == 1 and told[0].payload["place"] == station.name
        # opening the sites again changes nothing
        from volunteer.practice.services.sites import open_sites
        assert open_sites(user_of(world.city_admin), programme, now=NOW) == []
        assert len(practice.projects_of(programme)) == 2


def test_a_unit_keeps_its_station_for_a_later_programme_and_its_new_contact_leads_it(app, world, started):
    with app.app_context():
        unit = db.session.get(HostUnit, started.town_a.id)
        station_id = unit.station_id
        from volunteer.practice.services.sites import _station_of
        newcomer = user_of(world.a_manager)
        unit.contact_user_id = newcomer.id
        db.session.flush()
        db.session.expire(unit)
        assert _station_of(user_of(world.city_admin), unit, now=NOW).id == station_id
        assert newcomer in db.session.get(Station, station_id).leads


def test_students_check_in_at_their_own_unit_and_the_contact_approves_their_hours(app, world, started):
    a_station, b_station = unit_station(app, started.town_a), unit_station(app, started.town_b)
    morning = datetime.combine(AT_POST.date(), time(9, 0), tzinfo=DEFAULT_ZONE)
    assert scan_at(app, world.a_volunteer, a_station, morning) == ("checked_in", None)
    # at another unit's place the student is not on the roster
    assert scan_at(app, world.a_volunteer, b_station, morning + timedelta(minutes=5))[1] == "not_on_roster"
    assert scan_at(app, world.b_volunteer, a_station, morning)[1] == "not_on_roster"
    assert scan_at(app, world.a_volunteer, a_station, morning + timedelta(hours=4))[0] == "checked_out"
    next_day = morning + timedelta(days=1)
    scan_at(app, world.a_volunteer, a_station, next_day)
    scan_at(app, world.a_volunteer, a_station, next_day + timedelta(hours=3))
    with app.app_context():
        entries = db.session.scalars(sa.select(LedgerEntry).order_by(LedgerEntry.id)).all()
        assert [(e.state, e.minutes) for e in entries] == [(EntryState.PENDING, 240), (EntryState.PENDING, 180)]
        contact = user_of(started.town_a)
        assert ledger.may_decide(contact, entries[0])
        assert not ledger.may_decide(user_of(started.town_b), entries[0])
        ledger.decide(contact, entries[0], Decision.APPROVE, now=next_day + timedelta(hours=5))
        db.session.commit()
        programme = db.session.get(Programme, started.programme_id)
        assert practice.days_checked_in(programme) == {world.a_volunteer.id: 2}
        # a day whose hours the unit rejects is not a day present
        third = morning + timedelta(days=2)
        text = codes.make_code(db.session.get(Station, a_station), codes.STATIC, None)
        checkin.scan_station_code(user_of(world.a_volunteer), text, now=third)
        checkin.scan_station_code(user_of(world.a_volunteer), text, now=third + timedelta(hours=2))
        db.session.commit()
        assert practice.days_checked_in(programme) == {world.a_volunteer.id: 3}
        rejected = db.session.scalars(sa.select(LedgerEntry).order_by(LedgerEntry.id.desc())).first()
        ledger.decide(contact, rejected, Decision.REJECT, reason="当天未到岗", now=third + timedelta(hours=3))
        db.session.commit()
        assert practice.minutes_approved(programme) == {world.a_volunteer.id: 240}
        volunteer = db.session.get(Volunteer, world.a_volunteer.id)
        assert ledger.totals_of(volunteer.id)["approved_minutes"] == 240  # on the volunteer's own record
        today = AT_POST.date() + timedelta(days=1)
        shown = figures.programme_figures(programme, today)
        due = sum(practice.days_due(a, today) for a in practice.placed_students(programme))
        assert shown["checked_in_attendance"] == pytest.approx(2 / due)
        assert shown["approved_hours"] == 4.0
        rows = {row[0]: row for row in figures.school_rows(programme)}
        workbook = load_workbook(io.BytesIO(figures.school_xlsx(programme, list(rows.values())))).active
        by_number = {row[0]: row for row in workbook.iter_rows(min_row=3, values_only=True)}
        a_row = next(row for row in by_number.values() if row[1] == "王小明")
        b_row = next(row for row in by_number.values() if row[1] == "李小红")
        assert (a_row[11], a_row[12]) == (2, 4.0) and (b_row[11], b_row[12]) == (0, 0)


def test_the_school_export_leaves_checked_in_days_and_hours_empty_before_the_practice(app, world, season):
    place(app, season, (world.a_volunteer, season.a1))
    with app.app_context():
        programme = db.session.get(Programme, season.programme_id)
        assert not practice.checks_in_at_units(programme)
        [row] = figures.school_rows(programme)
        assert (row[11], row[12]) == (None, None)


def test_the_projects_follow_the_programme_and_check_in_stops_once_it_is_evaluated(app, world, started):
    a_station = unit_station(app, started.town_a)
    with app.app_context():
        move(started.programme_id, ProgrammeState.EVALUATING, at=AT_POST)
        programme = db.session.get(Programme, started.programme_id)
        assert {s.project.state for s in practice.projects_of(programme)} == {ProjectState.EVALUATING}
    assert scan_at(app, world.a_volunteer, a_station, AT_POST)[1] == "project_not_running"
    with app.app_context():
        move(started.programme_id, ProgrammeState.CLOSED, at=AT_POST)
        programme = db.session.get(Programme, started.programme_id)
        assert {s.project.state for s in practice.projects_of(programme)} == {ProjectState.CLOSED}


@pytest.fixture
def hall(app, world):
    """The city's 青年之家, where the training is held."""
    with app.app_context():
        station = stations.create_station(user_of(world.city_admin), get_by_code("LX"), {
            "name": "临溪市青年之家", "kind": StationKind.YOUTH_HOME}, now=NOW)
        db.session.commit()
        return station.id


def test_the_training_is_set_up_once_students_are_placed_and_attended_by_check_in(app, world, season, hall):
    first = applied(app, world.a_volunteer, season.programme_id, [season.a1])
    second = applied(app, world.b_volunteer, season.programme_id, [season.b1])
    with app.app_context():
        programme = db.session.get(Programme, season.programme_id)
        with pytest.raises(Conflict):  # still taking applications
            practice.set_up_training(user_of(world.city_admin), programme, hall, now=NOW)
        move(season.programme_id, ProgrammeState.MATCHING)
        practice.unit_decides(user_of(season.town_a), choice_of(first, season.a1), PostChoiceState.OFFERED, now=NOW)
        practice.accept_offer(user_of(world.a_volunteer), choice_of(first, season.a1), now=NOW)
        db.session.commit()
        programme = db.session.get(Programme, season.programme_id)
        with pytest.raises(ValidationFailed) as refused:
            practice.set_up_training(user_of(world.city_admin), programme, "999999", now=NOW)
        assert "station_id" in refused.value.fields
        with pytest.raises((Forbidden, NotFound)):
            practice.set_up_training(user_of(world.b_admin), programme, hall, now=NOW)
        training = practice.set_up_training(user_of(world.city_admin), programme, hall, now=NOW)
        db.session.commit()
        with pytest.raises(Conflict):
            practice.set_up_training(user_of(world.city_admin), programme, hall, now=NOW)
        assert training.project.delegated and training.project.organisation.code == "LX"
        assert [a.volunteer_id for a in projects.roster(training.project)] == [world.a_volunteer.id]
        # placed afterwards: on the roster as they are placed
        practice.place_by_hand(user_of(world.city_admin), db.session.get(StudentApplication, second),
                               db.session.get(Post, season.b1), now=NOW)
        db.session.commit()
        assert sorted(a.volunteer_id for a in projects.roster(training.project)) == \
            sorted([world.a_volunteer.id, world.b_volunteer.id])
        starts = datetime.combine(TODAY + timedelta(days=3), time(9, 0), tzinfo=DEFAULT_ZONE)
        shift = shifts.create_shift(user_of(world.city_admin), training.position, {
            "station_id": hall, "starts_at": starts.isoformat(), "ends_at": (starts + timedelta(hours=2)).isoformat(),
            "capacity": 30}, now=NOW)
        db.session.commit()
        for person in (world.a_volunteer, world.b_volunteer):
            shifts.sign_up(user_of(person), shift, now=NOW)
        db.session.commit()
    # at the hall outside a session: refused, nothing kept
    assert scan_at(app, world.b_volunteer, hall, starts - timedelta(hours=3))[1] == "not_on_roster"
    assert scan_at(app, world.a_volunteer, hall, starts + timedelta(minutes=3)) == ("checked_in", None)
    with app.app_context():
        programme = db.session.get(Programme, season.programme_id)
        assert practice.training_attendance(programme) == {world.a_volunteer.id: (1, 1), world.b_volunteer.id: (1, 0)}
        assert figures.programme_figures(programme, TODAY)["trained"] == 1


def test_a_volunteer_outside_the_programme_cannot_take_a_training_place(app, world, factory, season, hall):
    first = applied(app, world.a_volunteer, season.programme_id, [season.a1])
    outsider = factory.volunteer("LX-A-1", name="路人甲")
    with app.app_context():
        move(season.programme_id, ProgrammeState.MATCHING)
        practice.unit_decides(user_of(season.town_a), choice_of(first, season.a1), PostChoiceState.OFFERED, now=NOW)
        practice.accept_offer(user_of(world.a_volunteer), choice_of(first, season.a1), now=NOW)
        training = practice.set_up_training(user_of(world.city_admin), db.session.get(Programme, season.programme_id),
                                            hall, now=NOW)
        starts = datetime.combine(TODAY + timedelta(days=3), time(9, 0), tzinfo=DEFAULT_ZONE)
        shift = shifts.create_shift(user_of(world.city_admin), training.position, {
            "station_id": hall, "starts_at": starts.isoformat(), "ends_at": (starts + timedelta(hours=2)).isoformat(),
            "capacity": 30}, now=NOW)
        db.session.commit()
        with pytest.raises(Conflict):
            shifts.sign_up(user_of(outsider), shift, now=NOW)
        assert db.session.get(Project, training.project_id).state == ProjectState.RUNNING
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Application).where(
            Application.state == ApplicationState.ACCEPTED, Application.position_id == training.position_id)) == 1


def test_the_practice_does_not_start_while_a_units_contact_cannot_sign_in(app, world, season):
    place(app, season, (world.a_volunteer, season.a1))
    with app.app_context():
        user_of(season.town_a).active = False
        db.session.commit()
        with pytest.raises(Conflict) as refused:
            practice.transition_programme(user_of(world.city_admin), db.session.get(Programme, season.programme_id),
                                          ProgrammeState.RUNNING, now=NOW)
        assert "甲镇人民政府" in str(refused.value.message)
        db.session.rollback()
        assert db.session.get(Programme, season.programme_id).state == ProgrammeState.MATCHING
        assert practice.projects_of(db.session.get(Programme, season.programme_id)) == []
