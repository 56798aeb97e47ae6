"""The dashboard's tables beside the headline figures: one row per child organisation, the
months, the categories, the top projects and stations, star levels, volunteers below the yearly
expectation, and hours by the volunteers' home organisations."""
from __future__ import annotations

import sqlalchemy as sa
from flask import current_app

from volunteer.accounts.models import Volunteer
from volunteer.core.database import month_start
from volunteer.core.time import as_date
from volunteer.ledger import rules
from volunteer.ledger.models import LedgerTotal
from volunteer.organisations.models import Organisation
from volunteer.projects.models import Project
from volunteer.reports import reading as read
from volunteer.reports.figures import OwnOnly, Period, active_volunteers, headline, hours
from volunteer.reports.models import PersonDay, ProjectDay, StationDay, VolunteerMonth
from volunteer.stations.models import Station

TOP = 10


def children(organisation: Organisation) -> list[Organisation]:
    return read.scalars(sa.select(Organisation).where(Organisation.parent_id == organisation.id)
                              .order_by(Organisation.code)).all()


def row_of(organisation, period: Period) -> dict:
    """The figures of one row of the children's table (an organisation, or OwnOnly): the same
    headline as the organisation's own dashboard."""
    return {"organisation": getattr(organisation, "organisation", organisation), **headline(organisation, period)}


def child_rows(organisation: Organisation, period: Period) -> list[dict]:
    """Each child's figures: with ``own_row``, the additive ones sum to the parent's; active
    volunteers and coverage do not add up."""
    return [row_of(child, period) for child in children(organisation)]


def own_row(organisation: Organisation, period: Period) -> dict:
    """What the organisation holds itself, not through a child: its own projects, stations and
    volunteers."""
    return row_of(OwnOnly(organisation), period)


def by_month(organisation: Organisation, period: Period) -> list[dict]:
    """Approved hours, person-times and active volunteers of each month the period touches (the
    first and last months only for their days within it)."""
    month = month_start(ProjectDay.served_on)
    done = {as_date(first): (minutes, times) for first, minutes, times in read.execute(
        sa.select(month, sa.func.sum(ProjectDay.checkin_minutes + ProjectDay.manual_minutes),
                  sa.func.sum(ProjectDay.person_times))
        .where(ProjectDay.organisation_id.in_(organisation.subtree_ids()),
               ProjectDay.served_on.between(period.start, period.end)).group_by(month))}
    whole = period.whole_months()
    active = {as_date(first): count for first, count in read.execute(
        sa.select(VolunteerMonth.month, sa.func.count(sa.distinct(VolunteerMonth.volunteer_id)))
        .where(VolunteerMonth.organisation_id.in_(organisation.subtree_ids()), VolunteerMonth.month.in_(whole),
               VolunteerMonth.minutes > 0).group_by(VolunteerMonth.month))} if whole else {}
    rows = []
    for first in period.months():
        minutes, times = done.get(first, (0, 0))
        count = active.get(first, 0) if first in whole else active_volunteers(organisation, period.part_of(first))
        rows.append({"month": f"{first:%Y-%m}", "approved_hours": hours(minutes), "person_times": int(times or 0),
                     "active_volunteers": count})
    return rows


def _project_sums(organisation: Organisation, period: Period):
    return (sa.select(ProjectDay.project_id, sa.func.sum(ProjectDay.checkin_minutes + ProjectDay.manual_minutes)
                      .label("minutes"), sa.func.sum(ProjectDay.person_times).label("times"))
            .where(ProjectDay.organisation_id.in_(organisation.subtree_ids()),
                   ProjectDay.served_on.between(period.start, period.end))
            .group_by(ProjectDay.project_id).subquery())


def by_category(organisation: Organisation, period: Period) -> list[dict]:
    """Approved hours and person-times by the category of the project served."""
    sums = _project_sums(organisation, period)
    rows = read.execute(
        sa.select(Project.category, sa.func.sum(sums.c.minutes), sa.func.sum(sums.c.times))
        .join(sums, sums.c.project_id == Project.id).group_by(Project.category)
        .order_by(sa.func.sum(sums.c.minutes).desc())).all()
    return [{"category": category, "approved_hours": hours(minutes), "person_times": int(times or 0)}
            for category, minutes, times in rows]


