"""The dashboard's tables beside the headline figures: one row per child organisation, the
months, the categories, the top projects and stations, star levels, volunteers below the yearly
expectation, and hours by the volunteers' home organisations."""
from __future__ import annotations

import sqlalchemy as sa
from flask import current_app

from volunteer.accounts.models import Volunteer
from volunteer.core.time import as_date
from volunteer.organisations.models import Organisation
from volunteer.projects.models import Project
from volunteer.reports import reading as read
from volunteer.reports.figures import (
    OwnOnly,
    Period,
    active_volunteers,
    hours,
    service_rows,
    station_rows,
)
from volunteer.reports.headline import grouped, headlines, pending_of, registered_of
from volunteer.reports.models import ActiveCount, HomeMonth, PersonDay, ReachedDay, StarCount
from volunteer.reports.vocabulary import Figure, Span
from volunteer.stations.models import Station

TOP = 10


def children(organisation: Organisation) -> list[Organisation]:
    return read.scalars(sa.select(Organisation).where(Organisation.parent_id == organisation.id)
                              .order_by(Organisation.code)).all()


def child_rows(organisation: Organisation, period: Period) -> list[dict]:
    """Each child's figures (the same headline as the child's own dashboard), read together."""
    return table_of(organisation, period)[1]


def table_of(organisation: Organisation, period: Period, *, overdue_from=None) -> tuple[dict, list[dict], dict, dict]:
    """The organisation's headline, one row per child, the row of what it holds itself (its own
    projects, stations and volunteers), and its headline of the same days a year before. The
    additive figures of the rows sum to the headline; active volunteers and coverage do not."""
    kids = children(organisation)
    everyone = [organisation, *kids]
    ids = [o.id for o in everyone]
    before = period.year_before()
    registered, registered_before = registered_of(ids, [period, before])
    waiting = pending_of(ids, overdue_from)  # now, whatever the period
    found = headlines(organisation, everyone, period, registered=registered, waiting=waiting)
    previous = headlines(organisation, [organisation], before, registered=registered_before, waiting=waiting)
    rows = [{"organisation": child, **found[child.id]} for child in kids]
    total = found[organisation.id]
    return total, rows, own_row(organisation, period, total, rows), previous[organisation.id]


# The figures of the own row that are the headline less the children's (sums of minutes and counts).
ADDITIVE_PARTS = (Figure.REGISTERED_VOLUNTEERS.value, Figure.PERSON_TIMES.value, Figure.STATIONS_ACTIVE.value,
                  "pending_entries", "overdue_entries", "approved_minutes", "checkin_minutes", "manual_minutes",
                  "pending_minutes")


def own_row(organisation: Organisation, period: Period, total: dict | None = None, rows: list | None = None) -> dict:
    """What the organisation holds itself, not through a child: the headline less its children
    for what adds up, its own projects' distinct volunteers counted apart."""
    if total is None:
        total, rows, _own, _before = table_of(organisation, period)
    own = {key: total[key] - sum(row[key] for row in rows) for key in ADDITIVE_PARTS}
    return {"organisation": organisation, **own,
            Figure.ACTIVE_VOLUNTEERS.value: active_volunteers(OwnOnly(organisation), period),
            Figure.APPROVED_HOURS.value: hours(own["approved_minutes"]),
            Figure.CHECKIN_HOURS.value: hours(own["checkin_minutes"]),
            Figure.MANUAL_HOURS.value: hours(own["manual_minutes"]),
            Figure.PENDING_HOURS.value: hours(own["pending_minutes"]), Figure.COVERAGE.value: None}


def by_month(organisation: Organisation, period: Period) -> list[dict]:
    """Approved hours, person-times and active volunteers of each month the period touches (the
    first and last months only for their days within it)."""
    rows = service_rows(organisation, period)
    done = {} if rows is None else {as_date(first): (minutes, times) for first, minutes, times in read.execute(
        sa.select(rows.c.month, sa.func.sum(rows.c.checkin_minutes + rows.c.manual_minutes),
                  sa.func.sum(rows.c.person_times)).group_by(rows.c.month))}
    whole = period.whole_months()
    active = {as_date(first): count for first, count in read.execute(
        sa.select(ActiveCount.month, ActiveCount.volunteers).where(
            ActiveCount.organisation_id == organisation.id, ActiveCount.span == Span.MONTH,
            ActiveCount.month.in_(whole)))} if whole else {}
    found = []
    for first in period.months():
        minutes, times = done.get(first, (0, 0))
        count = active.get(first, 0) if first in whole else active_volunteers(organisation, period.part_of(first))
        found.append({"month": f"{first:%Y-%m}", "approved_hours": hours(minutes), "person_times": int(times or 0),
                      "active_volunteers": count})
    return found


