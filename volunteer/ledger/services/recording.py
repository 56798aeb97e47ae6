"""How entries come to be: the pending entry a check-out writes, and service recorded without a
scan (补录), which someone other than its author approves."""
from __future__ import annotations

from datetime import datetime, time

from flask_babel import lazy_gettext as _l

from volunteer.core import permissions
from volunteer.core.audit import record_event
from volunteer.core.errors import FieldErrors
from volunteer.core.images import clean_photo
from volunteer.core.time import local_date
from volunteer.extensions import db
from volunteer.ledger.errors import ProjectNotServing
from volunteer.ledger.models import LedgerEntry
from volunteer.ledger.services.crediting import MAX_MINUTES, clean_minutes
from volunteer.ledger.services.photos import keep_photo
from volunteer.ledger.services.totals import add_to_totals
from volunteer.ledger.services.waiting import count_waiting
from volunteer.ledger.vocabulary import EntrySource, EntryState, LedgerEvent
from volunteer.projects.services import may_serve


def record_session(session) -> LedgerEntry:
    """A closed session's pending entry: its exact minutes, or none at all when the system closed
    it (the lead decides what, if anything, it was worth)."""
    minutes = 0 if session.auto_closed else session.minutes
    entry = LedgerEntry(
        volunteer_id=session.volunteer_id, project_id=session.project_id, station_id=session.station_id,
        session_id=session.id, minutes=minutes, recorded_minutes=minutes, served_on=session.served_on,
        source=EntrySource.CHECKIN, state=EntryState.PENDING, auto_closed=session.auto_closed,
        outside_radius=session.outside_radius, typed_by_id=session.typed_by_id, created_at=session.checked_out_at)
    db.session.add(entry)
    add_to_totals(session.volunteer_id, session.project_id, session.served_on.year, pending=minutes)
    count_waiting(session.project.organisation_id, session.served_on, minutes, 1)
    return entry


def span_minutes(start: time, end: time) -> int:
    """From a start to an end on the clock; an end before the start is on the next day (a night
    shift), so 22:00 to 02:00 is four hours."""
    minutes = (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)
    return minutes if minutes >= 0 else minutes + 24 * 60


def record_manual(actor, project, volunteer, data: dict, *, now: datetime) -> LedgerEntry:
    """A manager records service done without a scan; someone else approves it."""
    permissions.ensure(actor, "project.manage", project)
    errors = FieldErrors()
    if volunteer is None or not volunteer.is_active:
        errors.add("volunteer_id", _l("Unknown volunteer."))
    elif not may_serve(project, volunteer):  # as at check-in: a roster project's service is its roster's
        errors.add("volunteer_id", _l("This project takes only the volunteers on its roster: accept their "
                                      "application for one of its positions first."))
    service_from, service_to = data.get("service_from"), data.get("service_to")
    if (service_from is None) != (service_to is None):
        errors.add("service_to" if service_to is None else "service_from",
                   _l("Give both the start and the end, or neither."))
    elif service_from is not None:
        data = {**data, "activity_minutes": span_minutes(service_from, service_to)}
        if data.get("minutes") in (None, ""):
            data["minutes"] = data["activity_minutes"]
    minutes = clean_minutes(errors, data.get("minutes"))
    activity_minutes = data.get("activity_minutes")
    if activity_minutes not in (None, ""):
        activity_minutes = clean_minutes(FieldErrors(), activity_minutes)
        if activity_minutes is None:
            errors.add("activity_minutes", _l("Must be between %(low)s and %(high)s.", low=0, high=MAX_MINUTES))
        elif minutes is not None and minutes > activity_minutes:
            errors.add("minutes", _l("Not more than the activity lasted (%(n)s minutes).", n=activity_minutes))
    else:
        activity_minutes = None
    served_on = data.get("served_on")
    today = local_date(now, project.zone)
    if served_on is None:
        errors.add("served_on", _l("Please give the date of the service."))
    elif served_on > today:
        errors.add("served_on", _l("The service cannot be in the future."))
    elif not project.runs_on(served_on):
        errors.add("served_on", _l("The project runs from %(start)s to %(end)s.", start=project.starts_on or "…",
                                   end=project.ends_on or "…"))
    reason = (data.get("reason") or "").strip()[:2000]
    if not reason:
        errors.add("reason", _l("Say why the service was not scanned."))
    activity = (data.get("activity") or "").strip()[:200] or project.title
    photo = clean_photo(errors, data.get("photo"))
    errors.raise_if_any()
    if not project.accepts_manual_entries():
        raise ProjectNotServing()
    entry = LedgerEntry(volunteer_id=volunteer.id, project_id=project.id, station_id=None, minutes=minutes,
                        recorded_minutes=minutes, served_on=served_on, source=EntrySource.MANUAL,
                        state=EntryState.PENDING, created_by_id=actor.id, activity=activity,
                        activity_minutes=activity_minutes, service_from=service_from, service_to=service_to,
                        reason=reason, created_at=now)
    db.session.add(entry)
    if photo is not None:
        db.session.flush()
        keep_photo(entry, photo, now=now)
    add_to_totals(volunteer.id, project.id, served_on.year, pending=minutes)
    count_waiting(project.organisation_id, served_on, minutes, 1)
    record_event(actor, LedgerEvent.MANUAL_RECORDED, entry,
                 after={"volunteer_id": volunteer.id, "minutes": minutes, "served_on": served_on.isoformat(),
                        "photo": photo is not None},
                 note=reason, now=now)
    return entry


