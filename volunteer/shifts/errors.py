"""Shifts' refusals, one class per code (API.md's)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from volunteer.core.errors import Conflict


class ShiftOverlap(Conflict):
    code = "shift_overlap"
    default_message = _l("You already have a shift at that time.")


class SignupClosed(Conflict):
    code = "signup_closed"
    default_message = _l("Sign-up for this shift is not open.")


class AlreadySignedUp(Conflict):
    code = "already_signed_up"
    default_message = _l("You have already signed up for this shift.")


class CancellationClosed(Conflict):
    code = "cancellation_closed"
    default_message = _l("It is too late to cancel this shift: ask for leave instead.")


class OfferExpired(Conflict):
    code = "offer_expired"
    default_message = _l("This offer has expired.")


class PlannedHoursExceeded(Conflict):
    code = "planned_hours_exceeded"


class SignupsHeld(Conflict):
    code = "signups_held"


class NotOnRoster(Conflict):
    code = "not_on_roster"
    default_message = _l("This position takes the volunteers it accepted: apply for it first.")


class ShiftHasSignups(Conflict):
    code = "shift_has_signups"
    default_message = _l("Volunteers have signed up for this shift: it can no longer be changed, only cancelled.")


class ShiftCancelled(Conflict):
    code = "shift_cancelled"
    default_message = _l("This shift was cancelled.")


class ShiftStarted(Conflict):
    code = "shift_started"
    default_message = _l("This shift has begun: it can no longer be changed or cancelled.")


class NotConfirmed(Conflict):
    code = "not_confirmed"
    default_message = _l("Only a confirmed place can be asked leave from.")


class LeaveDecided(Conflict):
    code = "leave_decided"
    default_message = _l("This leave request has already been decided.")


class NotAbsent(Conflict):
    code = "not_absent"
    default_message = _l("Only an absence can be excused.")
