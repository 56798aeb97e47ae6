"""The rollups follow the ledger and check-in as they change, in the same transaction: what the
ledger says now counts toward a volunteer's hours (``signals.hours_counted``), and which station
had a closed session on a day (``signals.session_closed``).

Two changes of one volunteer's hours never race: decisions and corrections hold the volunteer's
row (ledger.services.decisions.hold_volunteer), so the person-day read here is the last word."""
from __future__ import annotations

import sqlalchemy as sa

from volunteer.core import signals
from volunteer.core.database import add_to, insert
from volunteer.extensions import db
from volunteer.reports.models import PersonDay, ProjectDay, StationDay, VolunteerMonth


def on_hours_counted(entry, minutes: int) -> None:
    if not minutes:
        return
    project, day = entry.project, entry.served_on
    key = {"volunteer_id": entry.volunteer_id, "project_id": project.id, "served_on": day}
    before = db.session.scalar(sa.select(PersonDay.minutes).filter_by(**key)) or 0
    add_to(PersonDay, key, {"minutes": minutes}, {"organisation_id": project.organisation_id})
    became = int(before + minutes > 0) - int(before > 0)  # a person-time begins, or ends
    add_to(ProjectDay, {"project_id": project.id, "served_on": day},
           {"checkin_minutes" if entry.from_checkin else "manual_minutes": minutes, "person_times": became},
           {"organisation_id": project.organisation_id})
    add_to(VolunteerMonth, {"volunteer_id": entry.volunteer_id, "organisation_id": project.organisation_id,
                            "month": day.replace(day=1)},
           {"minutes": minutes}, {"home_organisation_id": entry.volunteer.organisation_id})
    if entry.station_id is not None:
        add_to(StationDay, {"station_id": entry.station_id, "served_on": day}, {"approved_minutes": minutes},
               {"organisation_id": entry.station.organisation_id})


def on_session_closed(session) -> None:
    """The first closed session of a station on a day makes it active that day; the others find
    the row there (and no lock is taken: check-outs never wait on each other here)."""
    db.session.execute(insert(StationDay).values(
        station_id=session.station_id, served_on=session.served_on,
        organisation_id=session.station.organisation_id, approved_minutes=0).on_conflict_do_nothing())


def connect() -> None:
    signals.hours_counted.connect(on_hours_counted)
    signals.session_closed.connect(on_session_closed)
