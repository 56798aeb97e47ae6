"""The figures of DESIGN.md's "Figures", one definition each, read from the rollups (reports.models)
for an organisation's subtree and a period of service days: every page, export, report and API
answer asks these. ``reports.direct`` computes the same from the entries themselves (verification,
tests and the benchmark's baseline)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa

from volunteer.accounts.models import Volunteer
from volunteer.core.database import month_start
from volunteer.core.time import DEFAULT_ZONE
from volunteer.extensions import db
from volunteer.ledger.models import LedgerEntry
from volunteer.organisations.models import Organisation
from volunteer.organisations.vocabulary import GRASSROOTS_KINDS
from volunteer.projects.models import Project
from volunteer.reports import reading as read
from volunteer.reports.models import (
    ActiveCount,
    PersonDay,
    ProjectDay,
    ProjectMonth,
    StationDay,
    StationMonth,
    VolunteerMonth,
)
from volunteer.reports.vocabulary import Figure, Span

# The organisations whose coverage by an active station the dashboards report.
GRASSROOTS = GRASSROOTS_KINDS


@dataclass(frozen=True)
class Period:
    """Service days from ``start`` to ``end``, both included. ``open_end``: the end is today (or
    later), so no service can come after it (an entry is never in the future): the end's month
    reads as a whole month, from the monthly rollups."""

    start: date
    end: date
    open_end: bool = False

    def year_before(self) -> Period:
        return Period(_year_back(self.start), _year_back(self.end))

    def months(self) -> list[date]:
        """The first day of each month the period touches."""
        found, month = [], self.start.replace(day=1)
        while month <= self.end:
            found.append(month)
            month = _next_month(month)
        return found

    def holds_whole(self, month: date) -> bool:
        return month >= self.start and (_month_end(month) <= self.end or (self.open_end and month <= self.end))

    def whole_months(self) -> list[date]:
        """The months the period holds from their first day to their last."""
        return [m for m in self.months() if self.holds_whole(m)]

    def cut_parts(self) -> list[Period]:
        """The days of the months the period holds only in part."""
        return [self.part_of(m) for m in self.months() if not self.holds_whole(m)]

    def part_of(self, month: date) -> Period:
        """The days of ``month`` within the period."""
        return Period(max(month, self.start), min(_month_end(month), self.end))


def _next_month(month: date) -> date:
    return (month + timedelta(days=32)).replace(day=1)


@dataclass(frozen=True)
class OwnOnly:
    """An organisation without those below it, asked like one (``subtree``, ``subtree_ids``): the
    row of a parent's own projects, stations and volunteers in the table of its children, so that
    the rows sum to the parent."""

    organisation: Organisation
    population = None

    def subtree(self) -> sa.ColumnElement[bool]:
        return Organisation.id == self.organisation.id

    def subtree_ids(self) -> sa.Select:
        return sa.select(Organisation.id).where(self.subtree())


def _year_back(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def _month_end(month: date) -> date:
    return _next_month(month) - timedelta(days=1)


def hours(minutes) -> float:
    """Minutes as hours to one decimal, halves up (what a person rounding by hand writes). Rows of
    rounded hours need not sum to their rounded total: sums are made of minutes."""
    return float((Decimal(int(minutes or 0)) / 60).quantize(Decimal("0.1"), ROUND_HALF_UP))


def _in(column, organisation: Organisation):
    return column.in_(organisation.subtree_ids())


def _days(column, period: Period):
    return column.between(period.start, period.end)


def registered_volunteers(organisation: Organisation, period: Period) -> int:
    """Profiles whose home is in the subtree, not closed, registered on or before the last day."""
    until = datetime.combine(period.end + timedelta(days=1), time(0), tzinfo=DEFAULT_ZONE)
    return read.scalar(sa.select(sa.func.count()).select_from(Volunteer).where(
        _in(Volunteer.organisation_id, organisation), Volunteer.is_active, Volunteer.created_at < until)) or 0


def _rows(organisation, period: Period, month_model, day_model, **columns) -> sa.Subquery | None:
    """The rollup rows of the period: a month's row for each whole month, the daily rows of the
    days of a month cut by the period. ``columns``: label -> (the monthly column, the daily one);
    each row also says its ``month``. None when the period holds no day."""
    parts = []
    whole = period.whole_months()
    if whole:
        parts.append(sa.select(*[month.label(label) for label, (month, _day) in columns.items()],
                               month_model.month.label("month"))
                     .where(_in(month_model.organisation_id, organisation), month_model.month.in_(whole)))
    for cut in period.cut_parts():
        parts.append(sa.select(*[day.label(label) for label, (_month, day) in columns.items()],
                               month_start(day_model.served_on).label("month"))
                     .where(_in(day_model.organisation_id, organisation), _days(day_model.served_on, cut)))
    if not parts:
        return None
    return (sa.union_all(*parts) if len(parts) > 1 else parts[0]).subquery()


def service_rows(organisation, period: Period) -> sa.Subquery | None:
    """Project by project (and month): approved minutes by how they were recorded, person-times."""
    return _rows(organisation, period, ProjectMonth, ProjectDay,
                 project_id=(ProjectMonth.project_id, ProjectDay.project_id),
                 organisation_id=(ProjectMonth.organisation_id, ProjectDay.organisation_id),
                 checkin_minutes=(ProjectMonth.checkin_minutes, ProjectDay.checkin_minutes),
                 manual_minutes=(ProjectMonth.manual_minutes, ProjectDay.manual_minutes),
                 person_times=(ProjectMonth.person_times, ProjectDay.person_times))


def station_rows(organisation, period: Period) -> sa.Subquery | None:
    """Station by station (and month): approved minutes and days with service."""
    return _rows(organisation, period, StationMonth, StationDay,
                 station_id=(StationMonth.station_id, StationDay.station_id),
                 organisation_id=(StationMonth.organisation_id, StationDay.organisation_id),
                 approved_minutes=(StationMonth.approved_minutes, StationDay.approved_minutes),
                 active_days=(StationMonth.active_days, sa.literal(1)))


def _counted(organisation, span: Span, month: date) -> int:
    return read.scalar(sa.select(ActiveCount.volunteers).where(
        ActiveCount.organisation_id == organisation.id, ActiveCount.span == span, ActiveCount.month == month)) or 0


def active_volunteers(organisation, period: Period) -> int:
    """Distinct volunteers with credited hours served in the period on the subtree's projects.
    Distinct counts do not add up, so each organisation keeps its own by month and by year to a
    month (ActiveCount): a month, a year (to date) or the start of a year to a day read those;
    other periods count the volunteers of their months and days."""
    if isinstance(organisation, Organisation):
        whole, cuts = period.whole_months(), period.cut_parts()
        if len(whole) == 1 and not cuts:
            return _counted(organisation, Span.MONTH, whole[0])
        from_january = period.start.month == 1 and period.start.day == 1 and period.end.year == period.start.year
        if from_january and whole == period.months()[:len(whole)] and len(cuts) <= 1:
            through = _counted(organisation, Span.YEAR_TO, whole[-1]) if whole else 0
            return through + (_newly_active(organisation, cuts[0], whole) if cuts else 0)
    return _distinct_volunteers(organisation, period)


def _newly_active(organisation: Organisation, cut: Period, before: list[date]) -> int:
    """Volunteers active in the days of ``cut`` who were not in the months ``before``."""
    earlier = sa.select(VolunteerMonth.volunteer_id).where(
        VolunteerMonth.volunteer_id == PersonDay.volunteer_id, _in(VolunteerMonth.organisation_id, organisation),
        VolunteerMonth.month.in_(before), VolunteerMonth.minutes > 0) if before else None
    stmt = sa.select(sa.func.count(sa.distinct(PersonDay.volunteer_id))).where(
        _in(PersonDay.organisation_id, organisation), _days(PersonDay.served_on, cut), PersonDay.minutes > 0)
    return read.scalar(stmt.where(~earlier.exists()) if earlier is not None else stmt) or 0


def _distinct_volunteers(organisation, period: Period) -> int:
    """Counted from the volunteers' months (whole months) and days (the others)."""
    parts = []
    whole = period.whole_months()
    if whole:
        parts.append(sa.select(VolunteerMonth.volunteer_id).where(
            _in(VolunteerMonth.organisation_id, organisation), VolunteerMonth.month.in_(whole),
            VolunteerMonth.minutes > 0))
    for cut in period.cut_parts():
        parts.append(sa.select(PersonDay.volunteer_id).where(
            _in(PersonDay.organisation_id, organisation), _days(PersonDay.served_on, cut), PersonDay.minutes > 0))
    if not parts:
        return 0
    union = sa.union(*parts).subquery() if len(parts) > 1 else parts[0].distinct().subquery()
    return read.scalar(sa.select(sa.func.count()).select_from(union)) or 0


