"""The figures computed straight from the entries, sessions and profiles, without the rollups: what
``verify`` compares the rollups with (and ``rebuild`` fills them from), what the tests compare the
dashboards with, and the raw aggregate bench/reports.py measures the dashboards against."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import current_app

from volunteer.accounts.models import Volunteer
from volunteer.checkin.models import ServiceSession
from volunteer.core.database import local_day, month_start, year_of, year_start
from volunteer.core.time import as_date
from volunteer.extensions import db
from volunteer.ledger.models import LedgerEntry
from volunteer.organisations.models import Organisation, OrganisationAncestor
from volunteer.projects.models import Project
from volunteer.reports.figures import Period, hours
from volunteer.reports.models import (
    ROLLUPS,
    ActiveCount,
    HomeMonth,
    PersonDay,
    ProjectDay,
    ProjectMonth,
    ReachedDay,
    RegisteredDay,
    StarCount,
    StationDay,
    StationMonth,
    VolunteerMonth,
    VolunteerYear,
)
from volunteer.reports.rollups import counted_with_these_settings, stamp_settings
from volunteer.reports.vocabulary import Span
from volunteer.stations.models import Station


def counting_entries(organisation: Organisation, period: Period):
    """The entries that count toward hours, served in the period on the subtree's projects."""
    return (sa.select(LedgerEntry).join(Project, Project.id == LedgerEntry.project_id)
            .where(LedgerEntry.counts_toward_hours, Project.organisation_id.in_(organisation.subtree_ids()),
                   LedgerEntry.served_on.between(period.start, period.end)))


def service(organisation: Organisation, period: Period) -> dict:
    """The aggregate over the entries: approved minutes by how they were recorded, distinct
    volunteers, and person-times (distinct volunteer, project and day)."""
    entries = counting_entries(organisation, period).subquery()
    checkin = sa.case((entries.c.station_id.is_not(None), entries.c.credited_minutes), else_=0)
    manual = sa.case((entries.c.station_id.is_(None), entries.c.credited_minutes), else_=0)
    row = db.session.execute(sa.select(sa.func.coalesce(sa.func.sum(checkin), 0),
                                       sa.func.coalesce(sa.func.sum(manual), 0),
                                       sa.func.count(sa.distinct(entries.c.volunteer_id)))).one()
    person_days = sa.select(entries.c.volunteer_id, entries.c.project_id, entries.c.served_on).distinct().subquery()
    times = db.session.scalar(sa.select(sa.func.count()).select_from(person_days))
    return {"checkin_minutes": int(row[0]), "manual_minutes": int(row[1]), "active_volunteers": row[2],
            "person_times": times or 0}


def active_stations(organisation: Organisation, period: Period) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(sa.distinct(ServiceSession.station_id)))
        .join(Station, Station.id == ServiceSession.station_id)
        .where(~ServiceSession.is_open, Station.organisation_id.in_(organisation.subtree_ids()),
               ServiceSession.served_on.between(period.start, period.end))) or 0


def headline(organisation: Organisation, period: Period) -> dict:
    """The figures of reports.headline.headline that come from the ledger and check-in."""
    done = service(organisation, period)
    return {"active_volunteers": done["active_volunteers"], "person_times": done["person_times"],
            "approved_hours": hours(done["checkin_minutes"] + done["manual_minutes"]),
            "checkin_hours": hours(done["checkin_minutes"]), "manual_hours": hours(done["manual_minutes"]),
            "stations_active": active_stations(organisation, period)}


def hours_by_category(organisation: Organisation, period: Period) -> dict[str, float]:
    entries = counting_entries(organisation, period).subquery()
    rows = db.session.execute(sa.select(Project.category, sa.func.sum(entries.c.credited_minutes))
                              .join(entries, entries.c.project_id == Project.id).group_by(Project.category))
    return {category: hours(minutes) for category, minutes in rows}


def hours_by_home(organisation: Organisation, period: Period) -> dict[str, float]:
    """Approved hours by the child organisation the volunteers belong to, wherever they served."""
    found = {}
    for child in db.session.scalars(sa.select(Organisation).where(Organisation.parent_id == organisation.id)):
        minutes = db.session.scalar(
            sa.select(sa.func.coalesce(sa.func.sum(LedgerEntry.credited_minutes), 0))
            .join(Volunteer, Volunteer.id == LedgerEntry.volunteer_id)
            .where(LedgerEntry.counts_toward_hours, Volunteer.organisation_id.in_(child.subtree_ids()),
                   LedgerEntry.served_on.between(period.start, period.end)))
        found[child.code] = hours(minutes)
    return found


# --- the rollups as the entries say they should be ------------------------------------------------

