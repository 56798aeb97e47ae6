"""The rollups follow the ledger, check-in and accounts as they change, in the same transaction:
what the ledger says now counts toward a volunteer's hours (``signals.hours_counted``), which
station had a closed session on a day (``signals.session_closed``), and which profiles are
registered and open (``signals.registration_counted``).

Two changes of one volunteer's hours never race: decisions and corrections hold the volunteer's
row (ledger.services.decisions.hold_volunteer), so the person-day and month read here are the
last word; counters shared by many volunteers move by atomic increments (core.database.add_to)."""
from __future__ import annotations

import zlib
from datetime import date

import sqlalchemy as sa
from flask import current_app

from volunteer.core import signals
from volunteer.core.database import add_to, insert
from volunteer.core.models import Counter
from volunteer.core.time import local_date
from volunteer.extensions import db
from volunteer.ledger import rules
from volunteer.organisations.models import Organisation, OrganisationAncestor
from volunteer.reports.figures import project_person_times
from volunteer.reports.models import (
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
from volunteer.reports.vocabulary import Span

# The settings the star levels and those who reached the yearly expectation are counted by, as
# a number kept in the counters table: rebuild writes it, the writers below compare it.
SETTINGS_COUNTER = "reports.counted_settings"


def settings_stamp() -> int:
    """A number that changes with STAR_THRESHOLDS_HOURS or YEARLY_EXPECTED_HOURS (the same
    text migration 0009 stamps)."""
    config = current_app.config
    text = f"stars={','.join(str(int(h)) for h in config['STAR_THRESHOLDS_HOURS'])};" \
           f"expected={int(config['YEARLY_EXPECTED_HOURS'])}"
    return zlib.crc32(text.encode()) & 0x7FFFFFFF


def counted_with_these_settings() -> bool:
    """Whether the kept star levels and expectation counts follow today's settings. After a
    change they are not moved (a counter never counted would go below zero) until ``flask
    --app run reports rebuild``; the dashboard and ``ledger verify`` say so."""
    stored = db.session.get(Counter, SETTINGS_COUNTER)
    return stored is None or stored.value == settings_stamp()


def _moving_counts() -> bool:
    """Whether the writers move the kept star levels and expectation counts: with the settings
    they were counted by (stamped now where nothing was counted yet: a new database)."""
    if db.session.get(Counter, SETTINGS_COUNTER) is None:
        stamp_settings()
        return True
    return counted_with_these_settings()


def stamp_settings() -> None:
    stmt = insert(Counter).values(name=SETTINGS_COUNTER, value=settings_stamp())
    db.session.execute(stmt.on_conflict_do_update(index_elements=[Counter.name], set_={"value": stmt.excluded.value}))


def on_hours_counted(entry, minutes: int) -> None:
    if not minutes:
        return
    project, day = entry.project, entry.served_on
    month, owner = day.replace(day=1), {"organisation_id": project.organisation_id}
    key = {"volunteer_id": entry.volunteer_id, "project_id": project.id, "served_on": day}
    before = db.session.scalar(sa.select(PersonDay.minutes).filter_by(**key)) or 0
    add_to(PersonDay, key, {"minutes": minutes}, owner)
    became = int(before + minutes > 0) - int(before > 0)  # a person-time begins, or ends
    amounts = {"checkin_minutes" if entry.from_checkin else "manual_minutes": minutes, "person_times": became}
    add_to(ProjectDay, {"project_id": project.id, "served_on": day}, amounts, owner)
    add_to(ProjectMonth, {"project_id": project.id, "month": month}, amounts, owner)
    key = {"volunteer_id": entry.volunteer_id, "organisation_id": project.organisation_id, "month": month}
    month_before = db.session.scalar(sa.select(VolunteerMonth.minutes).filter_by(**key)) or 0
    home = {"home_organisation_id": entry.volunteer.organisation_id}
    add_to(VolunteerMonth, key, {"minutes": minutes}, home)
    year_key = {"volunteer_id": entry.volunteer_id, "year": day.year}
    year_before = db.session.scalar(sa.select(VolunteerYear.minutes).filter_by(**year_key)) or 0
    add_to(VolunteerYear, year_key, {"minutes": minutes}, home)
    add_to(HomeMonth, {"organisation_id": entry.volunteer.organisation_id, "month": month}, {"minutes": minutes})
    if _moving_counts():
        expected = current_app.config["YEARLY_EXPECTED_HOURS"] * 60
        if entry.volunteer.is_active and (year_before >= expected) != (year_before + minutes >= expected):
            _count_reached(entry.volunteer, day.year, 1 if year_before + minutes >= expected else -1)
        _restar(entry.volunteer_id, entry.volunteer.organisation_id, minutes)
    if (month_before > 0) != (month_before + minutes > 0):
        _recount(entry.volunteer_id, project.organisation, month, month_before)
    if entry.station_id is not None:
        station = {"organisation_id": entry.station.organisation_id}
        add_to(StationDay, {"station_id": entry.station_id, "served_on": day}, {"approved_minutes": minutes}, station)
        add_to(StationMonth, {"station_id": entry.station_id, "month": month}, {"approved_minutes": minutes}, station)


def _restar(volunteer_id: int, home_id: int, minutes: int) -> None:
    """Move the volunteer between star levels when their total crossed a threshold."""
    thresholds = tuple(current_app.config["STAR_THRESHOLDS_HOURS"])
    total = db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(VolunteerYear.minutes), 0))
                              .where(VolunteerYear.volunteer_id == volunteer_id))
    was, is_ = rules.star_level(total - minutes, thresholds), rules.star_level(total, thresholds)
    if was != is_:
        for level, step in ((was, -1), (is_, 1)):
            if level:
                add_to(StarCount, {"organisation_id": home_id, "level": level}, {"volunteers": step})


