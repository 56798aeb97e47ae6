"""The check-in rules, in one place, for the phone's self-scan, the lead's kiosk and the API.

A scan either opens a session (check-in), closes the volunteer's open session at that station
(check-out, which writes a pending ledger entry), changes nothing (the same scan again within
the repeat window, or a retried ``request_id``), or is refused with a code from API.md. Every
scan is stored with its outcome, its reason, when it was made and when it was received.

Races: every scan first locks the volunteer's row (on SQLite, the database's write lock), so one
volunteer's scans are decided one at a time; the partial unique index on open sessions is the
last word.
Callers pass the time in and commit once.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from volunteer.accounts.models import Volunteer
from volunteer.checkin import cards
from volunteer.checkin.models import OPEN, Scan, ServiceSession
from volunteer.core import get_by_id, permissions
from volunteer.core.audit import record_event
from volunteer.core.database import insert
from volunteer.core.errors import Conflict, DomainError, Forbidden, NotFound, ValidationFailed
from volunteer.core.time import local_date
from volunteer.extensions import db
from volunteer.ledger import services as ledger
from volunteer.projects.models import Project
from volunteer.projects.services import is_on_roster
from volunteer.stations import codes
from volunteer.stations.models import Station

CHECKED_IN, CHECKED_OUT, UNCHANGED, REFUSED = "checked_in", "checked_out", "unchanged", "refused"


class NotAVolunteer(Forbidden):
    code = "not_a_volunteer"
    default_message = _l("Only registered volunteers can check in. Please complete your volunteer registration.")


class StationClosed(Conflict):
    code = "station_closed"
    default_message = _l("This station is closed now.")


class ProjectNotRunning(Conflict):
    code = "project_not_running"
    default_message = _l("No project is taking check-ins at this station now.")


class NotOnRoster(Conflict):
    code = "not_on_roster"
    default_message = _l("Only volunteers accepted for this project can check in. Apply for a position first.")


class DailyLimitReached(Conflict):
    code = "daily_limit_reached"


class ProjectRequired(DomainError):
    status = 422
    code = "project_required"
    default_message = _l("Several projects run at this station: choose yours.")

    def __init__(self, projects: list[Project]):
        self.projects = projects
        super().__init__(extra={"projects": [{"id": p.id, "title": p.title} for p in projects]})


@dataclass
class ScanOutcome:
    """What a scan came to. ``error`` is set when it was refused; the refusal is stored all the same."""

    action: str
    status: int
    session: ServiceSession | None = None
    volunteer: Volunteer | None = None
    station: Station | None = None
    error: DomainError | None = None
    closed_elsewhere: ServiceSession | None = None
    replayed: bool = False

    def raise_if_refused(self) -> ScanOutcome:
        if self.error is not None:
            raise self.error
        return self


@dataclass
class _Request:
    user: object
    source: str          # self_scan or kiosk
    code_kind: str | None
    now: datetime
    scanned_at: datetime
    project_id: int | None = None
    lat: float | None = None
    lng: float | None = None
    request_id: str | None = None
    station: Station | None = None
    volunteer: Volunteer | None = None
    sessions: list[ServiceSession] | None = None  # what _lock found of the volunteer's sessions
    distance_m: int | None = None


def _setting(name: str):
    return current_app.config[name]


# --- entry points -------------------------------------------------------------------------------

def scan_station_code(user, text: str, *, now: datetime, project_id: int | None = None,
                      lat: float | None = None, lng: float | None = None, request_id: str | None = None,
                      scanned_at: datetime | None = None, code_seen_at: datetime | None = None) -> ScanOutcome:
    """A volunteer scanned a station's QR code with their phone. ``code_seen_at``: when this
    browser first opened the code, if the volunteer had to sign in (or choose a project) before
    the scan could be sent; a rotating code is judged by that moment (the scan page keeps it
    for a few minutes only)."""
    req = _Request(user=user, source="self_scan", code_kind=None, now=now, scanned_at=scanned_at or now,
                   project_id=project_id, lat=lat, lng=lng, request_id=_clean_request_id(request_id))
    if req.request_id:
        # A retry (a lost answer, a reloaded page) gets the first answer, even once a rotating
        # code has expired.
        earlier = _earlier_answer(req)
        if earlier is not None:
            return earlier
    try:
        try:
            scanned = codes.read_code(text, code_seen_at or now, load_options=[
                sa.orm.joinedload(Station.running_projects).defer(Project.description)])
        except DomainError as exc:
            req.station = getattr(exc, "station", None)
            raise
        req.station, req.code_kind = scanned.station, "rotating" if scanned.kind == codes.ROTATING else "static"
        req.volunteer, req.sessions = _lock("user_id", user.id, req.station, now)
        if req.volunteer is None or req.volunteer.closed_at is not None:
            raise NotAVolunteer()
    except DomainError as exc:
        return _refuse(req, exc)
    return _scan(req)


def scan_card(lead, station: Station, text: str, *, now: datetime, project_id: int | None = None,
              request_id: str | None = None, scanned_at: datetime | None = None) -> ScanOutcome:
    """A station lead's kiosk read a volunteer's personal code (scanner gun or camera)."""
    ensure_kiosk(lead, station)
    req = _Request(user=lead, source="kiosk", code_kind="personal", now=now, scanned_at=scanned_at or now,
                   project_id=project_id, request_id=_clean_request_id(request_id), station=station)
    try:
        req.volunteer, req.sessions = _lock("id", cards.read_card(text).id, station, now)
    except DomainError as exc:
        return _refuse(req, exc)
    return _scan(req)


def ensure_kiosk(user, station: Station) -> None:
    """The kiosk is for the station's leads, and for the admins who manage the station."""
    if user is not None and station in getattr(user, "led_stations", []):
        return
    permissions.ensure(user, "station.manage", station)