def _calendar() -> sa.Subquery:
    """Every month of the years that hold service, as a one-column table ``month``."""
    first, last = db.session.execute(sa.select(sa.func.min(LedgerEntry.served_on),
                                               sa.func.max(LedgerEntry.served_on))).one()
    years = range(as_date(first).year, as_date(last).year + 1) if first else range(2000, 2001)
    months = [date(year, m, 1) for year in years for m in range(1, 13)]
    return sa.union_all(*[sa.select(sa.literal(m, sa.Date).label("month")) for m in months]).subquery()


def rollup_selects() -> dict[type, sa.Select]:
    """For each rollup, the SELECT of its rows from the entries, sessions and profiles, in its
    columns' order."""
    counts = LedgerEntry.counts_toward_hours
    credited = LedgerEntry.credited_minutes
    checkin = sa.case((LedgerEntry.from_checkin, credited), else_=0)
    manual = sa.case((LedgerEntry.from_checkin, 0), else_=credited)
    by_project = sa.select().select_from(LedgerEntry).join(Project, Project.id == LedgerEntry.project_id).where(counts)
    person_days = by_project.add_columns(
        LedgerEntry.volunteer_id, LedgerEntry.project_id, LedgerEntry.served_on, Project.organisation_id,
        sa.func.sum(credited).label("minutes"), sa.func.sum(checkin).label("from_checkin"),
        sa.func.sum(manual).label("recorded")).group_by(
        LedgerEntry.volunteer_id, LedgerEntry.project_id, LedgerEntry.served_on, Project.organisation_id).subquery()
    station_minutes = (sa.select(LedgerEntry.station_id, LedgerEntry.served_on, sa.func.sum(credited).label("minutes"))
                       .where(counts, LedgerEntry.station_id.is_not(None))
                       .group_by(LedgerEntry.station_id, LedgerEntry.served_on).subquery())
    station_days = (sa.select(ServiceSession.station_id, ServiceSession.served_on)
                    .where(~ServiceSession.is_open).distinct().subquery())
    stations = (sa.select(station_days.c.station_id, station_days.c.served_on, Station.organisation_id,
                          sa.func.coalesce(station_minutes.c.minutes, 0).label("minutes"))
                .join(Station, Station.id == station_days.c.station_id)
                .outerjoin(station_minutes, sa.and_(station_minutes.c.station_id == station_days.c.station_id,
                                                    station_minutes.c.served_on == station_days.c.served_on)))
    days = stations.subquery()
    pd_month, st_month = month_start(person_days.c.served_on), month_start(days.c.served_on)
    volunteer_months = by_project.join(Volunteer, Volunteer.id == LedgerEntry.volunteer_id).add_columns(
        LedgerEntry.volunteer_id, Project.organisation_id, month_start(LedgerEntry.served_on),
        Volunteer.organisation_id, sa.func.sum(credited)).group_by(
        LedgerEntry.volunteer_id, Project.organisation_id, month_start(LedgerEntry.served_on), Volunteer.organisation_id)
    active = volunteer_months.subquery()
    vm_volunteer, vm_organisation, vm_month = active.c[0], active.c[1], active.c[2]
    # each month a volunteer served, for the organisation served and each one above it
    months_served = (sa.select(OrganisationAncestor.ancestor_id.label("organisation_id"),
                               vm_volunteer.label("volunteer_id"), vm_month.label("month"))
                     .join(OrganisationAncestor, OrganisationAncestor.organisation_id == vm_organisation)
                     .distinct().subquery())
    first = (sa.select(months_served.c.organisation_id, months_served.c.volunteer_id,
                       year_start(months_served.c.month).label("year"),
                       sa.func.min(months_served.c.month).label("first"))
             .group_by(months_served.c.organisation_id, months_served.c.volunteer_id,
                       year_start(months_served.c.month)).subquery())
    calendar = _calendar()
    totals = by_project.join(Volunteer, Volunteer.id == LedgerEntry.volunteer_id).add_columns(
        Volunteer.organisation_id.label("home"), sa.func.sum(credited).label("minutes")).group_by(
        LedgerEntry.volunteer_id, Volunteer.organisation_id).subquery()
    thresholds = tuple(current_app.config["STAR_THRESHOLDS_HOURS"])
    level = sum((sa.case((totals.c.minutes >= hours * 60, 1), else_=0) for hours in thresholds), sa.literal(0))
    volunteer_years = by_project.join(Volunteer, Volunteer.id == LedgerEntry.volunteer_id).add_columns(
        LedgerEntry.volunteer_id, year_of(LedgerEntry.served_on).label("year"), Volunteer.organisation_id,
        sa.func.sum(credited).label("minutes")).group_by(
        LedgerEntry.volunteer_id, year_of(LedgerEntry.served_on), Volunteer.organisation_id)
    years = volunteer_years.subquery()
    registered_on = local_day(Volunteer.created_at)
    return {
        ProjectDay: sa.select(person_days.c.project_id, person_days.c.served_on, person_days.c.organisation_id,
                              sa.func.sum(person_days.c.from_checkin), sa.func.sum(person_days.c.recorded), sa.func.count())
        .group_by(person_days.c.project_id, person_days.c.served_on, person_days.c.organisation_id),
        ProjectMonth: sa.select(person_days.c.project_id, pd_month, person_days.c.organisation_id,
                                sa.func.sum(person_days.c.from_checkin), sa.func.sum(person_days.c.recorded), sa.func.count())
        .group_by(person_days.c.project_id, pd_month, person_days.c.organisation_id),
        PersonDay: sa.select(person_days.c.volunteer_id, person_days.c.project_id, person_days.c.served_on,
                             person_days.c.organisation_id, person_days.c.minutes),
        VolunteerMonth: volunteer_months,
        VolunteerYear: volunteer_years,
        HomeMonth: by_project.join(Volunteer, Volunteer.id == LedgerEntry.volunteer_id).add_columns(
            Volunteer.organisation_id, month_start(LedgerEntry.served_on), sa.func.sum(credited))
        .group_by(Volunteer.organisation_id, month_start(LedgerEntry.served_on)),
        StarCount: sa.select(totals.c.home, level, sa.func.count()).where(level > 0).group_by(totals.c.home, level),
        StationDay: stations,
        StationMonth: sa.select(days.c.station_id, st_month, days.c.organisation_id, sa.func.sum(days.c.minutes),
                                sa.func.count()).group_by(days.c.station_id, st_month, days.c.organisation_id),
        ActiveCount: sa.union_all(
            sa.select(months_served.c.organisation_id, sa.literal(Span.MONTH.value), months_served.c.month,
                      sa.func.count()).group_by(months_served.c.organisation_id, months_served.c.month),
            sa.select(first.c.organisation_id, sa.literal(Span.YEAR_TO.value), calendar.c.month, sa.func.count())
            .join(calendar, sa.and_(calendar.c.month >= first.c.first, year_start(calendar.c.month) == first.c.year))
            .group_by(first.c.organisation_id, calendar.c.month)),
        ReachedDay: sa.select(OrganisationAncestor.ancestor_id, years.c.year, registered_on, sa.func.count())
        .select_from(years).join(Volunteer, Volunteer.id == years.c.volunteer_id)
        .join(OrganisationAncestor, OrganisationAncestor.organisation_id == Volunteer.organisation_id)
        .where(Volunteer.is_active, years.c.minutes >= current_app.config["YEARLY_EXPECTED_HOURS"] * 60)
        .group_by(OrganisationAncestor.ancestor_id, years.c.year, registered_on),
        RegisteredDay: sa.select(OrganisationAncestor.ancestor_id, registered_on, sa.func.count())
        .join(OrganisationAncestor, OrganisationAncestor.organisation_id == Volunteer.organisation_id)
        .where(Volunteer.is_active).group_by(OrganisationAncestor.ancestor_id, registered_on),
    }