def _months_of(year: int) -> list[date]:
    return [date(year, m, 1) for m in range(1, 13)]


def _recount(volunteer_id: int, organisation: Organisation, month: date, minutes_before: int) -> None:
    """The volunteer's month on ``organisation``'s projects turned active, or stopped being: for
    each organisation above it (itself included), count them in or out of that month, and of the
    year through each month from the first they served in."""
    year = _months_of(month.year)
    rows = db.session.execute(
        sa.select(Organisation.path, VolunteerMonth.month, VolunteerMonth.minutes)
        .join(Organisation, Organisation.id == VolunteerMonth.organisation_id)
        .where(VolunteerMonth.volunteer_id == volunteer_id, VolunteerMonth.month.between(year[0], year[-1]))).all()
    now = [(path, m) for path, m, minutes in rows if minutes > 0]
    before = [(path, m) for path, m, minutes in rows if (minutes_before if (path, m) == (organisation.path, month)
                                                         else minutes) > 0]
    for ancestor_id, ancestor_path in db.session.execute(
            sa.select(Organisation.id, Organisation.path)
            .join(OrganisationAncestor, OrganisationAncestor.ancestor_id == Organisation.id)
            .where(OrganisationAncestor.organisation_id == organisation.id)):
        was = {m for path, m in before if path.startswith(ancestor_path)}
        is_ = {m for path, m in now if path.startswith(ancestor_path)}
        if (month in was) != (month in is_):
            add_to(ActiveCount, {"organisation_id": ancestor_id, "span": Span.MONTH, "month": month},
                   {"volunteers": 1 if month in is_ else -1})
        first_was, first_is = min(was, default=None), min(is_, default=None)
        for through in year:
            counted_was = first_was is not None and through >= first_was
            counted_is = first_is is not None and through >= first_is
            if counted_was != counted_is:
                add_to(ActiveCount, {"organisation_id": ancestor_id, "span": Span.YEAR_TO, "month": through},
                       {"volunteers": 1 if counted_is else -1})


def on_session_closed(session) -> None:
    """The first closed session of a station on a day makes it active that day (and counts the
    day in its month); the others find the row there (no lock: check-outs never wait here)."""
    # RETURNING says whether the row is new (an INSERT's rowcount is not reported by every driver)
    created = db.session.execute(insert(StationDay).values(
        station_id=session.station_id, served_on=session.served_on,
        organisation_id=session.station.organisation_id, approved_minutes=0)
        .on_conflict_do_nothing().returning(StationDay.station_id)).scalar()
    if created is not None:
        add_to(StationMonth, {"station_id": session.station_id, "month": session.served_on.replace(day=1)},
               {"active_days": 1}, {"organisation_id": session.station.organisation_id})


def on_registration_counted(volunteer, count: int) -> None:
    """A profile registered (1) or closed (-1): its registration day counts it, or no longer
    does, for its home and every organisation above (atomic increments: registrations at the
    start of an event queue only for the moment between this update and their commit); a closed
    one's years no longer count it among those who reached the yearly expectation."""
    day = local_date(volunteer.created_at)
    for ancestor_id in _above_home(volunteer):
        add_to(RegisteredDay, {"organisation_id": ancestor_id, "day": day}, {"volunteers": count})
    if count < 0 and _moving_counts():  # no longer among those who reached the expectation
        expected = current_app.config["YEARLY_EXPECTED_HOURS"] * 60
        for year in db.session.scalars(sa.select(VolunteerYear.year).where(
                VolunteerYear.volunteer_id == volunteer.id, VolunteerYear.minutes >= expected)):
            _count_reached(volunteer, year, -1)


def _above_home(volunteer) -> list[int]:
    """The volunteer's home organisation and every one above it."""
    return db.session.scalars(sa.select(OrganisationAncestor.ancestor_id).where(
        OrganisationAncestor.organisation_id == volunteer.organisation_id)).all()


def _count_reached(volunteer, year: int, step: int) -> None:
    day = local_date(volunteer.created_at)
    for ancestor_id in _above_home(volunteer):
        add_to(ReachedDay, {"organisation_id": ancestor_id, "year": year, "day": day}, {"volunteers": step})


def connect() -> None:
    signals.hours_counted.connect(on_hours_counted)
    signals.session_closed.connect(on_session_closed)
    signals.registration_counted.connect(on_registration_counted)
    signals.project_figures_requested.connect(project_person_times)
