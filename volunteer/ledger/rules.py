"""The crediting rules (DESIGN.md, "Rules the records follow"), as pure functions of settings.

Exact minutes are kept; the rule turns them into credited minutes when an entry is approved, and
its version is stored with the entry, so a later change of rule never rewrites past credit.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from volunteer.ledger.vocabulary import ApprovalLevel


@dataclass(frozen=True)
class CreditRule:
    """Of each started hour: a remainder under ``zero_below`` minutes counts nothing, one over
    ``full_above`` counts a full hour, anything between counts half an hour. With both at 0 the
    rule credits exact minutes."""

    version: str
    zero_below: int = 15
    full_above: int = 45

    def credit(self, minutes: int) -> int:
        if minutes <= 0:
            return 0
        if self.zero_below == 0 and self.full_above == 0:
            return minutes
        hours, rest = divmod(minutes, 60)
        if rest < self.zero_below:
            part = 0
        elif rest <= self.full_above:
            part = 30
        else:
            part = 60
        return hours * 60 + part

    @property
    def least_credited_minutes(self) -> int:
        """The shortest service that earns any credit, read off the rule itself, so a page that
        says "under N minutes, no hours" follows whatever rule is configured."""
        return next(minutes for minutes in range(1, 61) if self.credit(minutes))


def meets_minimum(minutes: int, shift_minutes: int | None, minimum_percent: int | None) -> bool:
    """A project may require attending a share of the shift (e.g. 60 %) for any credit."""
    if not minimum_percent or not shift_minutes:
        return True
    return minutes * 100 >= shift_minutes * minimum_percent


def approval_level(day_total_minutes: int, lead_limit: int = 8 * 60, parent_limit: int = 12 * 60) -> ApprovalLevel:
    """Who may approve a day's credited total: a station lead or staff up to 8 h, an admin of the
    organisation above up to 12 h, the top organisation beyond."""
    if day_total_minutes <= lead_limit:
        return ApprovalLevel.LEAD
    if day_total_minutes <= parent_limit:
        return ApprovalLevel.PARENT_ADMIN
    return ApprovalLevel.TOP_ADMIN


def working_days_between(start: date, end: date, holidays: frozenset[date] = frozenset()) -> int:
    """Working days after ``start`` up to and including ``end`` (Monday to Friday, less holidays)."""
    days, day = 0, start
    while day < end:
        day += timedelta(days=1)
        if day.weekday() < 5 and day not in holidays:
            days += 1
    return days


# The star levels' hours where no setting names others (config.STAR_THRESHOLDS_HOURS does).
STAR_HOURS = (100, 300, 600, 1000, 1500)


def star_level(approved_minutes: int, thresholds_hours: tuple[int, ...] = STAR_HOURS) -> int:
    """Stars by cumulative approved hours (a setting; some regions use 100/200/500/800/1000)."""
    return sum(1 for hours in thresholds_hours if approved_minutes >= hours * 60)


def minutes_to_next_star(approved_minutes: int, thresholds_hours: tuple[int, ...] = STAR_HOURS) -> int | None:
    """How many approved minutes the next star still needs; None at the highest."""
    for hours in thresholds_hours:
        if approved_minutes < hours * 60:
            return hours * 60 - approved_minutes
    return None
