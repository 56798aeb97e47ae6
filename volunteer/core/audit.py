"""The event log helper: every state change and admin action writes one row through here."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from volunteer.core import permissions
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


# How the event log page names actions; an action missing here is shown by its code.
ACTION_LABELS = {
    "organisation.created": _l("Organisation created"),
    "organisation.renamed": _l("Organisation renamed"),
    "membership.granted": _l("Role granted"),
    "membership.revoked": _l("Role removed"),
    "volunteer.registered": _l("Volunteer registered"),
    "volunteer.profile_updated": _l("Profile updated"),
    "user.password_changed": _l("Password changed"),
    "account.closed": _l("Account closed"),
    "station.created": _l("Station created"),
    "station.updated": _l("Station edited"),
    "station.lead_added": _l("Station lead added"),
    "station.lead_removed": _l("Station lead removed"),
    "station.code_reset": _l("Station code reset"),
    "session.auto_closed": _l("Session closed by the system"),
    "volunteer.card_replaced": _l("Volunteer card replaced"),
    "project.created": _l("Project created"),
    "project.updated": _l("Project edited"),
    "project.transition": _l("Project state changed"),
    "project.resource_added": _l("Resource recorded"),
    "project.evaluated": _l("Evaluation recorded"),
    "project.evaluation_updated": _l("Evaluation corrected"),
    "position.created": _l("Position added"),
    "application.created": _l("Application sent"),
    "application.accepted": _l("Application accepted"),
    "application.declined": _l("Application declined"),
    "application.withdrawn": _l("Application withdrawn"),
}

SUBJECT_LABELS = {
    "organisations": _l("Organisation"),
    "memberships": _l("Role"),
    "volunteers": _l("Volunteer"),
    "users": _l("Account"),
    "stations": _l("Station"),
    "projects": _l("Project"),
    "positions": _l("Position"),
    "applications": _l("Application"),
    "project_resources": _l("Resource"),
}


FIELD_LABELS = {
    "name": _l("Name"),
    "code": _l("Code"),
    "kind": _l("Kind"),
    "political_status": _l("Political status"),
    "school_or_employer": _l("School or employer"),
    "skills": _l("Skills"),
    "email_changed": _l("E-mail changed"),
    "volunteer_no": _l("Volunteer number"),
    "organisation": _l("Organisation"),
    "consent_version": _l("Privacy notice version"),
    "minor": _l("Minor"),
    "role": _l("Role"),
    "user_id": _l("Account"),
    "title": _l("Title"),
    "state": _l("State"),
    "description": _l("Description"),
    "category": _l("Category"),
    "level": _l("Level"),
    "starts_on": _l("Start date"),
    "ends_on": _l("End date"),
    "stations": _l("Stations"),
    "roster_required": _l("Roster"),
    "shift_minutes": _l("Shift length"),
    "min_attendance_percent": _l("Minimum attendance"),
    "target_volunteers": _l("Target volunteers"),
    "target_hours": _l("Target service hours"),
    "target_beneficiaries": _l("Target beneficiaries"),
    "capacity": _l("Places"),
    "position_id": _l("Position"),
    "volunteer_id": _l("Volunteer"),
    "amount": _l("Amount"),
    "unit": _l("Unit"),
    "status": _l("Status"),
    "rating": _l("Rating"),
    "beneficiaries_served": _l("People served"),
    "key_version": _l("Code version"),
}


def _value_label(field: str, value) -> str:
    from volunteer.accounts.models import POLITICAL_STATUSES, ROLES
    from volunteer.organisations.models import ORGANISATION_KINDS
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(_l("Yes") if value else _l("No"))
    from volunteer.projects.lifecycle import STATES
    from volunteer.projects.models import CATEGORIES, RESOURCE_KINDS, RESOURCE_STATUSES
    choices = {"role": ROLES, "kind": {**ORGANISATION_KINDS, **RESOURCE_KINDS},
               "political_status": POLITICAL_STATUSES, "state": STATES, "category": CATEGORIES,
               "status": RESOURCE_STATUSES}
    return str(choices.get(field, {}).get(value, value))


def describe_changes(event: Event) -> list[tuple[str, str | None, str]]:
    """(field label, value before or None, value after) for the event log page."""
    before, after = event.before or {}, event.after or {}
    rows = []
    for field in list(after) + [f for f in before if f not in after]:
        rows.append((str(FIELD_LABELS.get(field, field)),
                     _value_label(field, before[field]) if field in before else None,
                     _value_label(field, after.get(field))))
    return rows


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))


def subject_label(subject_type: str) -> str:
    return str(SUBJECT_LABELS.get(subject_type, subject_type))


def events_in_scope(user, action_prefix: str | None = None) -> sa.Select:
    """The log of the user's subtree, newest first, optionally for one kind of action."""
    stmt = (sa.select(Event)
            .where(permissions.in_scope(user, "event.view", Event.organisation_id))
            .order_by(Event.occurred_at.desc(), Event.id.desc()))
    if action_prefix:
        stmt = stmt.where(Event.action.startswith(action_prefix, autoescape=True))
    return stmt
