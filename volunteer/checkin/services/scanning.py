"""The check-in rules, in one place, for the phone's self-scan, the lead's kiosk and the API.

A scan either opens a session (check-in), closes the volunteer's open session at that station
(check-out, which writes a pending ledger entry), changes nothing (the same scan again within
the repeat window, or a retried ``request_id``), or is refused with a code from API.md. Every
scan is stored with its outcome, its reason, when it was made and when it was received.

Races: every scan first locks the volunteer's row (on SQLite the transaction holds the database's
write lock), so one volunteer's scans are decided one at a time; the partial unique index on open
sessions is the last word. Callers pass the time in and commit once.
"""
from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from volunteer.accounts.errors import NotAVolunteer
from volunteer.accounts.models import Volunteer
from volunteer.checkin import cards
from volunteer.checkin.errors import (
    NOT_A_VOLUNTEER,
    DailyLimitReached,
    NotOnRoster,
    ProjectNotRunning,
    ProjectRequired,
    StationClosed,
    UnknownNumber,
)
from volunteer.checkin.models import ServiceSession
from volunteer.checkin.services.scans import (
    Request,
    ScanOutcome,
    clean_request_id,
    distance,
    earlier_answer,
    lock_volunteer,
    outside,
    record_scan,
    refuse,
    setting,
)
from volunteer.checkin.services.stale import auto_close, close_if_stale
from volunteer.checkin.vocabulary import AutoCloseReason, ScanAction, ScannedCode, SessionSource, SessionState
from volunteer.core import get_by_id, permissions, signals
from volunteer.core.errors import DomainError, NotFound, ValidationFailed
from volunteer.core.time import local_date
from volunteer.extensions import db
from volunteer.ledger import services as ledger
from volunteer.projects.models import Project
from volunteer.projects.services import may_serve
from volunteer.shifts import services as shifts
from volunteer.stations import codes
from volunteer.stations.errors import RotatingCodeRequired
from volunteer.stations.models import Station

PROJECT_SCREEN_ONLY = _l("This project accepts only the code on the station's screen.")


def scan_station_code(user, text: str, *, now: datetime, project_id: int | None = None,
                      lat: float | None = None, lng: float | None = None, request_id: str | None = None,
                      scanned_at: datetime | None = None, code_seen_at: datetime | None = None) -> ScanOutcome:
    """A volunteer scanned a station's QR code with their phone. ``code_seen_at``: when this
    browser first opened the code, if the volunteer had to sign in (or choose a project) before
    the scan could be sent; a rotating code is judged by that moment (the scan page keeps it
    for a few minutes only)."""
    req = Request(user=user, source=SessionSource.SELF_SCAN, code_kind=None, now=now, scanned_at=scanned_at or now,
                   project_id=project_id, lat=lat, lng=lng, request_id=clean_request_id(request_id))
    if req.request_id:
        # A retry (a lost answer, a reloaded page) gets the first answer, even once a rotating
        # code has expired.
        earlier = earlier_answer(req)
        if earlier is not None:
            return earlier
    try:
        try:
            scanned = codes.read_code(text, now=code_seen_at or now, load_options=[
                sa.orm.joinedload(Station.running_projects).defer(Project.description)])
        except DomainError as exc:
            req.station = getattr(exc, "station", None)
            raise
        req.station, req.code_kind = scanned.station, ScannedCode.of_station_code(scanned.kind)
        req.volunteer, req.sessions = lock_volunteer("user_id", user.id, at=(req.station, now))
        if req.volunteer is None or not req.volunteer.is_active:
            raise NotAVolunteer(NOT_A_VOLUNTEER)
    except DomainError as exc:
        return refuse(req, exc)
    return _scan(req)


def scan_card(lead, station: Station, text: str, *, now: datetime, project_id: int | None = None,
              request_id: str | None = None, scanned_at: datetime | None = None) -> ScanOutcome:
    """A station lead's kiosk read a volunteer's personal code (scanner gun or camera)."""
    ensure_kiosk(lead, station)
    req = Request(user=lead, source=SessionSource.KIOSK, code_kind=ScannedCode.PERSONAL, now=now, scanned_at=scanned_at or now,
                   project_id=project_id, request_id=clean_request_id(request_id), station=station)
    try:
        req.volunteer, req.sessions = lock_volunteer("id", cards.read_card(text).id, at=(station, now))
    except DomainError as exc:
        return refuse(req, exc)
    return _scan(req)