def get_kiosk_station(user, station_id) -> Station:
    station = get_by_id(Station, station_id)
    if station is None:
        raise NotFound()
    ensure_kiosk(user, station)
    return station


# --- the rules ----------------------------------------------------------------------------------

def _scan(req: _Request) -> ScanOutcome:
    """Decide a scan of the locked volunteer ``req.volunteer``. Every refusal is raised before
    the scan writes anything of its own, so a refused scan leaves its record and, at most, a
    stale session that it found and closed on the way."""
    volunteer = req.volunteer
    if req.request_id:
        earlier = _earlier_answer(req)
        if earlier is not None:
            return earlier
    try:
        outcome = _decide(req, volunteer)
    except DomainError as exc:
        return _refuse(req, exc)
    outcome.volunteer, outcome.station = volunteer, req.station
    if not _record(req, outcome):  # the same request_id was answered at this very moment
        db.session.rollback()
        return _earlier_answer(req)
    return outcome


def _decide(req: _Request, volunteer: Volunteer) -> ScanOutcome:
    station, now = req.station, req.now
    req.distance_m = _distance(station, req.lat, req.lng)
    window = timedelta(seconds=_setting("SCAN_REPEAT_SECONDS"))
    served_on = local_date(now, station.zone)
    recent = req.sessions
    current = next((s for s in recent if s.state == OPEN), None)
    if current is not None and current.station_id == station.id and current.project.require_rotating_code \
            and req.code_kind == "static":
        raise _rotating_code_required()  # a photo of the poster must not check out from home either
    if current is not None and _close_if_stale(current, now):
        if current.station_id == station.id:
            # The scan meant to check out, too late: say what the system did rather than open
            # a new session.
            return ScanOutcome(CHECKED_OUT, 200, session=current)
        current = None

    if current is not None and current.station_id == station.id:
        if now - current.checked_in_at < window:
            return ScanOutcome(UNCHANGED, 200, session=current)
        _check_out(current, req)
        return ScanOutcome(CHECKED_OUT, 200, session=current)

    last = next((s for s in recent if s.state != OPEN and not s.auto_closed and s.station_id == station.id
                 and now - window < s.checked_out_at <= now), None)
    if current is None and last is not None:
        return ScanOutcome(UNCHANGED, 200, session=last)

    if not station.is_open_at(now):
        raise StationClosed()
    project = _choose_project(req, volunteer)
    if project.require_rotating_code and req.code_kind == "static":
        raise _rotating_code_required()
    limit = _setting("SESSIONS_PER_PROJECT_DAY")
    if sum(1 for s in recent if s.project_id == project.id and s.served_on == served_on) >= limit:
        raise DailyLimitReached(_l("You have already checked in %(n)s times for this project today.", n=limit))

    closed_elsewhere = None
    if current is not None:
        # Checked in at another station without checking out: the system closes that session,
        # crediting nothing until its lead decides; it never counts the way here as service.
        _auto_close(current, now, "superseded")
        closed_elsewhere = current
    session = ServiceSession(
        volunteer_id=volunteer.id, station_id=station.id, project_id=project.id, state=OPEN,
        source=req.source, checked_in_at=now, served_on=served_on, distance_m=req.distance_m,
        outside_radius=_outside(station, req.distance_m), created_at=now,
        checked_in_by_id=req.user.id if req.source == "kiosk" else None)
    session.station, session.project = station, project
    db.session.add(session)
    db.session.flush()
    return ScanOutcome(CHECKED_IN, 201, session=session, closed_elsewhere=closed_elsewhere)


