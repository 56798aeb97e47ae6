"""Attendance through the check-in: when a programme's practice starts, each host unit with placed
students gets its place as a station (led by the unit's contact, whose kiosk also checks students
in) and a project of social practice running there for the practice period, its roster the
students placed with the unit; their sessions become ledger entries the contact approves as a
station's lead. The pre-post training is a project of its own at a station the league chooses,
its sessions planned as shifts that the placed students sign up for and attend by checking in.
Both projects follow the programme: evaluated when it is, closed when it closes. The caller commits."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from volunteer.checkin.models import ServiceSession
from volunteer.core import flush_unique, permissions
from volunteer.core.audit import record_event
from volunteer.core.errors import Conflict, ValidationFailed
from volunteer.extensions import db
from volunteer.ledger.models import LedgerEntry, LedgerTotal
from volunteer.ledger.vocabulary import EntryState
from volunteer.practice.errors import NotInStage
from volunteer.practice.models import HostUnit, Post, Programme, StudentApplication
from volunteer.practice.sites import PracticeProject
from volunteer.practice.vocabulary import (
    TRAINING_STAGES,
    PracticeProjectPurpose,
    ProgrammeEvent,
    ProgrammeState,
)
from volunteer.projects import services as projects
from volunteer.projects.vocabulary import ProjectState
from volunteer.shifts.models import Shift, Signup
from volunteer.shifts.vocabulary import SignupState
from volunteer.stations import services as stations
from volunteer.stations.models import Station
from volunteer.stations.vocabulary import StationKind

# a place held on a training session, whether or not the student came
TRAINING_PLACES = (SignupState.CONFIRMED, SignupState.NO_SHOW, SignupState.EXCUSED)
# the programme's move -> where its projects go
FOLLOWS = {ProgrammeState.EVALUATING: ProjectState.EVALUATING, ProgrammeState.CLOSED: ProjectState.CLOSED}


def _placed_by_unit(programme: Programme) -> dict[HostUnit, list[StudentApplication]]:
    rows = db.session.execute(
        sa.select(StudentApplication, HostUnit).join(Post, Post.id == StudentApplication.placed_post_id)
        .join(HostUnit, HostUnit.id == Post.unit_id)
        .where(StudentApplication.programme_id == programme.id, StudentApplication.is_placed)
        .options(sa.orm.joinedload(StudentApplication.volunteer))
        .order_by(HostUnit.id, StudentApplication.id)).all()
    placed: dict[HostUnit, list[StudentApplication]] = defaultdict(list)
    for application, unit in rows:
        placed[unit].append(application)
    return placed


def _station_of(actor, unit: HostUnit, *, now: datetime) -> Station:
    """The unit's place as a station, made the first time a practice starts there; its contact leads it."""
    if not unit.contact.is_active:
        raise Conflict(_l("The contact of %(unit)s can no longer sign in: name another before the practice starts.",
                          unit=unit.name))
    if unit.station is None:
        unit.station = stations.create_station(actor, unit.organisation, {
            "name": unit.name, "kind": StationKind.HOST_UNIT, "address": unit.address,
            "lead_user_ids": [unit.contact_user_id]}, now=now)
    elif unit.contact not in unit.station.leads:
        stations.add_lead(actor, unit.station, unit.contact, now=now)
    return unit.station


def open_sites(actor, programme: Programme, *, now: datetime) -> list[PracticeProject]:
    """Called as the practice starts: a running project at each unit's station for its students."""
    opened = []
    for unit, applications in _placed_by_unit(programme).items():
        if db.session.scalar(sa.select(PracticeProject.id).where(
                PracticeProject.programme_id == programme.id, PracticeProject.unit_id == unit.id)):
            continue
        station = _station_of(actor, unit, now=now)
        position = projects.open_delegated(
            actor, unit.organisation, title=f"{programme.name} · {unit.name}", description=programme.rules or "",
            stations=[station], starts_on=programme.practice_starts_on, ends_on=programme.practice_ends_on,
            position_title=_("Practice student"), note=_("The practice of %(programme)s started.",
                                                         programme=programme.name), now=now)
        site = PracticeProject(programme=programme, purpose=PracticeProjectPurpose.AT_UNIT, unit=unit,
                               project=position.project, position=position)
        db.session.add(site)
        for application in applications:
            projects.enrol(actor, position, application.volunteer, now=now)
        opened.append(site)
    db.session.flush()
    return opened


