"""Signing up for a shift: a place when one is free (a conditional UPDATE of the shift's held
places, so 50 at once for 10 places confirm exactly 10), else the waiting list in the order they
came. A place freed (a cancellation, leave granted) is offered to the first waiting, who has
until the offer's deadline to take it; an offer not taken passes to the next (expire_offers, run
by the periodic command). Overlapping shifts and more planned hours a day than the limit are
refused; cancelling closes SHIFT_CANCEL_CUTOFF_HOURS before the start (then: ask for leave)."""
from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from volunteer.accounts.models import Volunteer
from volunteer.core import flush_unique, get_by_id
from volunteer.core.audit import record_event
from volunteer.core.errors import Forbidden, NotFound
from volunteer.core.time import local_date
from volunteer.extensions import db
from volunteer.projects.models import Application
from volunteer.shifts.errors import (
    AlreadySignedUp,
    CancellationClosed,
    NotOnRoster,
    OfferExpired,
    PlannedHoursExceeded,
    ShiftCancelled,
    ShiftOverlap,
    SignupClosed,
    SignupsHeld,
)
from volunteer.shifts.models import LeaveRequest, Shift, Signup
from volunteer.shifts.vocabulary import HOLDING, LIVE_SIGNUPS, LeaveState, ShiftEvent, SignupState


def _volunteer_of(user) -> Volunteer:
    volunteer = getattr(user, "volunteer", None)
    if volunteer is None or not volunteer.is_active:
        raise Forbidden(_l("Only a registered volunteer signs up for shifts."))
    return volunteer


def signup_opens_at(shift: Shift) -> datetime:
    return shift.starts_at - timedelta(days=current_app.config["SHIFT_SIGNUP_OPENS_DAYS"])


def cancel_cutoff(shift: Shift) -> datetime:
    return shift.starts_at - timedelta(hours=current_app.config["SHIFT_CANCEL_CUTOFF_HOURS"])


def signup_window(now: datetime) -> tuple[datetime, datetime]:
    """The starts of the shifts open for sign-up now: after ``now`` and up to SHIFT_SIGNUP_OPENS_DAYS on."""
    return now + timedelta(days=current_app.config["SHIFT_SIGNUP_OPENS_DAYS"]), now


def is_open_for_signup(shift: Shift, now: datetime) -> bool:
    """From SHIFT_SIGNUP_OPENS_DAYS before its start until it starts, while its project takes
    sign-ups and it is not cancelled."""
    return (not shift.is_cancelled and signup_opens_at(shift) <= now < shift.starts_at
            and shift.position.project.takes_signups(now))


def _hold(volunteer_id: int) -> None:
    """One volunteer's sign-ups one at a time, so overlaps and the day's hours count what another
    request of theirs just committed (SQLite's transaction holds the write lock already)."""
    db.session.execute(sa.select(Volunteer.id).where(Volunteer.id == volunteer_id).with_for_update(key_share=True))


def _overlapping(volunteer_id: int, shift: Shift, *, excluding: int | None = None) -> bool:
    clash = (sa.select(Signup.id).join(Signup.shift)
             .where(Signup.volunteer_id == volunteer_id, Signup.state.in_(HOLDING), Shift.id != shift.id,
                    Shift.starts_at < shift.ends_at, Shift.ends_at > shift.starts_at))
    if excluding is not None:
        clash = clash.where(Signup.id != excluding)
    return db.session.scalar(clash.limit(1)) is not None


def planned_minutes(volunteer_id: int, shift: Shift) -> int:
    """The minutes of the volunteer's held shifts starting on the same day (in its zone) as this one."""
    zone, day = shift.zone, local_date(shift.starts_at, shift.zone)
    near = db.session.scalars(
        sa.select(Shift).join(Signup, Signup.shift_id == Shift.id)
        .where(Signup.volunteer_id == volunteer_id, Signup.state.in_(HOLDING), Shift.id != shift.id,
               Shift.starts_at > shift.starts_at - timedelta(days=1), Shift.starts_at < shift.starts_at + timedelta(days=1)))
    return sum(s.minutes for s in near if local_date(s.starts_at, zone) == day)