def _rotating_code_required() -> DomainError:
    return codes.InvalidCode(_l("This project accepts only the code on the station's screen."),
                             code="rotating_code_required")


def _choose_project(req: _Request, volunteer: Volunteer) -> Project:
    station, now = req.station, req.now
    if req.project_id is not None:
        project = get_by_id(Project, req.project_id)
        if project is None or station not in project.stations:
            raise ValidationFailed(fields={"project_id": [_l("This project does not run at this station.")]})
        if not project.accepts_checkins(now, station.zone):
            raise ProjectNotRunning(_l("This project is not taking check-ins now."))
        if not may_check_in_to(project, volunteer):
            raise NotOnRoster()
        return project
    running = running_projects(station, now)
    if not running:
        raise ProjectNotRunning()
    open_to_volunteer = [p for p in running if may_check_in_to(p, volunteer)]
    if not open_to_volunteer:
        raise NotOnRoster()
    if len(open_to_volunteer) > 1:
        raise ProjectRequired(open_to_volunteer)
    return open_to_volunteer[0]


def may_check_in_to(project: Project, volunteer: Volunteer) -> bool:
    """Roster projects take only the volunteers accepted for one of their positions."""
    return not project.roster_required or is_on_roster(project, volunteer)


def running_projects(station: Station, now: datetime) -> list[Project]:
    """The projects taking check-ins at the station now."""
    return [p for p in station.running_projects if p.accepts_checkins(now, station.zone)]