def _project_sums(organisation: Organisation, period: Period):
    rows = service_rows(organisation, period)
    if rows is None:
        return None
    return (sa.select(rows.c.project_id, sa.func.sum(rows.c.checkin_minutes + rows.c.manual_minutes).label("minutes"),
                      sa.func.sum(rows.c.person_times).label("times"))
            .group_by(rows.c.project_id).subquery())


def by_category(organisation: Organisation, period: Period) -> list[dict]:
    """Approved hours and person-times by the category of the project served."""
    sums = _project_sums(organisation, period)
    if sums is None:
        return []
    rows = read.execute(
        sa.select(Project.category, sa.func.sum(sums.c.minutes), sa.func.sum(sums.c.times))
        .join(sums, sums.c.project_id == Project.id).group_by(Project.category)
        .order_by(sa.func.sum(sums.c.minutes).desc())).all()
    return [{"category": category, "approved_hours": hours(minutes), "person_times": int(times or 0)}
            for category, minutes, times in rows]


def top_projects(organisation: Organisation, period: Period, limit: int = TOP) -> list[dict]:
    sums = _project_sums(organisation, period)
    if sums is None:
        return []
    rows = read.execute(
        sa.select(Project, sums.c.minutes, sums.c.times).join(sums, sums.c.project_id == Project.id)
        .order_by(sums.c.minutes.desc(), Project.id).limit(limit)).all()
    return [{"project": project, "approved_hours": hours(minutes), "person_times": int(times or 0)}
            for project, minutes, times in rows]


def top_stations(organisation: Organisation, period: Period, limit: int = TOP) -> list[dict]:
    rows = station_rows(organisation, period)
    if rows is None:
        return []
    sums = (sa.select(rows.c.station_id, sa.func.sum(rows.c.approved_minutes).label("minutes"),
                      sa.func.sum(rows.c.active_days).label("days"))
            .group_by(rows.c.station_id).subquery())
    found = read.execute(
        sa.select(Station, sums.c.minutes, sums.c.days).join(sums, sums.c.station_id == Station.id)
        .order_by(sums.c.minutes.desc(), sums.c.days.desc(), Station.id).limit(limit)).all()
    return [{"station": station, "approved_hours": hours(minutes), "active_days": int(days)}
            for station, minutes, days in found]


def below_expectation(organisation: Organisation, period: Period, registered: int) -> dict:
    """Of the ``registered`` volunteers of the subtree (by the period's end), those below the
    yearly expectation of hours (a setting) in the period's last year: all of them less those
    registered by then whose year reached it (kept by registration day)."""
    reached = read.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(ReachedDay.volunteers), 0))
        .where(ReachedDay.organisation_id == organisation.id, ReachedDay.year == period.end.year,
               ReachedDay.day <= period.end)) or 0
    return {"expected_hours": current_app.config["YEARLY_EXPECTED_HOURS"], "below": registered - int(reached),
            "registered": registered}


def star_levels(organisation: Organisation) -> dict[int, int]:
    """How many volunteers at home in the subtree hold each star level (all years' hours)."""
    found = {level: 0 for level in range(1, len(current_app.config["STAR_THRESHOLDS_HOURS"]) + 1)}
    for level, count in read.execute(
            sa.select(StarCount.level, sa.func.sum(StarCount.volunteers))
            .where(StarCount.organisation_id.in_(organisation.subtree_ids())).group_by(StarCount.level)):
        if level in found:
            found[level] = int(count)
    return found


def by_home(organisation: Organisation, period: Period) -> list[dict]:
    """Approved hours grouped by the child organisation the volunteers belong to (their home),
    wherever they served: whole months from the homes' monthly rollup, the days of a cut month
    from the daily one; all children read together."""
    kids = children(organisation)
    ids = [child.id for child in kids]
    whole, cuts = period.whole_months(), period.cut_parts()
    parts = []
    if whole:
        parts.append(sa.select(HomeMonth.organisation_id, HomeMonth.minutes).where(
            HomeMonth.organisation_id.in_(organisation.subtree_ids()), HomeMonth.month.in_(whole)))
    for part in cuts:
        parts.append(sa.select(Volunteer.organisation_id, PersonDay.minutes)
                     .join(Volunteer, Volunteer.id == PersonDay.volunteer_id)
                     .where(Volunteer.organisation_id.in_(organisation.subtree_ids()),
                            PersonDay.served_on.between(part.start, part.end)))
    minutes = {}
    if parts and ids:
        rows = (sa.union_all(*parts) if len(parts) > 1 else parts[0]).subquery()
        minutes = {i: int(m) for i, (m,) in grouped(rows, "organisation_id", ids,
                                                   lambda r: sa.func.coalesce(sa.func.sum(r.c.minutes), 0)).items()}
    return [{"organisation": child, "approved_hours": hours(minutes.get(child.id, 0))} for child in kids]
