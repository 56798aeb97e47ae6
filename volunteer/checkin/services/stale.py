"""Sessions the system closes: left open past the station's closing time (and a grace period) or
the longest session allowed, or superseded by a check-in elsewhere; they are flagged for the
lead and credited nothing until a decision. Also: forgetting the locations kept."""
from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from volunteer.checkin.models import Scan, ServiceSession
from volunteer.checkin.services.scans import lock_volunteer, open_session_of, setting
from volunteer.checkin.vocabulary import AutoCloseReason, CheckinEvent, SessionState
from volunteer.core import signals
from volunteer.core.audit import record_event
from volunteer.extensions import db
from volunteer.ledger import services as ledger
from volunteer.stations.models import Station


def auto_close(session: ServiceSession, at: datetime, reason: AutoCloseReason, *, now: datetime) -> None:
    """The system closes the session as of ``at``: no minutes (it never invents hours), flagged."""
    session.state = SessionState.CLOSED
    session.checked_out_at = at
    session.minutes = None
    session.auto_closed = True
    session.auto_close_reason = reason
    db.session.flush()
    ledger.record_session(session)
    signals.session_closed.send(session)
    record_event(None, CheckinEvent.AUTO_CLOSED, session,
                 after={"reason": reason, "volunteer_id": session.volunteer_id}, now=now)


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


def stale_after(session: ServiceSession) -> tuple[datetime, datetime, AutoCloseReason]:
    """(when the system closes it, from when it counts as stale, why): the station's closing
    time (check-out still counts during a grace period after it) or the longest session allowed."""
    longest = session.checked_in_at + timedelta(minutes=setting("SESSION_MAX_MINUTES"))
    closing = closing_after(session.station, session.checked_in_at)
    grace = timedelta(minutes=setting("SESSION_CLOSE_GRACE_MINUTES"))
    if closing is not None and closing + grace < longest:
        return closing, closing + grace, AutoCloseReason.STATION_CLOSED
    return longest, longest, AutoCloseReason.MAX_LENGTH


def close_if_stale(session: ServiceSession, *, now: datetime) -> bool:
    closed_at, stale_from, reason = stale_after(session)
    if now < stale_from:
        return False
    auto_close(session, closed_at, reason, now=now)
    return True


def close_stale(volunteer_id: int, *, now: datetime) -> ServiceSession | None:
    """Lock the volunteer and close their open session if it was left open too long."""
    volunteer, _sessions = lock_volunteer("id", volunteer_id)
    session = open_session_of(volunteer) if volunteer is not None else None
    return session if session is not None and close_if_stale(session, now=now) else None


def stale_candidates(*, now: datetime, after_id: int = 0, limit: int = 200) -> list[tuple[int, int]]:
    """(session id, volunteer id) of open sessions that may be stale, in id order after ``after_id``:
    too long whatever the station, or at a station that closes at some hour. ``close_stale``
    decides each; the caller (the cron command) commits session by session, so an interruption
    loses nothing already closed and a rerun picks up the rest."""
    longest = timedelta(minutes=setting("SESSION_MAX_MINUTES"))
    return [tuple(row) for row in db.session.execute(
        sa.select(ServiceSession.id, ServiceSession.volunteer_id).join(ServiceSession.station)
        .where(ServiceSession.is_open, ServiceSession.id > after_id, ServiceSession.checked_in_at < now,
               sa.or_(ServiceSession.checked_in_at <= now - longest, Station.closes_at.is_not(None)))
        .order_by(ServiceSession.id).limit(limit))]


def forget_locations(*, now: datetime) -> int:
    """Location is sensitive: after the retention period only the flag stays, not the distance."""
    before = now - timedelta(days=setting("LOCATION_RETENTION_DAYS"))
    forgotten = db.session.execute(
        sa.update(ServiceSession).where(ServiceSession.checked_in_at < before, ServiceSession.distance_m.is_not(None))
        .values(distance_m=None)).rowcount
    db.session.execute(sa.update(Scan).where(Scan.received_at < before, Scan.distance_m.is_not(None))
                       .values(distance_m=None))
    return forgotten


