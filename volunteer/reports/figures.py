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
from volunteer.core.time import DEFAULT_ZONE
from volunteer.ledger.models import LedgerEntry
from volunteer.organisations.models import Organisation
from volunteer.organisations.vocabulary import OrganisationKind
from volunteer.projects.models import Project
from volunteer.reports import reading as read
from volunteer.reports.models import PersonDay, ProjectDay, StationDay, VolunteerMonth
from volunteer.reports.vocabulary import Figure

# The organisations whose coverage by an active station the dashboards report.
GRASSROOTS = (OrganisationKind.VILLAGE, OrganisationKind.COMMUNITY)


@dataclass(frozen=True)
class Period:
    """Service days from ``start`` to ``end``, both included."""

    start: date
    end: date

    def year_before(self) -> Period:
        return Period(_year_back(self.start), _year_back(self.end))

    def months(self) -> list[date]:
        """The first day of each month the period touches."""
        found, month = [], self.start.replace(day=1)
        while month <= self.end:
            found.append(month)
            month = (month + timedelta(days=32)).replace(day=1)
        return found

    def whole_months(self) -> list[date]:
        """The months the period holds from their first day to their last."""
        return [m for m in self.months() if m >= self.start and _month_end(m) <= self.end]

    def part_of(self, month: date) -> Period:
        """The days of ``month`` within the period."""
        return Period(max(month, self.start), min(_month_end(month), self.end))


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
    return (month + timedelta(days=32)).replace(day=1) - timedelta(days=1)


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


def active_volunteers(organisation: Organisation, period: Period) -> int:
    """Distinct volunteers with credited hours served in the period on the subtree's projects:
    whole months from the monthly rollup, the days of a month cut by the period from the daily one."""
    whole = period.whole_months()
    parts = []
    if whole:
        parts.append(sa.select(VolunteerMonth.volunteer_id).where(
            _in(VolunteerMonth.organisation_id, organisation), VolunteerMonth.month.in_(whole),
            VolunteerMonth.minutes > 0))
    for month in period.months():
        if month not in whole:
            cut = period.part_of(month)
            parts.append(sa.select(PersonDay.volunteer_id).where(
                _in(PersonDay.organisation_id, organisation), _days(PersonDay.served_on, cut), PersonDay.minutes > 0))
    if not parts:
        return 0
    union = sa.union(*parts).subquery() if len(parts) > 1 else parts[0].distinct().subquery()
    return read.scalar(sa.select(sa.func.count()).select_from(union)) or 0


def service(organisation: Organisation, period: Period) -> dict:
    """Approved hours, split by how they were recorded, and person-times."""
    row = read.execute(sa.select(
        sa.func.coalesce(sa.func.sum(ProjectDay.checkin_minutes), 0),
        sa.func.coalesce(sa.func.sum(ProjectDay.manual_minutes), 0),
        sa.func.coalesce(sa.func.sum(ProjectDay.person_times), 0))
        .where(_in(ProjectDay.organisation_id, organisation), _days(ProjectDay.served_on, period))).one()
    return {"checkin_minutes": int(row[0]), "manual_minutes": int(row[1]), "person_times": int(row[2])}


def pending(organisation: Organisation, overdue_from: date | None = None) -> dict:
    """What waits for a decision now (not in a period): its minutes and entries, and how many are
    overdue (served on or before ``overdue_from``), from the index of pending entries."""
    overdue = LedgerEntry.served_on <= overdue_from if overdue_from else sa.false()
    row = read.execute(sa.select(
        sa.func.coalesce(sa.func.sum(LedgerEntry.minutes), 0), sa.func.count(), sa.func.count().filter(overdue))
        .where(LedgerEntry.is_pending,
               LedgerEntry.project_id.in_(sa.select(Project.id).where(_in(Project.organisation_id, organisation)))
               )).one()
    return {"minutes": int(row[0]), "entries": row[1], "overdue": row[2]}


def active_stations(organisation: Organisation, period: Period) -> int:
    """Stations of the subtree with a closed session in the period."""
    return read.scalar(sa.select(sa.func.count(sa.distinct(StationDay.station_id))).where(
        _in(StationDay.organisation_id, organisation), _days(StationDay.served_on, period))) or 0


def coverage(organisation: Organisation, period: Period) -> tuple[int, int]:
    """(villages and communities of the subtree with an active station in their own subtree, all
    of them): the share DESIGN.md calls coverage."""
    grassroots = read.execute(sa.select(Organisation.path).where(
        organisation.subtree(), Organisation.kind.in_(GRASSROOTS))).scalars().all()
    if not grassroots:
        return 0, 0
    active_paths = read.scalars(
        sa.select(Organisation.path).join(StationDay, StationDay.organisation_id == Organisation.id)
        .where(organisation.subtree(), _days(StationDay.served_on, period)).distinct()).all()
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


def headline(organisation: Organisation, period: Period, *, overdue_from: date | None = None) -> dict:
    """F of API.md (every figure of the organisation's subtree for the period), and the counts the
    dashboard shows beside it."""
    done = service(organisation, period)
    active = active_volunteers(organisation, period)
    waiting = pending(organisation, overdue_from)
    covered, grassroots = coverage(organisation, period)
    approved = done["checkin_minutes"] + done["manual_minutes"]
    registered = registered_volunteers(organisation, period)
    return {
        Figure.REGISTERED_VOLUNTEERS.value: registered,
        Figure.ACTIVE_VOLUNTEERS.value: active,
        Figure.PERSON_TIMES.value: done["person_times"],
        Figure.APPROVED_HOURS.value: hours(approved),
        Figure.CHECKIN_HOURS.value: hours(done["checkin_minutes"]),
        Figure.MANUAL_HOURS.value: hours(done["manual_minutes"]),
        Figure.PENDING_HOURS.value: hours(waiting["minutes"]),
        "projects_by_state": projects_by("state", organisation, period),
        "projects_by_category": projects_by("category", organisation, period),
        Figure.STATIONS_ACTIVE.value: active_stations(organisation, period),
        Figure.COVERAGE.value: round(covered / grassroots, 3) if grassroots else None,
        # beside F: what the shares and averages are made of
        "covered_grassroots": covered, "grassroots": grassroots,
        "hours_per_active_volunteer": round(approved / 60 / active, 1) if active else None,
        "registration_rate": round(registered / organisation.population, 4) if organisation.population else None,
        "pending_entries": waiting["entries"], "overdue_entries": waiting["overdue"],
        "approved_minutes": approved, "checkin_minutes": done["checkin_minutes"],
        "manual_minutes": done["manual_minutes"], "pending_minutes": waiting["minutes"],
    }
