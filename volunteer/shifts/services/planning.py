"""Shifts planned under a position: one at a time or from a pattern (every day of a date range
at the same times, across midnight where the end is before the start), changed while nobody has
signed up, cancelled with a reason (each sign-up ends, and its volunteer is told)."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from volunteer.core import get_by_id, permissions
from volunteer.core.audit import record_event
from volunteer.core.errors import FieldErrors, NotFound, ValidationFailed
from volunteer.core.time import day_from, local_date, parse_moment
from volunteer.extensions import db
from volunteer.projects.errors import NotRecruiting
from volunteer.projects.models import Application, Position, Project
from volunteer.shifts.errors import ShiftCancelled, ShiftHasSignups, ShiftStarted
from volunteer.shifts.models import Shift, Signup
from volunteer.shifts.services.signups import close_open_leave, lock_shift, signup_window
from volunteer.shifts.vocabulary import LIVE_SIGNUPS, ShiftEvent, SignupState
from volunteer.stations.models import Station

MAX_CAPACITY = 1000
MAX_PATTERN_DAYS = 62
MAX_SHIFT_MINUTES = 24 * 60


def _station(errors: FieldErrors, position: Position, station_id):
    """The station it happens at: one of the project's, or none (the project's place)."""
    if station_id in (None, ""):
        return None
    try:
        station = get_by_id(Station, int(station_id))
    except (TypeError, ValueError):
        station = None
    if station is None or station not in position.project.stations:
        errors.add("station_id", _l("Choose one of the project's stations."))
        return None
    return station


def _capacity(errors: FieldErrors, value):
    try:
        capacity = int(value)
    except (TypeError, ValueError):
        capacity = None
    if capacity is None or not 1 <= capacity <= MAX_CAPACITY or isinstance(value, bool):
        errors.add("capacity", _l("Must be between %(low)s and %(high)s.", low=1, high=MAX_CAPACITY))
        return None
    return capacity


def _note(value) -> str | None:
    return (str(value or "").strip()[:500]) or None


def _times(errors: FieldErrors, starts, ends, zone, now: datetime):
    """A shift begins later than now (sign-up closes at its start: one begun could take nobody)."""
    starts, ends = parse_moment(starts, zone), parse_moment(ends, zone)
    for name, value in (("starts_at", starts), ("ends_at", ends)):
        if not isinstance(value, datetime):
            errors.add(name, _l("Enter a date and time, such as 2027-03-15T08:00."))
    if isinstance(starts, datetime) and starts <= now:
        errors.add("starts_at", _l("A shift begins later than now."))
    if isinstance(starts, datetime) and isinstance(ends, datetime):
        length = (ends - starts).total_seconds() / 60
        if length <= 0:
            errors.add("ends_at", _l("The end must come after the start."))
        elif length > MAX_SHIFT_MINUTES:
            errors.add("ends_at", _l("A shift lasts at most 24 hours."))
    return starts, ends


def may_plan(user, position: Position) -> bool:
    """Who plans a position's shifts (and cancels them): its project's staff."""
    return permissions.can(user, "project.manage", position)


def ensure_may_plan(user, position: Position) -> None:
    permissions.ensure(user, "project.manage", position)


def _ensure_plannable(actor, position: Position) -> None:
    permissions.ensure(actor, "project.manage", position)
    if not position.project.takes_shifts():
        raise NotRecruiting(_l("Shifts are planned until the project is being evaluated."))


def create_shift(actor, position: Position, data: dict, *, now: datetime) -> Shift:
    _ensure_plannable(actor, position)
    errors = FieldErrors()
    station = _station(errors, position, data.get("station_id"))
    zone = station.zone if station is not None else position.project.zone
    starts, ends = _times(errors, data.get("starts_at"), data.get("ends_at"), zone, now)
    capacity = _capacity(errors, data.get("capacity"))
    errors.raise_if_any()
    shift = Shift(position_id=position.id, station_id=station.id if station else None, starts_at=starts, ends_at=ends,
                  capacity=capacity, note=_note(data.get("note")), created_by_id=actor.id, created_at=now)
    shift.position, shift.station = position, station
    db.session.add(shift)
    record_event(actor, ShiftEvent.CREATED, shift, after={"starts_at": starts.isoformat(), "ends_at": ends.isoformat(),
                                                          "capacity": capacity}, now=now)
    return shift


def _clock(errors: FieldErrors, name: str, value) -> time | None:
    try:
        return time.fromisoformat(str(value or "").strip())
    except ValueError:
        errors.add(name, _l("Enter a time such as 08:00."))
        return None


def _day(errors: FieldErrors, name: str, value) -> date | None:
    return day_from(errors, name, value, _l("Enter a date such as 2027-03-15."))


def create_pattern(actor, position: Position, data: dict, *, now: datetime) -> list[Shift]:
    """A shift on every day from ``first_day`` to ``last_day`` from ``start`` to ``end`` (the next
    day's ``end`` where it is not after ``start``), all with the same places, station and note."""
    _ensure_plannable(actor, position)
    errors = FieldErrors()
    first, last = _day(errors, "first_day", data.get("first_day")), _day(errors, "last_day", data.get("last_day"))
    start, end = _clock(errors, "start", data.get("start")), _clock(errors, "end", data.get("end"))
    station = _station(errors, position, data.get("station_id"))
    _capacity(errors, data.get("capacity"))
    if first and last and not 0 <= (last - first).days < MAX_PATTERN_DAYS:
        errors.add("last_day", _l("From the first day, up to %(n)s days.", n=MAX_PATTERN_DAYS))
    if start is not None and start == end:
        errors.add("end", _l("The end must come after the start."))
    zone = station.zone if station is not None else position.project.zone
    if first and start and datetime.combine(first, start, tzinfo=zone) <= now:
        errors.add("first_day", _l("The first shift would begin in the past: start from a later day."))
    errors.raise_if_any()
    made = []
    for offset in range((last - first).days + 1):
        day = first + timedelta(days=offset)
        starts = datetime.combine(day, start, tzinfo=zone)
        ends = datetime.combine(day + timedelta(days=1 if end <= start else 0), end, tzinfo=zone)
        made.append(create_shift(actor, position, {**data, "starts_at": starts, "ends_at": ends}, now=now))
    return made


def get_shift_for_manager(user, shift_id) -> Shift:
    shift = get_by_id(Shift, shift_id)
    if shift is None:
        raise NotFound()
    permissions.ensure(user, "project.manage", shift)
    return shift


def get_shift(shift_id) -> Shift:
    """Any shift of a public project (what anyone may see of it)."""
    shift = get_by_id(Shift, shift_id)
    if shift is None or not shift.position.project.is_public:
        raise NotFound()
    return shift


def _has_live_signups(shift: Shift) -> bool:
    return bool(db.session.scalar(sa.select(sa.func.count()).where(Signup.shift_id == shift.id,
                                                                   Signup.state.in_(LIVE_SIGNUPS))))


def is_editable(shift: Shift, now: datetime) -> bool:
    """A shift changes while nobody has signed up, before it begins, unless cancelled."""
    return not shift.is_cancelled and now < shift.starts_at and not _has_live_signups(shift)


def edit_shift(actor, shift: Shift, data: dict, *, now: datetime) -> Shift:
    """Its times, places, station and note, while nobody has signed up (after, only cancelling)."""
    permissions.ensure(actor, "project.manage", shift)
    cancelled_at = lock_shift(shift.id)[2]  # no sign-up slips in meanwhile
    if cancelled_at is not None:
        raise ShiftCancelled()
    if now >= shift.starts_at:
        raise ShiftStarted()
    if _has_live_signups(shift):
        raise ShiftHasSignups()
    errors = FieldErrors()
    station = _station(errors, shift.position, data.get("station_id", shift.station_id))
    zone = station.zone if station is not None else shift.position.project.zone
    starts, ends = _times(errors, data.get("starts_at", shift.starts_at), data.get("ends_at", shift.ends_at), zone, now)
    capacity = _capacity(errors, data.get("capacity", shift.capacity))
    errors.raise_if_any()
    before = {"starts_at": shift.starts_at.isoformat(), "ends_at": shift.ends_at.isoformat(), "capacity": shift.capacity}
    shift.station_id, shift.station = (station.id if station else None), station
    shift.starts_at, shift.ends_at, shift.capacity = starts, ends, capacity
    shift.note = _note(data.get("note", shift.note))
    record_event(actor, ShiftEvent.EDITED, shift, before=before, after={
        "starts_at": starts.isoformat(), "ends_at": ends.isoformat(), "capacity": capacity}, now=now)
    return shift


def cancel_shift(actor, shift: Shift, reason, *, now: datetime) -> Shift:
    """Cancelled with a reason; every live sign-up ends with it (its event tells its volunteer)."""
    permissions.ensure(actor, "project.manage", shift)
    reason = _note(reason)
    if not reason:
        raise ValidationFailed(fields={"reason": [_l("Say why the shift is cancelled.")]})
    if now >= shift.starts_at:
        raise ShiftStarted()
    done = db.session.execute(sa.update(Shift).where(Shift.id == shift.id, Shift.cancelled_at.is_(None))
                              .values(cancelled_at=now, cancel_reason=reason, held_count=0)
                              .execution_options(synchronize_session=False)).rowcount
    if done != 1:
        raise ShiftCancelled()
    db.session.expire(shift)
    for signup in db.session.scalars(sa.select(Signup).where(Signup.shift_id == shift.id, Signup.state.in_(LIVE_SIGNUPS))
                                     .order_by(Signup.id)):
        signup.state, signup.ended_at, signup.offered_until = SignupState.CANCELLED, now, None
        close_open_leave(signup.id, now)
        record_event(actor, ShiftEvent.SHIFT_CALLED_OFF, signup, note=reason, now=now)
    record_event(actor, ShiftEvent.CANCELLED, shift, note=reason, now=now)
    return shift


def shifts_of_position(position: Position) -> sa.Select:
    return sa.select(Shift).where(Shift.position_id == position.id).order_by(Shift.starts_at, Shift.id)


def stations_with_shifts(filters: dict, *, now: datetime) -> list[Station]:
    """The stations of the shifts ``find_shifts`` would list, for its station filter."""
    ids = find_shifts(filters, now=now).with_only_columns(Shift.station_id).order_by(None).distinct()
    return db.session.scalars(sa.select(Station).where(Station.id.in_(ids.scalar_subquery())).order_by(Station.name)).all()


def find_shifts(filters: dict, *, now: datetime, volunteer=None) -> sa.Select:
    """Shifts of public projects, soonest first, by station, project and time (``from``, ``to``,
    moments; a bare date is its whole day in the default zone); ``open``: sign-up open now; with
    a volunteer, only those they may sign up for (a roster project's positions they were accepted for)."""
    stmt = (sa.select(Shift).join(Shift.position).join(Position.project)
            .where(Project.is_public, Shift.cancelled_at.is_(None)).order_by(Shift.starts_at, Shift.id))
    if filters.get("station_id"):
        stmt = stmt.where(Shift.station_id == filters["station_id"])
    if filters.get("project_id"):
        stmt = stmt.where(Position.project_id == filters["project_id"])
    if filters.get("from"):
        stmt = stmt.where(Shift.ends_at > filters["from"])
    if filters.get("to"):
        stmt = stmt.where(Shift.starts_at < filters["to"])
    if filters.get("open"):
        opens, closes = signup_window(now)
        today = local_date(now)
        stmt = stmt.where(Shift.starts_at > closes, Shift.starts_at <= opens,
                          sa.or_(Project.ends_on.is_(None), Project.ends_on >= today))
    if volunteer is not None:
        accepted = sa.select(Application.id).where(Application.position_id == Position.id,
                                                   Application.volunteer_id == volunteer.id, Application.is_accepted)
        stmt = stmt.where(sa.or_(~Project.roster_required, sa.exists(accepted)))
    return stmt
