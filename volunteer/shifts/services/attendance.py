"""Who comes: a check-in during a confirmed shift (from SHIFT_CHECKIN_MARGIN_MINUTES before its
start to its end) at its station marks the sign-up attended; after a shift ends, the periodic
command marks each confirmed volunteer who did not come a no-show (once: a conditional UPDATE);
a lead excuses one; the station's page lists who should be here now."""
from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from volunteer.core.audit import record_event
from volunteer.extensions import db
from volunteer.projects.models import Position
from volunteer.shifts.errors import NotAbsent
from volunteer.shifts.models import LeaveRequest, Shift, Signup
from volunteer.shifts.services.leave import ensure_may_run
from volunteer.shifts.vocabulary import LeaveState, ShiftEvent, SignupState


def _during(moment: datetime):
    margin = timedelta(minutes=current_app.config["SHIFT_CHECKIN_MARGIN_MINUTES"])
    return sa.and_(Shift.starts_at <= moment + margin, Shift.ends_at > moment)


def attend(volunteer_id: int, station_id: int, project_id: int, moment: datetime) -> Shift | None:
    """The volunteer's confirmed shift of this project at this station (or with no station) going
    on now, marked attended; None when they have none now."""
    signup = db.session.scalar(
        sa.select(Signup).join(Signup.shift).join(Shift.position)
        .where(Signup.volunteer_id == volunteer_id, Signup.state == SignupState.CONFIRMED,
               Position.project_id == project_id, sa.or_(Shift.station_id == station_id, Shift.station_id.is_(None)),
               Shift.cancelled_at.is_(None), _during(moment))
        .order_by(Shift.starts_at).limit(1))
    if signup is None:
        return None
    if signup.attended_at is None:
        signup.attended_at = moment
    return signup.shift


def mark_no_shows(*, now: datetime) -> int:
    """Confirmed sign-ups of shifts that ended with no check-in during them: no-shows, each once
    (a later run finds them no longer confirmed); how many. One whose leave request is still
    undecided waits for the decision (granted, it is leave; refused, the next run marks it).
    The caller commits."""
    undecided = sa.select(LeaveRequest.id).where(LeaveRequest.signup_id == Signup.id, LeaveRequest.state == LeaveState.ASKED)
    ended = db.session.scalars(
        sa.select(Signup.id).join(Signup.shift)
        .where(Signup.state == SignupState.CONFIRMED, Signup.attended_at.is_(None), Shift.ends_at <= now,
               Shift.cancelled_at.is_(None), ~sa.exists(undecided)).order_by(Signup.id)).all()
    marked = 0
    for signup_id in ended:
        done = db.session.execute(sa.update(Signup).where(Signup.id == signup_id, Signup.state == SignupState.CONFIRMED,
                                                          Signup.attended_at.is_(None))
                                  .values(state=SignupState.NO_SHOW, ended_at=now)
                                  .execution_options(synchronize_session=False)).rowcount
        if done:
            record_event(None, ShiftEvent.NO_SHOW, db.session.get(Signup, signup_id), now=now)
            marked += 1
    return marked


def excuse(actor, signup: Signup, note=None, *, now: datetime) -> Signup:
    ensure_may_run(actor, signup.shift, signup)
    done = db.session.execute(sa.update(Signup).where(Signup.id == signup.id, Signup.state == SignupState.NO_SHOW)
                              .values(state=SignupState.EXCUSED).execution_options(synchronize_session=False)).rowcount
    db.session.expire(signup)
    if done != 1:
        raise NotAbsent()
    record_event(actor, ShiftEvent.EXCUSED, signup, note=(str(note or "").strip()[:500] or None), now=now)
    return signup


def expected_now(station_id: int, *, now: datetime) -> list[Signup]:
    """Who should be at the station now: the confirmed of its shifts going on (or about to
    start), arrived or not, by shift and name."""
    return db.session.scalars(
        sa.select(Signup).join(Signup.shift)
        .where(Shift.station_id == station_id, Shift.cancelled_at.is_(None), _during(now),
               Signup.state == SignupState.CONFIRMED)
        .order_by(Shift.starts_at, Signup.id)).all()
