"""What every scan shares: the volunteer locked for the rest of the transaction and what the rules
need of their sessions, the scan log (with its replay of a retried ``request_id``), distances."""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from volunteer.accounts.models import Volunteer
from volunteer.checkin.models import ANSWERED_REQUEST, Scan, ServiceSession
from volunteer.checkin.vocabulary import ScanAction
from volunteer.core import get_by_id
from volunteer.core.database import insert
from volunteer.core.errors import DomainError, ValidationFailed
from volunteer.core.time import local_date
from volunteer.extensions import db
from volunteer.projects.models import Project
from volunteer.stations.models import Station


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

    @property
    def checked_in(self) -> bool:
        return self.action == ScanAction.CHECKED_IN

    @property
    def checked_out(self) -> bool:
        return self.action == ScanAction.CHECKED_OUT

    def raise_if_refused(self) -> ScanOutcome:
        if self.error is not None:
            raise self.error
        return self


@dataclass
class Request:
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
    sessions: list[ServiceSession] | None = None  # what lock_volunteer found of the volunteer's sessions
    distance_m: int | None = None


def setting(name: str):
    return current_app.config[name]


VOLUNTEER_COLUMNS = (Volunteer.id, Volunteer.user_id, Volunteer.organisation_id, Volunteer.volunteer_no,
                     Volunteer.name, Volunteer.card_version, Volunteer.closed_at)


def _lock_statement(column):
    return (sa.select(Volunteer).where(column == sa.bindparam("key"))
            .options(sa.orm.load_only(*VOLUNTEER_COLUMNS)).with_for_update(key_share=True)
            .execution_options(populate_existing=True))


_LOCK = {"user_id": _lock_statement(Volunteer.user_id), "id": _lock_statement(Volunteer.id)}


_SESSIONS = (
    sa.select(ServiceSession).join(ServiceSession.project)
    .where(ServiceSession.volunteer_id == sa.bindparam("volunteer_id"),
           sa.or_(ServiceSession.is_open, ServiceSession.served_on == sa.bindparam("served_on"),
                  sa.and_(ServiceSession.station_id == sa.bindparam("station_id"),
                          ServiceSession.checked_out_at > sa.bindparam("since"))))
    .order_by(ServiceSession.id.desc())
    .options(sa.orm.contains_eager(ServiceSession.project).defer(Project.description))
    .execution_options(populate_existing=True))


def lock_volunteer(by: str, key: int, *, at: tuple[Station, datetime] | None = None
                   ) -> tuple[Volunteer | None, list[ServiceSession]]:
    """The volunteer (``by`` "user_id" or "id"), their row locked for the rest of the transaction
    so that their scans are decided one at a time; then all the rules need to know of their
    sessions: the open one anywhere and, given a station and the moment (``at``), that day's (the
    daily limit) and those closed at the station within the repeat window."""
    # On SQLite the transaction holds the database's write lock already (core.database).
    volunteer = db.session.scalars(_LOCK[by], {"key": key}).first()
    if volunteer is None:
        return None, []
    # A query of its own, after the lock: on PostgreSQL it then sees what the scan we waited
    # for committed (a join in the locking query would read the sessions as they were before).
    if at is None:
        params = {"served_on": date.min, "station_id": -1, "since": datetime.max.replace(tzinfo=timezone.utc)}
    else:
        station, now = at
        params = {"served_on": local_date(now, station.zone), "station_id": station.id,
                  "since": now - timedelta(seconds=setting("SCAN_REPEAT_SECONDS"))}
    sessions = db.session.scalars(_SESSIONS, {"volunteer_id": volunteer.id, **params}).all()
    return volunteer, sessions


def open_session_at(volunteer: Volunteer, station: Station) -> ServiceSession | None:
    """The volunteer's open session if it is at this station (the next scan there checks out)."""
    session = open_session_of(volunteer)
    return session if session is not None and session.station_id == station.id else None


def open_session_of(volunteer: Volunteer) -> ServiceSession | None:
    return db.session.scalars(
        sa.select(ServiceSession).where(ServiceSession.volunteer_id == volunteer.id, ServiceSession.is_open)
        .execution_options(populate_existing=True)).first()


def clean_request_id(value) -> str | None:
    value = (str(value).strip() if value is not None else "")[:64]
    return value or None


def earlier_answer(req: Request) -> ScanOutcome | None:
    scan = db.session.scalars(
        sa.select(Scan).where(Scan.user_id == req.user.id, Scan.request_id == req.request_id,
                              Scan.outcome != ScanAction.REFUSED)).first()
    if scan is None:
        return None
    return ScanOutcome(scan.outcome, scan.status, session=scan.session,
                       volunteer=scan.session.volunteer if scan.session else None,
                       station=scan.session.station if scan.session else None, replayed=True)


SCAN_REQUEST_INDEX = {"index_elements": ["user_id", "request_id"], "index_where": sa.text(ANSWERED_REQUEST)}


def record_scan(req: Request, outcome: ScanOutcome) -> bool:
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


def refuse(req: Request, exc: DomainError) -> ScanOutcome:
    outcome = ScanOutcome(ScanAction.REFUSED, exc.status, volunteer=req.volunteer, station=req.station, error=exc)
    record_scan(req, outcome)
    return outcome


def distance(station: Station, lat, lng) -> int | None:
    """Metres from the station (haversine), when both the station and the scan have a location."""
    if station is None or station.lat is None or lat is None or lng is None:
        return None
    lat1, lng1, lat2, lng2 = map(math.radians, (station.lat, station.lng, float(lat), float(lng)))
    a = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lng2 - lng1) / 2) ** 2
    return round(2 * 6_371_000 * math.asin(math.sqrt(a)))


def outside(station: Station, distance_m: int | None) -> bool:
    if distance_m is None:
        return False
    return distance_m > (station.radius_m or setting("STATION_DEFAULT_RADIUS_M"))


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