def _ensure_may_hold(volunteer_id: int, shift: Shift, *, excluding: int | None = None) -> None:
    if _overlapping(volunteer_id, shift, excluding=excluding):
        raise ShiftOverlap()
    limit = current_app.config["SHIFT_DAILY_PLANNED_MINUTES"]
    if planned_minutes(volunteer_id, shift) + shift.minutes > limit:
        raise PlannedHoursExceeded(_l("That would plan more than %(hours)s hours of shifts on one day.",
                                      hours=limit // 60))


def _ensure_accepted(volunteer: Volunteer, shift: Shift) -> None:
    """A roster project's positions take the volunteers they accepted; an open one anyone registered."""
    if not shift.position.project.roster_required:
        return
    accepted = db.session.scalar(sa.select(Application.id).where(
        Application.position_id == shift.position_id, Application.volunteer_id == volunteer.id,
        Application.is_accepted).limit(1))
    if accepted is None:
        raise NotOnRoster()


def no_shows(volunteer_id: int, *, now: datetime) -> int:
    """Shifts the volunteer did not come to (unexcused) over the last SHIFT_NO_SHOW_DAYS."""
    since = now - timedelta(days=current_app.config["SHIFT_NO_SHOW_DAYS"])
    return db.session.scalar(sa.select(sa.func.count()).select_from(Signup).join(Signup.shift).where(
        Signup.volunteer_id == volunteer_id, Signup.state == SignupState.NO_SHOW, Shift.starts_at >= since))


def _ensure_not_held(volunteer_id: int, now: datetime) -> None:
    limit = current_app.config["SHIFT_NO_SHOW_LIMIT"]
    if limit and no_shows(volunteer_id, now=now) >= limit:
        raise SignupsHeld(_l("Sign-ups are held after %(n)s shifts missed without leave in %(days)s days.",
                             n=limit, days=current_app.config["SHIFT_NO_SHOW_DAYS"]))


def lock_shift(shift_id: int):
    """The shift's row, locked until the commit: whatever changes its places (a sign-up, a place
    given back, an offer, an edit, its cancelling) follows one at a time, so the waiting list's
    order (by id) is the order they were answered in, each told its true place in it, and no
    place is freed while a sign-up joins the waiting list. (held_count, capacity, cancelled_at)"""
    return db.session.execute(sa.select(Shift.held_count, Shift.capacity, Shift.cancelled_at)
                              .where(Shift.id == shift_id).with_for_update()).one()


def _take_place(shift_id: int) -> bool:
    """A place if one is free; refused when the shift was cancelled meanwhile."""
    held, capacity, cancelled_at = lock_shift(shift_id)
    if cancelled_at is not None:
        raise ShiftCancelled()
    if held >= capacity:
        return False
    db.session.execute(sa.update(Shift).where(Shift.id == shift_id).values(held_count=Shift.held_count + 1)
                       .execution_options(synchronize_session=False))
    return True


def queue_position(signup: Signup) -> int | None:
    """Where a waiting sign-up stands on its waiting list, from 1."""
    if signup.state != SignupState.WAITING:
        return None
    return db.session.scalar(sa.select(sa.func.count()).where(
        Signup.shift_id == signup.shift_id, Signup.state == SignupState.WAITING, Signup.id <= signup.id))


def sign_up(user, shift: Shift, *, request_id: str | None = None, now: datetime) -> Signup:
    """A place, or the end of the waiting list; the same ``request_id`` again answers the first result."""
    volunteer = _volunteer_of(user)
    request_id = (str(request_id).strip()[:64] or None) if request_id else None

    def earlier() -> Signup | None:
        return db.session.scalar(sa.select(Signup).where(
            Signup.volunteer_id == volunteer.id, Signup.shift_id == shift.id, Signup.request_id == request_id)) \
            if request_id else None

    if (first := earlier()) is not None:
        return first
    if shift.is_cancelled:
        raise ShiftCancelled()
    if not is_open_for_signup(shift, now):
        raise SignupClosed()
    _ensure_accepted(volunteer, shift)
    _hold(volunteer.id)
    if (first := earlier()) is not None:  # a retry that waited for the first to commit
        return first
    _ensure_not_held(volunteer.id, now)
    if db.session.scalar(sa.select(Signup.id).where(Signup.shift_id == shift.id, Signup.volunteer_id == volunteer.id,
                                                    Signup.state.in_(LIVE_SIGNUPS))) is not None:
        raise AlreadySignedUp()
    _ensure_may_hold(volunteer.id, shift)
    state = SignupState.CONFIRMED if _take_place(shift.id) else SignupState.WAITING
    signup = Signup(shift_id=shift.id, volunteer_id=volunteer.id, state=state, request_id=request_id, created_at=now)
    db.session.add(signup)
    flush_unique(AlreadySignedUp())
    db.session.expire(shift, ["held_count"])
    record_event(user, ShiftEvent.SIGNED_UP if state == SignupState.CONFIRMED else ShiftEvent.WAITLISTED, signup,
                 after={"state": state}, now=now)
    return signup


def get_own_signup(user, signup_id) -> Signup:
    signup = get_by_id(Signup, signup_id)
    volunteer = getattr(user, "volunteer", None)
    if signup is None or volunteer is None or signup.volunteer_id != volunteer.id:
        raise NotFound()
    return signup


def offer_deadline(shift: Shift, now: datetime) -> datetime:
    """SHIFT_OFFER_MINUTES from now, or half the time left before the start where that is shorter."""
    return min(now + timedelta(minutes=current_app.config["SHIFT_OFFER_MINUTES"]), now + (shift.starts_at - now) / 2)


def pass_place_on(actor, shift: Shift, *, now: datetime) -> Signup | None:
    """A held place was freed: offer it to the first waiting (it stays held for them), or give
    it back to the shift when nobody waits or the shift has started."""
    first = None
    cancelled_at = lock_shift(shift.id)[2]
    if now < shift.starts_at and cancelled_at is None:
        first = db.session.scalar(sa.select(Signup).where(Signup.shift_id == shift.id, Signup.state == SignupState.WAITING)
                                  .order_by(Signup.id).limit(1))
    if first is None:
        db.session.execute(sa.update(Shift).where(Shift.id == shift.id, Shift.held_count > 0)
                           .values(held_count=Shift.held_count - 1).execution_options(synchronize_session=False))
        db.session.expire(shift, ["held_count"])
        return None
    first.state, first.offered_until = SignupState.OFFERED, offer_deadline(shift, now)
    record_event(actor, ShiftEvent.OFFERED, first, after={"offered_until": first.offered_until.isoformat()}, now=now)
    return first


def close_open_leave(signup_id: int, now: datetime) -> None:
    """A sign-up that ended takes its undecided leave request with it (nothing left to decide)."""
    db.session.execute(sa.update(LeaveRequest).where(LeaveRequest.signup_id == signup_id,
                                                     LeaveRequest.state == LeaveState.ASKED)
                       .values(state=LeaveState.CLOSED, decided_at=now).execution_options(synchronize_session=False))


def _end(signup: Signup, to_state: str, from_states, now: datetime) -> bool:
    """Move the sign-up out of the shift by a conditional UPDATE: only one of two at once does."""
    done = db.session.execute(sa.update(Signup).where(Signup.id == signup.id, Signup.state.in_(from_states))
                              .values(state=to_state, ended_at=now, offered_until=None)
                              .execution_options(synchronize_session=False)).rowcount
    db.session.expire(signup)
    if done == 1:
        close_open_leave(signup.id, now)
    return done == 1


def may_cancel(signup: Signup, now: datetime) -> bool:
    """Leave the waiting list or decline an offer at any time, give a place back until the
    cutoff (then: ask for leave)."""
    return signup.is_live and (signup.state != SignupState.CONFIRMED or now < cancel_cutoff(signup.shift))


def cancel_signup(user, signup: Signup, *, now: datetime) -> Signup:
    shift, was = signup.shift, signup.state
    if was not in LIVE_SIGNUPS:
        raise NotFound()
    if not may_cancel(signup, now):
        raise CancellationClosed()
    if not _end(signup, SignupState.CANCELLED, [was], now):
        raise CancellationClosed(_l("This sign-up changed meanwhile: reload the page."))
    record_event(user, ShiftEvent.WITHDRAWN, signup, before={"state": was}, now=now)
    if was in HOLDING:
        pass_place_on(None, shift, now=now)
    return signup


def accept_offer(user, signup: Signup, *, now: datetime) -> Signup:
    if signup.state != SignupState.OFFERED or signup.offered_until is None or signup.offered_until <= now:
        raise OfferExpired()
    _hold(signup.volunteer_id)
    _ensure_may_hold(signup.volunteer_id, signup.shift, excluding=signup.id)
    done = db.session.execute(sa.update(Signup).where(Signup.id == signup.id, Signup.state == SignupState.OFFERED,
                                                      Signup.offered_until > now)
                              .values(state=SignupState.CONFIRMED, offered_until=None)
                              .execution_options(synchronize_session=False)).rowcount
    db.session.expire(signup)
    if done != 1:
        raise OfferExpired()
    record_event(user, ShiftEvent.OFFER_ACCEPTED, signup, now=now)
    return signup


def expire_offers(*, now: datetime) -> int:
    """Offers whose deadline passed lapse, and each place goes to the next waiting; how many
    lapsed. Once a shift has begun, whoever still waits on its list (or holds an offer) is let go.
    The periodic command runs it; the caller commits."""
    lapsed = 0
    for signup in db.session.scalars(sa.select(Signup).where(Signup.state == SignupState.OFFERED,
                                                             Signup.offered_until <= now).order_by(Signup.id)).all():
        shift, until = signup.shift, signup.offered_until
        if _end(signup, SignupState.LAPSED, [SignupState.OFFERED], now):
            record_event(None, ShiftEvent.OFFER_LAPSED, signup, before={"offered_until": until.isoformat()}, now=now)
            pass_place_on(None, shift, now=now)
            lapsed += 1
    for signup in db.session.scalars(sa.select(Signup).join(Signup.shift).where(
            Signup.state.in_((SignupState.WAITING, SignupState.OFFERED)), Shift.starts_at <= now).order_by(Signup.id)).all():
        was, shift = signup.state, signup.shift
        if _end(signup, SignupState.LAPSED, [was], now):
            record_event(None, ShiftEvent.QUEUE_CLOSED, signup, before={"state": was}, now=now)
            if was == SignupState.OFFERED:
                pass_place_on(None, shift, now=now)
    return lapsed


def signups_of(user) -> sa.Select:
    volunteer = getattr(user, "volunteer", None)
    return (sa.select(Signup).join(Signup.shift).where(Signup.volunteer_id == (volunteer.id if volunteer else -1))
            .order_by(Shift.starts_at.desc(), Signup.id.desc()))