def _check_out(session: ServiceSession, req: _Request) -> None:
    session.state = "closed"
    session.checked_out_at = req.now
    session.minutes = int((req.now - session.checked_in_at).total_seconds() // 60)
    if req.source == "kiosk":
        session.checked_out_by_id = req.user.id
    if req.distance_m is not None:
        session.distance_m = max(session.distance_m or 0, req.distance_m)
        session.outside_radius = session.outside_radius or _outside(session.station, req.distance_m)
    db.session.flush()
    ledger.record_session(session)


def _auto_close(session: ServiceSession, at: datetime, reason: str, *, now: datetime | None = None) -> None:
    session.state = "closed"
    session.checked_out_at = at
    session.minutes = None
    session.auto_closed = True
    session.auto_close_reason = reason
    db.session.flush()
    ledger.record_session(session)
    record_event(None, "session.auto_closed", session, after={"reason": reason, "volunteer_id": session.volunteer_id},
                 now=now or at)


# --- stale sessions -----------------------------------------------------------------------------

def closing_after(station: Station, moment: datetime) -> datetime | None:
    """The station's first closing time after ``moment`` (in UTC), or None without opening hours."""
    if station.opens_at is None or station.closes_at is None:
        return None
    zone = station.zone
    local = moment.astimezone(zone)
    day = local.date()
    closing = datetime.combine(day, station.closes_at, tzinfo=zone)
    if closing <= local:
        closing = datetime.combine(day + timedelta(days=1), station.closes_at, tzinfo=zone)
    return closing.astimezone(moment.tzinfo)


def stale_after(session: ServiceSession) -> tuple[datetime, datetime, str]:
    """(when the system closes it, from when it counts as stale, why): the station's closing
    time (check-out still counts during a grace period after it) or the longest session allowed."""
    longest = session.checked_in_at + timedelta(minutes=_setting("SESSION_MAX_MINUTES"))
    closing = closing_after(session.station, session.checked_in_at)
    grace = timedelta(minutes=_setting("SESSION_CLOSE_GRACE_MINUTES"))
    if closing is not None and closing + grace < longest:
        return closing, closing + grace, "station_closed"
    return longest, longest, "max_length"


def _close_if_stale(session: ServiceSession, now: datetime) -> bool:
    closed_at, stale_from, reason = stale_after(session)
    if now < stale_from:
        return False
    _auto_close(session, closed_at, reason, now=now)
    return True


def close_stale(volunteer: Volunteer, now: datetime) -> ServiceSession | None:
    """Close the volunteer's open session if it was left open too long (call with the row locked)."""
    session = open_session_of(volunteer)
    return session if session is not None and _close_if_stale(session, now) else None


def close_all_stale(now: datetime, *, batch: int = 200) -> int:
    """Every open session left open too long, closed and flagged (the cron command). Commits per
    session, so an interruption loses nothing already closed and a rerun picks up the rest."""
    closed = 0
    last_id = 0
    while True:
        longest = timedelta(minutes=_setting("SESSION_MAX_MINUTES"))
        rows = db.session.execute(
            sa.select(ServiceSession.id, ServiceSession.volunteer_id).join(ServiceSession.station)
            .where(ServiceSession.state == OPEN, ServiceSession.id > last_id, ServiceSession.checked_in_at < now,
                   # too long whatever the station, or at a station that closes at some hour
                   sa.or_(ServiceSession.checked_in_at <= now - longest, Station.closes_at.is_not(None)))
            .order_by(ServiceSession.id).limit(batch)).all()
        if not rows:
            return closed
        for session_id, volunteer_id in rows:
            last_id = session_id
            volunteer, _sessions = _lock("id", volunteer_id)
            session = close_stale(volunteer, now)
            db.session.commit()
            closed += session is not None


def forget_locations(now: datetime) -> int:
    """Location is sensitive: after the retention period only the flag stays, not the distance."""
    before = now - timedelta(days=_setting("LOCATION_RETENTION_DAYS"))
    forgotten = db.session.execute(
        sa.update(ServiceSession).where(ServiceSession.checked_in_at < before, ServiceSession.distance_m.is_not(None))
        .values(distance_m=None)).rowcount
    db.session.execute(sa.update(Scan).where(Scan.received_at < before, Scan.distance_m.is_not(None))
                       .values(distance_m=None))
    return forgotten


# --- helpers ------------------------------------------------------------------------------------

# What the check-in needs of a volunteer (not the encrypted ID and the rest of the profile).
VOLUNTEER_COLUMNS = (Volunteer.id, Volunteer.user_id, Volunteer.organisation_id, Volunteer.volunteer_no,
                     Volunteer.name, Volunteer.card_version, Volunteer.closed_at)


def _lock_statement(column):
    return (sa.select(Volunteer).where(column == sa.bindparam("key"))
            .options(sa.orm.load_only(*VOLUNTEER_COLUMNS)).with_for_update(key_share=True)
            .execution_options(populate_existing=True))


# Built once: these run on every scan.
_LOCK = {"user_id": _lock_statement(Volunteer.user_id), "id": _lock_statement(Volunteer.id)}
_SESSIONS = (
    sa.select(ServiceSession).join(ServiceSession.project)
    .where(ServiceSession.volunteer_id == sa.bindparam("volunteer_id"),
           sa.or_(ServiceSession.state == OPEN, ServiceSession.served_on == sa.bindparam("served_on"),
                  sa.and_(ServiceSession.station_id == sa.bindparam("station_id"),
                          ServiceSession.checked_out_at > sa.bindparam("since"))))
    .order_by(ServiceSession.id.desc())
    .options(sa.orm.contains_eager(ServiceSession.project).defer(Project.description))
    .execution_options(populate_existing=True))


def _lock(by: str, key: int, station: Station | None = None, now: datetime | None = None
          ) -> tuple[Volunteer | None, list[ServiceSession]]:
    """The volunteer (``by`` "user_id" or "id"), their row locked for the rest of the transaction
    so that their scans are decided one at a time; then all the rules need to know of their
    sessions: the open one anywhere and, given a station, today's (the daily limit) and those
    closed at the station within the repeat window."""
    # On SQLite the transaction holds the database's write lock already (core.database).
    volunteer = db.session.scalars(_LOCK[by], {"key": key}).first()
    if volunteer is None:
        return None, []
    # A query of its own, after the lock: on PostgreSQL it then sees what the scan we waited
    # for committed (a join in the locking query would read the sessions as they were before).
    if station is None:
        params = {"served_on": date.min, "station_id": -1, "since": datetime.max.replace(tzinfo=timezone.utc)}
    else:
        params = {"served_on": local_date(now, station.zone), "station_id": station.id,
                  "since": now - timedelta(seconds=_setting("SCAN_REPEAT_SECONDS"))}
    sessions = db.session.scalars(_SESSIONS, {"volunteer_id": volunteer.id, **params}).all()
    return volunteer, sessions


def open_session_of(volunteer: Volunteer) -> ServiceSession | None:
    return db.session.scalars(
        sa.select(ServiceSession).where(ServiceSession.volunteer_id == volunteer.id, ServiceSession.state == OPEN)
        .execution_options(populate_existing=True)).first()


def _clean_request_id(value) -> str | None:
    value = (str(value).strip() if value is not None else "")[:64]
    return value or None


def _earlier_answer(req: _Request) -> ScanOutcome | None:
    scan = db.session.scalars(
        sa.select(Scan).where(Scan.user_id == req.user.id, Scan.request_id == req.request_id,
                              Scan.outcome != REFUSED)).first()
    if scan is None:
        return None
    return ScanOutcome(scan.outcome, scan.status, session=scan.session,
                       volunteer=scan.session.volunteer if scan.session else None,
                       station=scan.session.station if scan.session else None, replayed=True)


SCAN_REQUEST_INDEX = {"index_elements": ["user_id", "request_id"],
                      "index_where": sa.text("request_id IS NOT NULL AND outcome != 'refused'")}


def _record(req: _Request, outcome: ScanOutcome) -> bool:
    """Store the scan (a Core insert: it is on every check-in's path). False when a successful
    scan's request_id had already been answered (its unique index refused this one)."""
    if outcome.session is not None:
        db.session.flush()
        project_id = outcome.session.project_id
    else:  # the project asked for, if it exists
        project_id = req.project_id if get_by_id(Project, req.project_id) is not None else None
    values = dict(user_id=req.user.id, volunteer_id=req.volunteer.id if req.volunteer else None,
                  station_id=req.station.id if req.station else None, project_id=project_id,
                  session_id=outcome.session.id if outcome.session else None, source=req.source,
                  code_kind=req.code_kind, outcome=outcome.action,
                  reason=outcome.error.code if outcome.error else None, status=outcome.status,
                  request_id=req.request_id, scanned_at=req.scanned_at, received_at=req.now,
                  distance_m=req.distance_m)
    if req.request_id is None or outcome.error is not None:
        db.session.execute(sa.insert(Scan).values(values))
        return True
    stmt = insert(Scan).values(values).on_conflict_do_nothing(**SCAN_REQUEST_INDEX).returning(Scan.id)
    return db.session.scalar(stmt) is not None


def _refuse(req: _Request, exc: DomainError) -> ScanOutcome:
    outcome = ScanOutcome(REFUSED, exc.status, volunteer=req.volunteer, station=req.station, error=exc)
    _record(req, outcome)
    return outcome


def _distance(station: Station, lat, lng) -> int | None:
    """Metres from the station (haversine), when both the station and the scan have a location."""
    if station is None or station.lat is None or lat is None or lng is None:
        return None
    lat1, lng1, lat2, lng2 = map(math.radians, (station.lat, station.lng, float(lat), float(lng)))
    a = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lng2 - lng1) / 2) ** 2
    return round(2 * 6_371_000 * math.asin(math.sqrt(a)))


def _outside(station: Station, distance_m: int | None) -> bool:
    if distance_m is None:
        return False
    return distance_m > (station.radius_m or _setting("STATION_DEFAULT_RADIUS_M"))


def validate_location(lat, lng) -> tuple[float | None, float | None]:
    """Both or neither, in range; a bad location is refused rather than silently dropped."""
    if lat in (None, "") and lng in (None, ""):
        return None, None
    try:
        lat, lng = float(lat), float(lng)
    except (TypeError, ValueError):
        raise ValidationFailed(fields={"lat": [_l("Give both latitude and longitude, or neither.")]}) from None
    if not (-90 <= lat <= 90 and -180 <= lng <= 180) or math.isnan(lat) or math.isnan(lng):
        raise ValidationFailed(fields={"lat": [_l("This location is not valid.")]})
    return lat, lng
