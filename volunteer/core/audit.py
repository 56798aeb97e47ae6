"""The event log helper: every state change and admin action writes one row through here."""
from __future__ import annotations

from datetime import datetime

from volunteer.core.models import Event
from volunteer.core.time import utcnow
from volunteer.extensions import db


def record_event(actor, action: str, subject, *, organisation=None, before: dict | None = None,
                 after: dict | None = None, note: str | None = None,
                 now: datetime | None = None) -> Event:
    """Add an event row for ``actor`` (a user, or None for the system) doing ``action`` to
    ``subject``. Flushes so the subject has an id; never commits."""
    if subject.id is None:
        db.session.flush()
    if organisation is None:
        organisation = getattr(subject, "scope_organisation", None)
    event = Event(
        occurred_at=now or utcnow(),
        actor_id=getattr(actor, "id", None),
        action=action,
        subject_type=subject.__tablename__,
        subject_id=subject.id,
        organisation_id=organisation.id if organisation is not None else None,
        before=before,
        after=after,
        note=note,
    )
    db.session.add(event)
    return event


def changes(obj, fields: list[str], new_values: dict) -> tuple[dict, dict]:
    """The before/after pair for the fields whose value actually changes."""
    before, after = {}, {}
    for name in fields:
        if name in new_values and getattr(obj, name) != new_values[name]:
            before[name] = getattr(obj, name)
            after[name] = new_values[name]
    return before, after