def follow_programme(actor, programme: Programme, target: str, *, now: datetime) -> None:
    """The programme's projects move with it (check-in stops once the practice is evaluated)."""
    state = FOLLOWS.get(target)
    if state is None:
        return
    note = _("%(programme)s moved on.", programme=programme.name)
    for site in projects_of(programme):
        projects.follow(actor, site.project, state, note=note, now=now)


def projects_of(programme: Programme) -> list[PracticeProject]:
    """The programme's projects: its units' (by unit name), then its training."""
    return db.session.scalars(
        sa.select(PracticeProject).outerjoin(HostUnit, HostUnit.id == PracticeProject.unit_id)
        .where(PracticeProject.programme_id == programme.id)
        .options(sa.orm.joinedload(PracticeProject.project), sa.orm.joinedload(PracticeProject.unit)
                 .joinedload(HostUnit.station))
        .order_by(PracticeProject.unit_id.is_(None), HostUnit.name, PracticeProject.id)).all()


def checks_in_at_units(programme: Programme) -> bool:
    """Its practice has started: its students check in at their units."""
    return db.session.scalar(sa.select(PracticeProject.id).where(
        PracticeProject.programme_id == programme.id, PracticeProject.purpose == PracticeProjectPurpose.AT_UNIT)
        .limit(1)) is not None


def site_of(application: StudentApplication) -> PracticeProject | None:
    """Where a placed student checks in at their post (once the practice has started)."""
    if not application.is_placed:
        return None
    return db.session.scalar(sa.select(PracticeProject).where(
        PracticeProject.programme_id == application.programme_id,
        PracticeProject.unit_id == application.placed_post.unit_id))


def training_of(programme: Programme) -> PracticeProject | None:
    return db.session.scalar(sa.select(PracticeProject).where(
        PracticeProject.programme_id == programme.id, PracticeProject.purpose == PracticeProjectPurpose.TRAINING))


def training_stations(user, programme: Programme) -> list[Station]:
    """The stations the training may be held at: active ones within the programme's organisation."""
    return db.session.scalars(
        sa.select(Station).join(Station.organisation).where(Station.active, programme.organisation.subtree(),
                                 permissions.in_scope(user, "station.view", Station.organisation_id))
        .order_by(Station.name, Station.id).limit(500)).all()


def set_up_training(actor, programme: Programme, station_id, *, now: datetime) -> PracticeProject:
    """The pre-post training at a station: a project whose position's shifts are its sessions;
    the students placed so far are its roster (those placed later join as they are placed)."""
    permissions.ensure(actor, "programme.run", programme)
    if programme.state not in TRAINING_STAGES:
        raise NotInStage(_l("The training is set up once students are placed, until the practice ends."))
    station = next((s for s in training_stations(actor, programme) if str(s.id) == str(station_id)), None)
    if station is None:
        raise ValidationFailed(fields={"station_id": [_l("Choose a station of %(organisation)s.",
                                                         organisation=programme.organisation.name)]})
    if training_of(programme) is not None:
        raise Conflict(_l("This programme's training is already set up."))
    position = projects.open_delegated(
        actor, programme.organisation, shifts_only=True,
        title=_("%(programme)s · pre-post training", programme=programme.name),
        description=programme.rules or "", stations=[station], starts_on=None, ends_on=programme.practice_ends_on,
        position_title=_("Pre-post training"), note=_("The training of %(programme)s was set up.",
                                                      programme=programme.name), now=now)
    training = PracticeProject(programme=programme, purpose=PracticeProjectPurpose.TRAINING, project=position.project,
                               position=position)
    db.session.add(training)
    flush_unique(Conflict(_l("This programme's training is already set up.")))
    for applications in _placed_by_unit(programme).values():
        for application in applications:
            projects.enrol(actor, position, application.volunteer, now=now)
    db.session.flush()
    record_event(actor, ProgrammeEvent.TRAINING_SET_UP, programme, after={"station_id": station.id}, now=now)
    return training