def scan_number(lead, station: Station, typed: str, *, now: datetime, project_id: int | None = None,
                request_id: str | None = None) -> ScanOutcome:
    """The lead typed the volunteer number or phone of someone without their card: the same
    check-in or check-out as their card, recorded as typed (ScannedCode.NUMBER)."""
    ensure_kiosk(lead, station)
    req = Request(user=lead, source=SessionSource.KIOSK, code_kind=ScannedCode.NUMBER, now=now, scanned_at=now,
                  project_id=project_id, request_id=clean_request_id(request_id), station=station)
    volunteer = cards.volunteer_by_number(typed)
    if volunteer is None:
        return refuse(req, UnknownNumber())
    req.volunteer, req.sessions = lock_volunteer("id", volunteer.id, at=(station, now))
    return _scan(req)


def checked_in_at(station: Station) -> list[ServiceSession]:
    """Who is checked in at the station now, longest first (the kiosk's list)."""
    return db.session.scalars(
        sa.select(ServiceSession).where(ServiceSession.station_id == station.id, ServiceSession.is_open)
        .options(sa.orm.joinedload(ServiceSession.volunteer), sa.orm.joinedload(ServiceSession.project))
        .order_by(ServiceSession.checked_in_at).limit(500)).all()


def ensure_kiosk(user, station: Station) -> None:
    """The kiosk is for the station's leads, and for the admins who manage the station
    (``Station.may_run_kiosk``); others get the 404 or 403 the station's scope says."""
    if not station.may_run_kiosk(user):
        permissions.ensure(user, "station.manage", station)


def get_kiosk_station(user, station_id) -> Station:
    station = get_by_id(Station, station_id)
    if station is None:
        raise NotFound()
    ensure_kiosk(user, station)
    return station


def _scan(req: Request) -> ScanOutcome:
    """Decide a scan of the locked volunteer ``req.volunteer``. Every refusal is raised before
    the scan writes anything of its own, so a refused scan leaves its record and, at most, a
    stale session that it found and closed on the way."""
    volunteer = req.volunteer
    if req.request_id:
        earlier = earlier_answer(req)
        if earlier is not None:
            return earlier
    try:
        outcome = _decide(req, volunteer)
    except DomainError as exc:
        return refuse(req, exc)
    outcome.volunteer, outcome.station = volunteer, req.station
    if not record_scan(req, outcome):  # the same request_id was answered at this very moment
        db.session.rollback()
        return earlier_answer(req)
    return outcome