def service(organisation, period: Period) -> dict:
    """Approved hours, split by how they were recorded, and person-times."""
    rows = service_rows(organisation, period)
    if rows is None:
        return {"checkin_minutes": 0, "manual_minutes": 0, "person_times": 0}
    row = read.execute(sa.select(sa.func.coalesce(sa.func.sum(rows.c.checkin_minutes), 0),
                                 sa.func.coalesce(sa.func.sum(rows.c.manual_minutes), 0),
                                 sa.func.coalesce(sa.func.sum(rows.c.person_times), 0))).one()
    return {"checkin_minutes": int(row[0]), "manual_minutes": int(row[1]), "person_times": int(row[2])}


def project_person_times(project) -> dict:
    """A project's person-times (人次) as every dashboard counts them, for its page and evaluation
    (``signals.project_figures_requested``): from the primary, like the figures stored beside it."""
    return {Figure.PERSON_TIMES.value: int(db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(ProjectMonth.person_times), 0))
        .where(ProjectMonth.project_id == project.id)))}


def pending(organisation: Organisation, overdue_from: date | None = None) -> dict:
    """What waits for a decision now (not in a period): its minutes and entries, and how many are
    overdue (served on or before ``overdue_from``), from the index of pending entries."""
    overdue = LedgerEntry.served_on <= overdue_from if overdue_from else sa.false()
    row = read.execute(sa.select(
        sa.func.coalesce(sa.func.sum(LedgerEntry.minutes), 0), sa.func.count(), sa.func.count().filter(overdue))
        .where(LedgerEntry.is_pending,
               LedgerEntry.project_id.in_(sa.select(Project.id).where(_in(Project.organisation_id, organisation)))
               )).one()
    return {"minutes": int(row[0]), "entries": row[1], "overdue_entries": row[2]}


