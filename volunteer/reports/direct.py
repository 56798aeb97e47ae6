"""The figures computed straight from the entries and sessions, without the rollups: what
``verify`` compares the rollups with (and ``rebuild`` fills them from), what the tests compare the
dashboards with, and the raw aggregate bench/reports.py measures the dashboards against."""
from __future__ import annotations

import sqlalchemy as sa

from volunteer.accounts.models import Volunteer
from volunteer.checkin.models import ServiceSession
from volunteer.core.database import month_start
from volunteer.extensions import db
from volunteer.ledger.models import LedgerEntry
from volunteer.organisations.models import Organisation
from volunteer.projects.models import Project
from volunteer.reports.figures import Period, hours
from volunteer.reports.models import PersonDay, ProjectDay, StationDay, VolunteerMonth
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
    """The figures of reports.figures.headline that come from the ledger and check-in."""
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

def rollup_selects() -> dict[type, sa.Select]:
    """For each rollup, the SELECT of its rows from the entries and sessions, in its columns' order."""
    counts = LedgerEntry.counts_toward_hours
    credited = LedgerEntry.credited_minutes
    checkin = sa.case((LedgerEntry.from_checkin, credited), else_=0)
    manual = sa.case((LedgerEntry.from_checkin, 0), else_=credited)
    by_project = sa.select().select_from(LedgerEntry).join(Project, Project.id == LedgerEntry.project_id).where(counts)
    month = month_start(LedgerEntry.served_on)
    station_minutes = (sa.select(LedgerEntry.station_id, LedgerEntry.served_on, sa.func.sum(credited).label("minutes"))
                       .where(counts, LedgerEntry.station_id.is_not(None))
                       .group_by(LedgerEntry.station_id, LedgerEntry.served_on).subquery())
    station_days = (sa.select(ServiceSession.station_id, ServiceSession.served_on)
                    .where(~ServiceSession.is_open).distinct().subquery())
    return {
        ProjectDay: by_project.add_columns(
            LedgerEntry.project_id, LedgerEntry.served_on, Project.organisation_id, sa.func.sum(checkin),
            sa.func.sum(manual), sa.func.count(sa.distinct(LedgerEntry.volunteer_id)))
        .group_by(LedgerEntry.project_id, LedgerEntry.served_on, Project.organisation_id),
        PersonDay: by_project.add_columns(
            LedgerEntry.volunteer_id, LedgerEntry.project_id, LedgerEntry.served_on, Project.organisation_id,
            sa.func.sum(credited))
        .group_by(LedgerEntry.volunteer_id, LedgerEntry.project_id, LedgerEntry.served_on, Project.organisation_id),
        VolunteerMonth: by_project.join(Volunteer, Volunteer.id == LedgerEntry.volunteer_id).add_columns(
            LedgerEntry.volunteer_id, Project.organisation_id, month, Volunteer.organisation_id, sa.func.sum(credited))
        .group_by(LedgerEntry.volunteer_id, Project.organisation_id, month, Volunteer.organisation_id),
        StationDay: sa.select(station_days.c.station_id, station_days.c.served_on, Station.organisation_id,
                              sa.func.coalesce(station_minutes.c.minutes, 0))
        .join(Station, Station.id == station_days.c.station_id)
        .outerjoin(station_minutes, sa.and_(station_minutes.c.station_id == station_days.c.station_id,
                                            station_minutes.c.served_on == station_days.c.served_on)),
    }


# Each rollup's columns in their declared order: the keys first (KEYS says how many), then the values.
COLUMNS = {model: tuple(model.__table__.columns.keys()) for model in (ProjectDay, PersonDay, VolunteerMonth, StationDay)}
KEYS = {model: len(model.__table__.primary_key.columns) for model in COLUMNS}  # the leading columns


# Differences reported at most, per rollup: a broken rollup says enough with these.
SHOWN = 20


def _stored(model) -> sa.Select:
    """A rollup's rows that say something: a row of zeros (an entry corrected down to nothing)
    is the same as none, except a station's active day, which counts with no approved minutes."""
    columns = [getattr(model, c) for c in COLUMNS[model]]
    counters = columns[KEYS[model] + 1:]  # after the keys and the organisation
    stmt = sa.select(*columns)
    return stmt if model is StationDay else stmt.where(sa.or_(*[c != 0 for c in counters]))


def verify() -> list[str]:
    """Every difference between the rollups and what the entries and sessions say, found by the
    database (EXCEPT both ways), so that no row of a province's ledger is loaded here."""
    problems = []
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
    """Fill the rollups afresh from the entries and sessions (after a bulk load, or a repair)."""
    for model, select in rollup_selects().items():
        db.session.execute(sa.delete(model))
        db.session.execute(sa.insert(model).from_select(list(COLUMNS[model]), select))