def enrol_placed(application: StudentApplication, *, now: datetime) -> None:
    """A student placed after the training was set up joins its roster (the system enrols them,
    whoever placed them)."""
    training = training_of(application.programme)
    if training is not None:
        projects.enrol(None, training.position, application.volunteer, now=now)


def days_checked_in(programme: Programme) -> dict[int, int]:
    """Volunteer id -> the days they checked in at their unit's station (a day whose hours the unit
    rejected is not one)."""
    sites = sa.select(PracticeProject.project_id).where(PracticeProject.programme_id == programme.id,
                                                        PracticeProject.purpose == PracticeProjectPurpose.AT_UNIT)
    return dict(db.session.execute(
        sa.select(ServiceSession.volunteer_id, sa.func.count(sa.distinct(ServiceSession.served_on)))
        .outerjoin(LedgerEntry, LedgerEntry.session_id == ServiceSession.id)
        .where(ServiceSession.project_id.in_(sites),
               sa.or_(LedgerEntry.id.is_(None), LedgerEntry.state != EntryState.REJECTED))
        .group_by(ServiceSession.volunteer_id)).all())


def minutes_approved(programme: Programme) -> dict[int, int]:
    """Volunteer id -> their approved (credited) minutes at their unit, from the ledger's totals."""
    sites = sa.select(PracticeProject.project_id).where(PracticeProject.programme_id == programme.id,
                                                        PracticeProject.purpose == PracticeProjectPurpose.AT_UNIT)
    return dict(db.session.execute(
        sa.select(LedgerTotal.volunteer_id, sa.func.sum(LedgerTotal.approved_minutes))
        .where(LedgerTotal.project_id.in_(sites)).group_by(LedgerTotal.volunteer_id)).all())


def days_due(application: StudentApplication, today: date) -> int:
    """The days of the student's post up to ``today``, its first and last included."""
    post = application.placed_post
    if post is None or today < post.starts_on:
        return 0
    return (min(post.ends_on, today) - post.starts_on).days + 1


def training_attendance(programme: Programme) -> dict[int, tuple[int, int]]:
    """Volunteer id -> (training sessions they held a place on, sessions attended)."""
    training = training_of(programme)
    if training is None:
        return {}
    rows = db.session.execute(
        sa.select(Signup.volunteer_id, sa.func.count(), sa.func.count(Signup.attended_at))
        .join(Shift, Shift.id == Signup.shift_id)
        .where(Shift.position_id == training.position_id, Shift.cancelled_at.is_(None),
               Signup.state.in_(TRAINING_PLACES))
        .group_by(Signup.volunteer_id)).all()
    return {volunteer_id: (signed, attended) for volunteer_id, signed, attended in rows}


@dataclass(frozen=True)
class Attendance:
    """A placed student's attendance: where they check in at their unit (None before the practice
    starts), the days they did, the minutes approved there, and their training sessions (held,
    attended), None where the programme has no training."""

    station: Station | None
    days: int
    minutes: int
    training: tuple[int, int] | None
    training_project_id: int | None = None


def attendance_of(applications: list[StudentApplication]) -> dict[int, Attendance]:
    """Application id -> its attendance, a few queries for each programme however many students."""
    by_programme: dict[int, list[StudentApplication]] = defaultdict(list)
    for application in applications:
        if application.is_placed:
            by_programme[application.programme_id].append(application)
    found = {}
    for mine in by_programme.values():
        programme = mine[0].programme
        started = checks_in_at_units(programme)
        days, minutes = (days_checked_in(programme), minutes_approved(programme)) if started else ({}, {})
        training = training_of(programme)
        trained = training_attendance(programme) if training is not None else None
        for a in mine:
            found[a.id] = Attendance(station=a.placed_post.unit.station if started else None,
                                     days=days.get(a.volunteer_id, 0), minutes=minutes.get(a.volunteer_id, 0),
                                     training=trained.get(a.volunteer_id, (0, 0)) if trained is not None else None,
                                     training_project_id=training.project_id if training is not None else None)
    return found