def top_projects(organisation: Organisation, period: Period, limit: int = TOP) -> list[dict]:
    sums = _project_sums(organisation, period)
    rows = read.execute(
        sa.select(Project, sums.c.minutes, sums.c.times).join(sums, sums.c.project_id == Project.id)
        .order_by(sums.c.minutes.desc(), Project.id).limit(limit)).all()
    return [{"project": project, "approved_hours": hours(minutes), "person_times": int(times or 0)}
            for project, minutes, times in rows]


def top_stations(organisation: Organisation, period: Period, limit: int = TOP) -> list[dict]:
    sums = (sa.select(StationDay.station_id, sa.func.sum(StationDay.approved_minutes).label("minutes"),
                      sa.func.count().label("days"))
            .where(StationDay.organisation_id.in_(organisation.subtree_ids()),
                   StationDay.served_on.between(period.start, period.end))
            .group_by(StationDay.station_id).subquery())
    rows = read.execute(
        sa.select(Station, sums.c.minutes, sums.c.days).join(sums, sums.c.station_id == Station.id)
        .order_by(sums.c.minutes.desc(), sums.c.days.desc(), Station.id).limit(limit)).all()
    return [{"station": station, "approved_hours": hours(minutes), "active_days": days}
            for station, minutes, days in rows]


def _volunteer_years(organisation: Organisation, year: int):
    """Each registered volunteer of the subtree with their approved minutes of the year (from the
    ledger's own totals): none of them is left out for having served nothing."""
    served = (sa.select(LedgerTotal.volunteer_id, sa.func.sum(LedgerTotal.approved_minutes).label("minutes"))
              .where(LedgerTotal.year == year).group_by(LedgerTotal.volunteer_id).subquery())
    return (sa.select(Volunteer.id, sa.func.coalesce(served.c.minutes, 0).label("minutes"))
            .outerjoin(served, served.c.volunteer_id == Volunteer.id)
            .where(Volunteer.organisation_id.in_(organisation.subtree_ids()), Volunteer.is_active))


def below_expectation(organisation: Organisation, year: int) -> dict:
    """Registered volunteers of the subtree below the yearly expectation of hours (a setting)."""
    expected = current_app.config["YEARLY_EXPECTED_HOURS"] * 60
    rows = _volunteer_years(organisation, year).subquery()
    below, registered = read.execute(sa.select(
        sa.func.count().filter(rows.c.minutes < expected), sa.func.count()).select_from(rows)).one()
    return {"expected_hours": expected // 60, "below": below or 0, "registered": registered or 0}


def star_levels(organisation: Organisation) -> dict[int, int]:
    """How many registered volunteers of the subtree hold each star level (all years' hours)."""
    thresholds = tuple(current_app.config["STAR_THRESHOLDS_HOURS"])
    totals = (sa.select(LedgerTotal.volunteer_id, sa.func.sum(LedgerTotal.approved_minutes).label("minutes"))
              .group_by(LedgerTotal.volunteer_id).subquery())
    minutes = read.scalars(
        sa.select(totals.c.minutes).join(Volunteer, Volunteer.id == totals.c.volunteer_id)
        .where(Volunteer.organisation_id.in_(organisation.subtree_ids()), Volunteer.is_active,
               totals.c.minutes >= thresholds[0] * 60)).all() if thresholds else []
    found = {level: 0 for level in range(1, len(thresholds) + 1)}
    for total in minutes:
        found[rules.star_level(int(total), thresholds)] += 1
    return found


def by_home(organisation: Organisation, period: Period) -> list[dict]:
    """Approved hours grouped by the child organisation the volunteers belong to (their home),
    wherever they served: whole months from the monthly rollup, the days of a cut month from the
    daily one."""
    whole, cut = period.whole_months(), [period.part_of(m) for m in period.months() if m not in period.whole_months()]
    rows = []
    for child in children(organisation):
        homes = child.subtree_ids()
        minutes = read.scalar(sa.select(sa.func.coalesce(sa.func.sum(VolunteerMonth.minutes), 0)).where(
            VolunteerMonth.home_organisation_id.in_(homes), VolunteerMonth.month.in_(whole))) if whole else 0
        for part in cut:
            minutes += read.scalar(
                sa.select(sa.func.coalesce(sa.func.sum(PersonDay.minutes), 0))
                .join(Volunteer, Volunteer.id == PersonDay.volunteer_id)
                .where(Volunteer.organisation_id.in_(homes), PersonDay.served_on.between(part.start, part.end)))
        rows.append({"organisation": child, "approved_hours": hours(minutes)})
    return rows
