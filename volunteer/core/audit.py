"""The event log: every state change and admin action writes one row through here; each domain
describes its actions, records and fields (``Glossary``) so the log page can name them."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from volunteer.core import permissions
from volunteer.core.models import Event
from volunteer.core.vocabulary import Vocabulary
from volunteer.extensions import db


def record_event(actor, action: str, subject, *, organisation=None, before: dict | None = None,
                 after: dict | None = None, note: str | None = None,
                 now: datetime) -> Event:
    """Add an event row for ``actor`` (a user, or None for the system) doing ``action`` to
    ``subject``. Flushes so the subject has an id; never commits."""
    if subject.id is None:
        db.session.flush()
    if organisation is None:
        organisation = getattr(subject, "scope_organisation", None)
    event = Event(
        occurred_at=now,
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


@dataclass(frozen=True)
class Glossary:
    """How the event log names a domain's things: its actions, the records it owns (by table),
    the fields its events record, and, per record, the vocabulary a field takes its values from."""

    actions: type[Vocabulary]
    subjects: dict[str, object] = field(default_factory=dict)
    fields: dict[str, object] = field(default_factory=dict)
    values: dict[str, dict[str, type[Vocabulary]]] = field(default_factory=dict)


_GLOSSARIES: list[Glossary] = []
_FIELD_LABELS = {"title": _l("Title"), "state": _l("State"), "status": _l("Status")}


def describe(glossary: Glossary) -> None:
    """A domain tells the log its words (once, when the app is made)."""
    if glossary not in _GLOSSARIES:
        _GLOSSARIES.append(glossary)
        _FIELD_LABELS.update(glossary.fields)


def _glossary_of(subject_type: str) -> Glossary | None:
    return next((g for g in _GLOSSARIES if subject_type in g.subjects), None)


def _value_label(subject_type: str, name: str, value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(_l("Yes") if value else _l("No"))
    glossary = _glossary_of(subject_type)
    vocabulary = glossary.values.get(subject_type, {}).get(name) if glossary else None
    return vocabulary.label_of(value) if vocabulary and isinstance(value, str) else str(value)


def describe_changes(event: Event) -> list[tuple[str, str | None, str]]:
    """(field label, value before or None, value after) for the event log page."""
    before, after = event.before or {}, event.after or {}
    rows = []
    for name in list(after) + [f for f in before if f not in after]:
        rows.append((str(_FIELD_LABELS.get(name, name)),
                     _value_label(event.subject_type, name, before[name]) if name in before else None,
                     _value_label(event.subject_type, name, after.get(name))))
    return rows


def action_label(action: str) -> str:
    for glossary in _GLOSSARIES:
        if action in glossary.actions.values():
            return glossary.actions(action).label
    return action


def subject_label(subject_type: str) -> str:
    glossary = _glossary_of(subject_type)
    return str(glossary.subjects[subject_type]) if glossary else subject_type


def actions() -> list[tuple[str, str]]:
    """Every action the log knows, for its filter."""
    return sorted((member.value, member.label) for glossary in _GLOSSARIES for member in glossary.actions)


def events_in_scope(user, action_prefix: str | None = None) -> sa.Select:
    """The log of the user's subtree, newest first, optionally for one kind of action."""
    stmt = (sa.select(Event)
            .where(permissions.in_scope(user, "event.view", Event.organisation_id))
            .order_by(Event.occurred_at.desc(), Event.id.desc()))
    if action_prefix:
        stmt = stmt.where(Event.action.startswith(action_prefix, autoescape=True))
    return stmt