def _decide(req: Request, volunteer: Volunteer) -> ScanOutcome:
    station, now = req.station, req.now
    req.distance_m = distance(station, req.lat, req.lng)
    window = timedelta(seconds=setting("SCAN_REPEAT_SECONDS"))
    served_on = local_date(now, station.zone)
    recent = req.sessions
    current = next((s for s in recent if s.is_open), None)
    if current is not None and current.station_id == station.id and current.project.require_rotating_code \
            and req.code_kind == ScannedCode.STATIC:
        # a photo of the poster must not check out from home either
        raise RotatingCodeRequired(PROJECT_SCREEN_ONLY)
    if current is not None and close_if_stale(current, now=now):
        if current.station_id == station.id:
            # The scan meant to check out, too late: say what the system did rather than open
            # a new session.
            return ScanOutcome(ScanAction.CHECKED_OUT, 200, session=current)
        current = None

    if current is not None and current.station_id == station.id:
        if now - current.checked_in_at < window:
            return ScanOutcome(ScanAction.UNCHANGED, 200, session=current)
        _check_out(current, req)
        return ScanOutcome(ScanAction.CHECKED_OUT, 200, session=current)

    last = next((s for s in recent if not s.is_open and not s.auto_closed and s.station_id == station.id
                 and now - window < s.checked_out_at <= now), None)
    if current is None and last is not None:
        return ScanOutcome(ScanAction.UNCHANGED, 200, session=last)

    if not station.is_open_at(now):
        raise StationClosed()
    project = _choose_project(req, volunteer)
    if project.require_rotating_code and req.code_kind == ScannedCode.STATIC:
        raise RotatingCodeRequired(PROJECT_SCREEN_ONLY)
    limit = setting("SESSIONS_PER_PROJECT_DAY")
    if sum(1 for s in recent if s.project_id == project.id and s.served_on == served_on) >= limit:
        raise DailyLimitReached(_l("You have already checked in %(n)s times for this project today.", n=limit))
    # During a shift the volunteer signed up for: the session serves it (and it counts as come).
    shift = shifts.attend(volunteer.id, station.id, project.id, now)
    if project.shifts_only and shift is None:
        raise NotOnRoster(_l("This project takes check-ins only during a shift you have a place on."))

    closed_elsewhere = None
    if current is not None:
        # Checked in at another station without checking out: the system closes that session,
        # crediting nothing until its lead decides; it never counts the way here as service.
        auto_close(current, now, AutoCloseReason.SUPERSEDED, now=now)
        closed_elsewhere = current
    session = ServiceSession(
        volunteer_id=volunteer.id, station_id=station.id, project_id=project.id, state=SessionState.OPEN,
        source=req.source, checked_in_at=now, served_on=served_on, distance_m=req.distance_m,
        outside_radius=outside(station, req.distance_m), created_at=now,
        checked_in_by_id=req.user.id if req.source == SessionSource.KIOSK else None,
        typed_by_id=req.user.id if req.code_kind == ScannedCode.NUMBER else None)
    session.station, session.project = station, project
    session.shift = shift
    db.session.add(session)
    db.session.flush()
    return ScanOutcome(ScanAction.CHECKED_IN, 201, session=session, closed_elsewhere=closed_elsewhere)


def _choose_project(req: Request, volunteer: Volunteer) -> Project:
    station, now = req.station, req.now
    if req.project_id is not None:
        project = get_by_id(Project, req.project_id)
        if project is None or station not in project.stations:
            raise ValidationFailed(fields={"project_id": [_l("This project does not run at this station.")]})
        if not project.accepts_checkins(now, station.zone):
            raise ProjectNotRunning(_l("This project is not taking check-ins now."))
        if not may_serve(project, volunteer):
            raise NotOnRoster()
        return project
    running = running_projects(station, now=now)
    if not running:
        raise ProjectNotRunning()
    open_to_volunteer = projects_open_to(volunteer, station, now=now, running=running)
    if not open_to_volunteer:
        raise NotOnRoster()
    if len(open_to_volunteer) > 1:
        raise ProjectRequired(open_to_volunteer)
    return open_to_volunteer[0]


def running_projects(station: Station, *, now: datetime) -> list[Project]:
    """The projects taking check-ins at the station now."""
    return [p for p in station.running_projects if p.accepts_checkins(now, station.zone)]


def projects_open_to(volunteer: Volunteer, station: Station, *, now: datetime,
                     running: list[Project] | None = None) -> list[Project]:
    """The projects the volunteer may check in to at the station now (the scan page's choice)."""
    running = running_projects(station, now=now) if running is None else running
    return [p for p in running if may_serve(p, volunteer)]


def _check_out(session: ServiceSession, req: Request) -> None:
    session.state = SessionState.CLOSED
    session.checked_out_at = req.now
    session.minutes = int((req.now - session.checked_in_at).total_seconds() // 60)
    if req.source == SessionSource.KIOSK:
        session.checked_out_by_id = req.user.id
    if req.code_kind == ScannedCode.NUMBER:
        session.typed_by_id = req.user.id
    if req.distance_m is not None:
        session.distance_m = max(session.distance_m or 0, req.distance_m)
        session.outside_radius = session.outside_radius or outside(session.station, req.distance_m)
    db.session.flush()
    ledger.record_session(session)
    signals.session_closed.send(session)


