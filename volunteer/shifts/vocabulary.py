"""Shifts' closed sets: a sign-up's states (confirmed, on the waiting list, offered a freed place,
and how it ended), a leave request's, the event log's actions. Shifts are run by whoever manages
their project (projects' "project.manage") and, for leave and absences, the station's leads."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

from volunteer.core.audit import Glossary
from volunteer.core.vocabulary import Vocabulary


class SignupState(Vocabulary):
    CONFIRMED = "confirmed", _l("Confirmed")
    WAITING = "waiting", _l("On the waiting list")
    OFFERED = "offered", _l("Offered a place")
    CANCELLED = "signup_cancelled", _l("Cancelled")
    LAPSED = "offer_lapsed", _l("Offer not taken in time")
    ON_LEAVE = "on_leave", _l("On leave")
    NO_SHOW = "no_show", _l("Did not come")
    EXCUSED = "excused_absence", _l("Absence excused")


# Still in the shift: one per volunteer and shift (a partial unique index). Tuples, so the index's
# SQL is written the same every time.
LIVE_SIGNUPS = (SignupState.CONFIRMED, SignupState.WAITING, SignupState.OFFERED)
# Holding one of its places (the shift's held_count counts these).
HOLDING = (SignupState.CONFIRMED, SignupState.OFFERED)


class LeaveState(Vocabulary):
    ASKED = "leave_asked", _l("Waiting for a decision")
    GRANTED = "leave_granted", _l("Granted")
    REFUSED = "leave_refused", _l("Refused")
    CLOSED = "leave_closed", _l("Closed: the sign-up ended first")


class LeaveDecision(Vocabulary):
    GRANT = "grant", _l("Grant the leave")
    REFUSE = "refuse", _l("Refuse the leave")


class ShiftEvent(Vocabulary):
    CREATED = "shift.created", _l("Shift created")
    EDITED = "shift.edited", _l("Shift changed")
    CANCELLED = "shift.cancelled", _l("Shift cancelled")
    SIGNED_UP = "signup.confirmed", _l("Signed up for a shift")
    WAITLISTED = "signup.waiting", _l("Put on a shift's waiting list")
    OFFERED = "signup.offered", _l("Offered a freed place")
    OFFER_ACCEPTED = "signup.offer_accepted", _l("Freed place taken")
    OFFER_LAPSED = "signup.offer_lapsed", _l("Offer lapsed")
    WITHDRAWN = "signup.cancelled", _l("Sign-up cancelled")
    SHIFT_CALLED_OFF = "signup.shift_cancelled", _l("Sign-up ended: shift cancelled")
    LEAVE_ASKED = "leave.asked", _l("Leave asked")
    LEAVE_GRANTED = "leave.granted", _l("Leave granted")
    LEAVE_REFUSED = "leave.refused", _l("Leave refused")
    NO_SHOW = "signup.no_show", _l("Marked as not come")
    EXCUSED = "signup.excused", _l("Absence excused")
    QUEUE_CLOSED = "signup.queue_closed", _l("Still waiting when the shift began")


EVENT_LOG = Glossary(
    actions=ShiftEvent,
    name=_l("Shifts"),
    verbs={ShiftEvent.CREATED: lazy_pgettext("event", "created"), ShiftEvent.EDITED: lazy_pgettext("event", "changed"),
           ShiftEvent.CANCELLED: lazy_pgettext("event", "called off"),
           ShiftEvent.SIGNED_UP: lazy_pgettext("event", "signed up for"),
           ShiftEvent.WAITLISTED: lazy_pgettext("event", "joined the waiting list of"),
           ShiftEvent.OFFERED: lazy_pgettext("event", "offered a place on"),
           ShiftEvent.OFFER_ACCEPTED: lazy_pgettext("event", "took the offered place on"),
           ShiftEvent.OFFER_LAPSED: lazy_pgettext("event", "let the offer lapse on"),
           ShiftEvent.WITHDRAWN: lazy_pgettext("event", "withdrew from"),
           ShiftEvent.SHIFT_CALLED_OFF: lazy_pgettext("event", "ended with its shift"),
           ShiftEvent.LEAVE_ASKED: lazy_pgettext("event", "asked for leave from"),
           ShiftEvent.LEAVE_GRANTED: lazy_pgettext("event", "granted"), ShiftEvent.LEAVE_REFUSED: lazy_pgettext("event", "turned down"),
           ShiftEvent.NO_SHOW: lazy_pgettext("event", "marked as not come"),
           ShiftEvent.EXCUSED: lazy_pgettext("event", "excused"),
           ShiftEvent.QUEUE_CLOSED: lazy_pgettext("event", "was still waiting for")},
    subjects={"shifts": _l("Shift"), "shift_signups": _l("Shift sign-up"), "shift_leave_requests": _l("Leave request")},
    fields={"starts_at": _l("Start"), "ends_at": _l("End"), "capacity": _l("Places"), "reason": _l("Reason")},
)
