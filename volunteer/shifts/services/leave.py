"""请假: a confirmed volunteer asks to be let off a shift, with a reason, until it ends; its
project's staff or the station's leads grant it (the place goes to the first waiting) or refuse
it (the place stays theirs)."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import NamedTuple

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from volunteer.core import flush_unique, get_by_id, permissions
from volunteer.core.audit import record_event
from volunteer.core.errors import Forbidden, NotFound, ValidationFailed
from volunteer.extensions import db
from volunteer.shifts.errors import LeaveDecided, NotConfirmed
from volunteer.shifts.models import LeaveRequest, Shift, Signup
from volunteer.shifts.services.signups import cancel_cutoff, no_shows, pass_place_on
from volunteer.shifts.vocabulary import LeaveDecision, LeaveState, ShiftEvent, SignupState


def may_run(user, shift: Shift) -> bool:
    """Who decides leave and absences: the project's staff, or a lead of the shift's station."""
    return permissions.can(user, "project.manage", shift) or (shift.station is not None and shift.station.is_led_by(user))


def ensure_may_run(user, shift: Shift, signup: Signup | None = None) -> None:
    """Refused outside it (404 outside their scope, else 403), and on one's own sign-up."""
    if not may_run(user, shift):
        permissions.ensure(user, "project.manage", shift)
        raise Forbidden()
    if signup is not None and signup.volunteer.user_id == user.id:
        raise Forbidden(_l("Someone else decides on your own sign-up."))


def get_shift_for_runner(user, shift_id) -> Shift:
    """A shift's roster, for its project's staff and its station's leads."""
    shift = get_by_id(Shift, shift_id)
    if shift is None:
        raise NotFound()
    ensure_may_run(user, shift)
    return shift


def may_ask_leave(signup: Signup, now: datetime) -> bool:
    """Leave is asked from a confirmed place until the shift ends."""
    return signup.state == SignupState.CONFIRMED and now < signup.shift.ends_at


def ask_leave(user, signup: Signup, reason, *, now: datetime) -> LeaveRequest:
    reason = str(reason or "").strip()[:500]
    if not reason:
        raise ValidationFailed(fields={"reason": [_l("Say why you ask for leave.")]})
    if not may_ask_leave(signup, now):
        raise NotConfirmed()
    late = now >= cancel_cutoff(signup.shift)
    leave = LeaveRequest(signup_id=signup.id, reason=reason, state=LeaveState.ASKED, late=late, created_at=now)
    db.session.add(leave)
    flush_unique(LeaveDecided(_l("You have already asked for leave from this shift.")))
    record_event(user, ShiftEvent.LEAVE_ASKED, leave, note=reason, after={"late": True} if late else None, now=now)
    return leave


class ShiftRecord(NamedTuple):
    no_shows: int    # shifts missed without leave (not excused)
    late_leave: int  # leave granted after the cancellation cutoff: late cancellations


def shift_record(volunteer_id: int, *, now: datetime) -> ShiftRecord:
    """What a manager sees of a volunteer beside an application, over the last SHIFT_NO_SHOW_DAYS."""
    since = now - timedelta(days=current_app.config["SHIFT_NO_SHOW_DAYS"])
    late = db.session.scalar(sa.select(sa.func.count()).select_from(LeaveRequest).join(LeaveRequest.signup)
                             .join(Signup.shift).where(Signup.volunteer_id == volunteer_id, LeaveRequest.late.is_(True),
                                                       LeaveRequest.state == LeaveState.GRANTED, Shift.starts_at >= since))
    return ShiftRecord(no_shows=no_shows(volunteer_id, now=now), late_leave=late)


def get_leave_for(user, leave_id) -> LeaveRequest:
    leave = get_by_id(LeaveRequest, leave_id)
    if leave is None:
        raise NotFound()
    ensure_may_run(user, leave.signup.shift)
    return leave


def decide_leave(actor, leave: LeaveRequest, decision: str, note=None, *, now: datetime) -> LeaveRequest:
    ensure_may_run(actor, leave.signup.shift, leave.signup)
    if decision not in LeaveDecision.values():
        raise ValidationFailed(fields={"decision": [_l("Grant or refuse the leave.")]})
    state = LeaveState.GRANTED if decision == LeaveDecision.GRANT else LeaveState.REFUSED
    done = db.session.execute(sa.update(LeaveRequest).where(LeaveRequest.id == leave.id, LeaveRequest.state == LeaveState.ASKED)
                              .values(state=state, decided_by_id=actor.id, decided_at=now,
                                      note=(str(note or "").strip()[:500] or None))
                              .execution_options(synchronize_session=False)).rowcount
    db.session.expire(leave)
    if done != 1:
        raise LeaveDecided()
    signup = leave.signup
    if state == LeaveState.GRANTED:
        freed = db.session.execute(sa.update(Signup).where(Signup.id == signup.id, Signup.state == SignupState.CONFIRMED)
                                   .values(state=SignupState.ON_LEAVE, ended_at=now)
                                   .execution_options(synchronize_session=False)).rowcount
        db.session.expire(signup)
        if freed == 1:
            pass_place_on(actor, signup.shift, now=now)
    record_event(actor, ShiftEvent.LEAVE_GRANTED if state == LeaveState.GRANTED else ShiftEvent.LEAVE_REFUSED, leave,
                 note=leave.note, now=now)
    return leave
