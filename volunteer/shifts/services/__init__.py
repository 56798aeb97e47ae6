"""Use cases of shifts, by module: planning them (planning), signing up, the waiting list and
offers (signups), leave (leave), attendance and no-shows (attendance). Callers import them from here."""
from volunteer.shifts.services.attendance import attend, excuse, expected_now, mark_no_shows
from volunteer.shifts.services.leave import (
    ask_leave,
    decide_leave,
    get_leave_for,
    get_shift_for_runner,
    may_ask_leave,
    may_run,
    shift_record,
)
from volunteer.shifts.services.planning import (
    cancel_shift,
    create_pattern,
    create_shift,
    edit_shift,
    ensure_may_plan,
    find_shifts,
    get_shift,
    get_shift_for_manager,
    is_editable,
    may_plan,
    shifts_of_position,
    stations_with_shifts,
)
from volunteer.shifts.services.signups import (
    accept_offer,
    cancel_cutoff,
    cancel_signup,
    expire_offers,
    get_own_signup,
    is_open_for_signup,
    may_cancel,
    no_shows,
    queue_position,
    sign_up,
    signup_opens_at,
    signups_of,
)

__all__ = [
    "accept_offer", "ask_leave", "attend", "cancel_cutoff", "cancel_shift", "cancel_signup", "create_pattern",
    "create_shift", "decide_leave", "edit_shift", "ensure_may_plan", "excuse", "find_shifts", "get_shift_for_runner", "is_editable", "may_ask_leave", "shift_record", "may_cancel", "may_plan", "expected_now", "expire_offers", "get_leave_for",
    "get_own_signup", "get_shift", "get_shift_for_manager", "is_open_for_signup", "mark_no_shows", "may_run",
    "no_shows", "queue_position", "shifts_of_position", "sign_up", "signup_opens_at", "signups_of", "stations_with_shifts",
]