def active_stations(organisation, period: Period) -> int:
    """Stations of the subtree with a closed session in the period."""
    rows = station_rows(organisation, period)
    if rows is None:
        return 0
    return read.scalar(sa.select(sa.func.count(sa.distinct(rows.c.station_id)))) or 0


def coverage(organisation, period: Period) -> tuple[int, int]:
    """(villages and communities of the subtree with an active station in their own subtree, all
    of them): the share DESIGN.md calls coverage."""
    grassroots = read.scalars(sa.select(Organisation.path).where(
        organisation.subtree(), Organisation.kind.in_(GRASSROOTS))).all()
    rows = station_rows(organisation, period)
    if not grassroots or rows is None:
        return 0, len(grassroots)
    active_paths = read.scalars(sa.select(Organisation.path).where(
        Organisation.id.in_(sa.select(rows.c.organisation_id).distinct()))).all()
    ancestors = {path[:i + 1] for path in active_paths for i, ch in enumerate(path) if ch == "/"}
    return sum(1 for path in grassroots if path in ancestors), len(grassroots)


def projects_overlapping(organisation: Organisation, period: Period) -> sa.Select:
    """The subtree's projects whose dates meet the period (open-ended dates meet every period)."""
    return sa.select(Project).where(
        _in(Project.organisation_id, organisation),
        sa.or_(Project.starts_on.is_(None), Project.starts_on <= period.end),
        sa.or_(Project.ends_on.is_(None), Project.ends_on >= period.start))


def projects_by(column, organisation: Organisation, period: Period) -> dict[str, int]:
    stmt = projects_overlapping(organisation, period).subquery()
    rows = read.execute(sa.select(stmt.c[column], sa.func.count()).group_by(stmt.c[column])).all()
    return {key: count for key, count in rows}
