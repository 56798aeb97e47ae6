"""Ledger use cases. For now: the pending entry each closed session writes."""
from __future__ import annotations

from volunteer.extensions import db
from volunteer.ledger.models import LedgerEntry


def record_session(session) -> LedgerEntry:
    """A closed session's pending entry: its exact minutes, or none at all when the system closed
    it (the lead decides what, if anything, it was worth)."""
    entry = LedgerEntry(
        volunteer_id=session.volunteer_id, project_id=session.project_id, station_id=session.station_id,
        session_id=session.id, minutes=0 if session.auto_closed else session.minutes,
        served_on=session.served_on, source="checkin", state="pending",
        auto_closed=session.auto_closed, outside_radius=session.outside_radius,
        created_at=session.checked_out_at)
    db.session.add(entry)
    return entry
