"""What an entry may be credited: the crediting rule and the minimum attendance, the day's credit
so far, the cap of what was recorded, correction chains, and when an entry is overdue."""
from __future__ import annotations

import math
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from volunteer.core.errors import FieldErrors
from volunteer.core.time import DEFAULT_ZONE, local_date
from volunteer.extensions import db
from volunteer.ledger import rules
from volunteer.ledger.models import LedgerEntry

MAX_MINUTES = 24 * 60
OVERDUE_WORKING_DAYS = 10  # a service is recorded within 10 working days of its end


def credit_rule() -> rules.CreditRule:
    return rules.CreditRule(**current_app.config["CREDIT_RULE"])


def attends(minutes: int, project, activity_minutes: int | None) -> bool:
    """The project's minimum attendance, measured against a manual entry's activity or else the
    project's shift."""
    return rules.meets_minimum(minutes, activity_minutes or project.shift_minutes, project.min_attendance_percent)


def credit_for(rule: rules.CreditRule, entry: LedgerEntry, minutes: int) -> int:
    """The rounded credit, or nothing below the project's minimum attendance."""
    return rule.credit(minutes) if attends(minutes, entry.project, entry.attendance_minutes) else 0


def uncredited_reason(minutes: int | None, project, activity_minutes: int | None = None):
    """Why this much service would earn no hours (the project's minimum attendance, or the
    rule's least credited minutes), or None when it earns some or there is no time to credit:
    credit_for's questions, asked before anyone decides, so no page restates a threshold."""
    if not minutes:
        return None
    if not attends(minutes, project, activity_minutes):
        return _l("(below the project's minimum attendance: no hours credited)")
    rule = credit_rule()
    if rule.credit(minutes):
        return None
    return _l("(under %(n)s minutes: no hours credited)", n=rule.least_credited_minutes)


def day_credited(volunteer_id: int, served_on, *, excluding: int | None = None) -> int:
    """Minutes already credited to the volunteer for that day (newest figures of each entry)."""
    stmt = (sa.select(sa.func.coalesce(sa.func.sum(LedgerEntry.credited_minutes), 0))
            .where(LedgerEntry.volunteer_id == volunteer_id, LedgerEntry.served_on == served_on,
                   LedgerEntry.counts_toward_hours))
    if excluding is not None:
        stmt = stmt.where(LedgerEntry.id != excluding)
    return db.session.scalar(stmt)


def origin_of(entry: LedgerEntry) -> LedgerEntry:
    """The first entry of a correction chain: the session's or the manual entry."""
    while entry.corrects_id is not None:
        entry = db.session.get(LedgerEntry, entry.corrects_id)
    return entry


def newest_figure(entry: LedgerEntry) -> LedgerEntry:
    """The last entry of the correction chain that starts at ``entry``."""
    while (later := db.session.scalar(sa.select(LedgerEntry).where(LedgerEntry.corrects_id == entry.id))) is not None:
        entry = later
    return entry


def max_minutes(entry: LedgerEntry) -> int:
    """Nobody credits more than was recorded: a manual entry's activity, a session's span from
    check-in to check-out (the system's, for one it closed). Beyond that is a new manual entry."""
    origin = origin_of(entry)
    if origin.activity_minutes is not None:
        return origin.activity_minutes
    session = origin.session
    if session is not None and session.checked_out_at is not None:
        return min(MAX_MINUTES, math.ceil((session.checked_out_at - session.checked_in_at).total_seconds() / 60))
    return MAX_MINUTES


def cap_minutes(errors: FieldErrors, entry: LedgerEntry, minutes: int | None) -> None:
    if minutes is not None and minutes > (cap := max_minutes(entry)):
        errors.add("minutes", _l("Not more than was recorded (%(n)s minutes); other service is a manual entry.",
                                 n=cap))


def clean_minutes(errors: FieldErrors, value) -> int | None:
    try:
        minutes = int(value)
    except (TypeError, ValueError):
        errors.add("minutes", _l("Must be a whole number."))
        return None
    if not 0 <= minutes <= MAX_MINUTES:
        errors.add("minutes", _l("Must be between %(low)s and %(high)s.", low=0, high=MAX_MINUTES))
        return None
    return minutes


def overdue_cutoff(*, now: datetime) -> date:
    """The latest service date whose entry is overdue today: more than 10 working days ago. A date
    rather than a per-row computation, so the database can count overdue entries by index."""
    today = local_date(now, DEFAULT_ZONE)
    holidays = frozenset(current_app.config["LEDGER_HOLIDAYS"])
    day = today
    while rules.working_days_between(day, today, holidays) <= OVERDUE_WORKING_DAYS:
        day -= timedelta(days=1)
    return day


