"""The headline figures of an organisation's subtree for a period (F of API.md and what the
dashboard shows beside it), for one organisation or for several at once: a dashboard's own and
each child's are read together, each figure once for all of them, grouping the rollups' rows by
the organisations above them (the closure table), so that no query runs per child."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from volunteer.ledger.services import waiting_under
from volunteer.organisations.models import Organisation, OrganisationAncestor
from volunteer.projects.models import Project
from volunteer.reports import reading as read
from volunteer.reports.figures import (
    GRASSROOTS,
    Period,
    _newly_active,
    active_stations,
    active_volunteers,
    coverage,
    hours,
    pending,
    projects_by,
    projects_overlapping,
    registered_volunteers,
    service,
    service_rows,
    station_rows,
)
from volunteer.reports.models import ActiveCount, RegisteredDay
from volunteer.reports.vocabulary import Figure, Span

# What figures.service answers, in its order.
SERVICE_PARTS = ("checkin_minutes", "manual_minutes", Figure.PERSON_TIMES.value)


def _figures(organisation, period: Period, *, registered: int, active: int, done: dict, waiting: dict,
             stations: int, covered: int, grassroots: int, by_state: dict, by_category: dict) -> dict:
    """F of API.md and the counts the dashboard shows beside it, from their parts."""
    approved = done["checkin_minutes"] + done["manual_minutes"]
    population = getattr(organisation, "population", None)
    return {
        Figure.REGISTERED_VOLUNTEERS.value: registered,
        Figure.ACTIVE_VOLUNTEERS.value: active,
        Figure.PERSON_TIMES.value: done["person_times"],
        Figure.APPROVED_HOURS.value: hours(approved),
        Figure.CHECKIN_HOURS.value: hours(done["checkin_minutes"]),
        Figure.MANUAL_HOURS.value: hours(done["manual_minutes"]),
        Figure.PENDING_HOURS.value: hours(waiting["minutes"]),
        "projects_by_state": by_state,
        "projects_by_category": by_category,
        Figure.STATIONS_ACTIVE.value: stations,
        Figure.COVERAGE.value: round(covered / grassroots, 3) if grassroots else None,
        # beside F: what the shares and averages are made of
        "covered_grassroots": covered, "grassroots": grassroots,
        "hours_per_active_volunteer": round(approved / 60 / active, 1) if active else None,
        "registration_rate": round(registered / population, 6) if population else None,
        # the same share as people say it ("one in 4.5 residents"), from the counts, not the rounded share
        "residents_per_volunteer": round(population / registered, 1) if population and registered else None,
        "pending_entries": waiting["entries"], "overdue_entries": waiting["overdue_entries"],
        "approved_minutes": approved, "checkin_minutes": done["checkin_minutes"],
        "manual_minutes": done["manual_minutes"], "pending_minutes": waiting["minutes"],
    }


def headline(organisation, period: Period, *, overdue_from: date | None = None) -> dict:
    """Every figure of the organisation's subtree for the period (or, for OwnOnly, of what the
    organisation holds itself)."""
    if isinstance(organisation, Organisation):
        return headlines(organisation, [organisation], period, overdue_from=overdue_from)[organisation.id]
    covered, grassroots = coverage(organisation, period)
    return _figures(organisation, period, registered=registered_volunteers(organisation, period),
                    active=active_volunteers(organisation, period), done=service(organisation, period),
                    waiting=pending(organisation, overdue_from), stations=active_stations(organisation, period),
                    covered=covered, grassroots=grassroots,
                    by_state=projects_by("state", organisation, period),
                    by_category=projects_by("category", organisation, period))


# --- many organisations at once: the rows of a subtree grouped by the organisations above them ----

def grouped(stmt: sa.Select, organisation_column, ids: list[int], *aggregates) -> dict[int, tuple]:
    """``aggregates`` of ``stmt``'s rows for each of ``ids``, counting a row for every one of them
    above (or being) the row's organisation (the closure table, no path matching per row)."""
    rows = stmt.subquery() if isinstance(stmt, sa.Select) else stmt
    column = rows.c[organisation_column]
    above = OrganisationAncestor
    found = read.execute(sa.select(above.ancestor_id, *[a(rows) for a in aggregates]).select_from(rows)
                         .join(above, above.organisation_id == column)
                         .where(above.ancestor_id.in_(ids)).group_by(above.ancestor_id))
    return {row[0]: tuple(row[1:]) for row in found}


def _sum(column):
    """The sum of a column of the grouped rows: ``_sum(lambda c: c.minutes)``."""
    return lambda rows: sa.func.coalesce(sa.func.sum(column(rows.c)), 0)


def registered_of(ids: list[int], periods: list[Period]) -> list[dict[int, int]]:
    """Registered volunteers of each organisation by the end of each period: each one's own
    counts of the days up to it (``RegisteredDay``), all read at once."""
    found = {row[0]: row[1:] for row in read.execute(
        sa.select(RegisteredDay.organisation_id, *[
            sa.func.coalesce(sa.func.sum(RegisteredDay.volunteers).filter(RegisteredDay.day <= p.end), 0)
            for p in periods])
        .where(RegisteredDay.organisation_id.in_(ids)).group_by(RegisteredDay.organisation_id))}
    return [{i: int(found.get(i, (0,) * len(periods))[n]) for i in ids} for n in range(len(periods))]