# Each rollup's columns in their declared order: the keys first (KEYS says how many), then the values.
COLUMNS = {model: tuple(model.__table__.columns.keys()) for model in ROLLUPS}
KEYS = {model: len(model.__table__.primary_key.columns) for model in COLUMNS}  # the leading columns


# Differences reported at most, per rollup: a broken rollup says enough with these.
SHOWN = 20


def _stored(model) -> sa.Select:
    """A rollup's rows that say something: a row of zeros (an entry corrected down to nothing)
    is the same as none, except a station's active day, which counts with no approved minutes."""
    columns = [getattr(model, c) for c in COLUMNS[model]]
    counters = [c for c in columns[KEYS[model]:] if not c.key.endswith("organisation_id")]
    stmt = sa.select(*columns)
    return stmt if model is StationDay else stmt.where(sa.or_(*[c != 0 for c in counters]))


def verify() -> list[str]:
    """Every difference between the rollups and what the entries, sessions and profiles say, found by the
    database (EXCEPT both ways), so that no row of a province's ledger is loaded here."""
    problems = [] if counted_with_these_settings() else [
        "report_star_counts, report_reached_days: counted with other STAR_THRESHOLDS_HOURS or YEARLY_EXPECTED_HOURS "
        "than today's; run flask --app run reports rebuild"]
    for model, select in rollup_selects().items():
        expected, stored = select.subquery(), _stored(model).subquery()
        for label, first, second in (("missing or wrong", expected, stored), ("not in the entries", stored, expected)):
            differing = sa.select(first).except_(sa.select(second)).subquery()
            rows = db.session.execute(sa.select(differing).limit(SHOWN)).all()
            for row in rows:
                key = ", ".join(f"{c}={v}" for c, v in zip(COLUMNS[model], row, strict=True))
                problems.append(f"{model.__tablename__}: {label} in the rollup: {key}")
    return problems


def rebuild() -> None:
    """Fill the rollups afresh from the entries, sessions and profiles (after a bulk load, or a repair)."""
    for model, select in rollup_selects().items():
        db.session.execute(sa.delete(model))
        db.session.execute(sa.insert(model).from_select(list(COLUMNS[model]), select))
    stamp_settings()