def _active_of(scope: Organisation, organisations: list[Organisation], period: Period) -> dict[int, int]:
    """Distinct active volunteers of each organisation: the counters where the period is one
    month or a year to a month (one reading for all), counted otherwise."""
    ids = [o.id for o in organisations]
    whole, cuts = period.whole_months(), period.cut_parts()
    span = None
    if len(whole) == 1 and not cuts:
        span, month = Span.MONTH, whole[0]
    elif (period.start.month == 1 and period.start.day == 1 and period.end.year == period.start.year
          and whole == period.months()[:len(whole)] and len(cuts) <= 1 and whole):
        span, month = Span.YEAR_TO, whole[-1]
    if span is None:
        return {o.id: active_volunteers(o, period) for o in organisations}
    counted = dict(read.execute(sa.select(ActiveCount.organisation_id, ActiveCount.volunteers).where(
        ActiveCount.organisation_id.in_(ids), ActiveCount.span == span, ActiveCount.month == month)).all())
    return {o.id: counted.get(o.id, 0) + (_newly_active(o, cuts[0], whole) if cuts else 0) for o in organisations}


def pending_of(ids: list[int], overdue_from: date | None) -> dict[int, dict]:
    """What waits now under each organisation, from the ledger's counts of it (one row per
    organisation and recent day, however many entries wait)."""
    return waiting_under(ids, overdue_from, execute=read.execute)


def _coverage_of(scope: Organisation, ids: list[int], period: Period) -> dict[int, tuple[int, int]]:
    """(villages and communities with an active station in their subtree, all of them) of each."""
    below = sa.orm.aliased(OrganisationAncestor)
    grassroots = sa.select(Organisation.id.label("organisation_id")).where(
        scope.subtree(), Organisation.kind.in_(GRASSROOTS))
    totals = grouped(grassroots, "organisation_id", ids, lambda rows: sa.func.count())
    rows = station_rows(scope, period)
    covered = {}
    if rows is not None:
        # a grassroots organisation is covered when an active station's organisation is it or below it
        served = sa.select(rows.c.organisation_id).distinct().subquery()
        reached = (sa.select(below.ancestor_id.label("organisation_id"))
                   .join(served, served.c.organisation_id == below.organisation_id)
                   .join(Organisation, Organisation.id == below.ancestor_id)
                   .where(Organisation.kind.in_(GRASSROOTS)).distinct())
        covered = grouped(reached, "organisation_id", ids, lambda r: sa.func.count())
    return {i: (int(covered.get(i, (0,))[0]), int(totals.get(i, (0,))[0])) for i in ids}


def _projects_of(scope: Organisation, ids: list[int], period: Period, column: str) -> dict[int, dict[str, int]]:
    stmt = projects_overlapping(scope, period).with_only_columns(Project.organisation_id, getattr(Project, column))
    rows = stmt.subquery()
    above = OrganisationAncestor
    found: dict[int, dict[str, int]] = {i: {} for i in ids}
    for ancestor, key, count in read.execute(
            sa.select(above.ancestor_id, rows.c[column], sa.func.count()).select_from(rows)
            .join(above, above.organisation_id == rows.c.organisation_id)
            .where(above.ancestor_id.in_(ids)).group_by(above.ancestor_id, rows.c[column])):
        found[ancestor][key] = count
    return found


def headlines(scope: Organisation, organisations: list[Organisation], period: Period, *,
              overdue_from: date | None = None, registered: dict | None = None,
              waiting: dict | None = None) -> dict[int, dict]:
    """The headline of each organisation (``scope`` or organisations below it), each figure read
    once for all of them: what a dashboard shows for its organisation and each child. The
    registered volunteers and what waits (``registered_of``, ``pending_of``) may be read already."""
    ids = [o.id for o in organisations]
    zero = dict.fromkeys(SERVICE_PARTS, 0)
    rows = service_rows(scope, period)
    done = {} if rows is None else grouped(rows, "organisation_id", ids, _sum(lambda c: c.checkin_minutes),
                                             _sum(lambda c: c.manual_minutes), _sum(lambda c: c.person_times))
    stations = {} if (r := station_rows(scope, period)) is None else grouped(
        r, "organisation_id", ids, lambda rows: sa.func.count(sa.distinct(rows.c.station_id)))
    registered = registered if registered is not None else registered_of(ids, [period])[0]
    active = _active_of(scope, organisations, period)
    waiting = waiting if waiting is not None else pending_of(ids, overdue_from)
    coverage_ = _coverage_of(scope, ids, period)
    by_state, by_category = _projects_of(scope, ids, period, "state"), _projects_of(scope, ids, period, "category")
    found = {}
    for organisation in organisations:
        i = organisation.id
        service_ = dict(zip(zero, map(int, done[i]), strict=True)) if i in done else zero
        found[i] = _figures(organisation, period, registered=registered[i], active=active[i], done=service_,
                            waiting=waiting[i], stations=int(stations.get(i, (0,))[0]), covered=coverage_[i][0],
                            grassroots=coverage_[i][1], by_state=by_state[i], by_category=by_category[i])
    return found
