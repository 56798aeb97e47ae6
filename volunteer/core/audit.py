"""The event log: every state change and admin action writes one row through here; each domain
describes its actions, records and fields (``Glossary``) so the log page can name them."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from volunteer.core import permissions, signals
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
    signals.event_recorded.send(event, subject=subject)
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
    """How the event log names a domain's things: its name (the log's filter), its actions and
    the verb each is said with ("approved" in "李强 approved 张晓青's 2.5 h"), the records it
    owns (by table), the fields its events record, per record the vocabulary a field takes its
    values from, the fields that hold another record's id (``references``: field → table, shown
    as that record's name), those counted in minutes, and those not worth showing (``hidden``)."""

    actions: type[Vocabulary]
    name: object = None
    verbs: dict[str, object] = field(default_factory=dict)
    subjects: dict[str, object] = field(default_factory=dict)
    fields: dict[str, object] = field(default_factory=dict)
    values: dict[str, dict[str, type[Vocabulary]]] = field(default_factory=dict)
    references: dict[str, str] = field(default_factory=dict)
    minutes: frozenset[str] = frozenset()
    hidden: frozenset[str] = frozenset()
    alone: frozenset[str] = frozenset()  # actions whose verb says it all ("exported the hours ledger")

    @property
    def key(self) -> str:
        """The domain's filter value: its package's name (``volunteer.ledger`` → ``ledger``)."""
        return self.actions.__module__.split(".")[1]


_GLOSSARIES: list[Glossary] = []
_FIELD_LABELS = {"title": _l("Title"), "state": _l("State"), "status": _l("Status")}


def describe(glossary: Glossary) -> None:
    """A domain tells the log its words (once, when the app is made)."""
    if glossary not in _GLOSSARIES:
        _GLOSSARIES.append(glossary)
        _FIELD_LABELS.update(glossary.fields)


def _glossary_of(subject_type: str) -> Glossary | None:
    return next((g for g in _GLOSSARIES if subject_type in g.subjects), None)


def _glossary_of_action(action: str) -> Glossary | None:
    return next((g for g in _GLOSSARIES if action in g.actions.values()), None)


def _value_label(subject_type: str, name: str, value, names: dict, glossary: Glossary | None) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(_l("Yes") if value else _l("No"))
    if glossary is not None and name in glossary.references:
        return names.get((glossary.references[name], value), "—")
    if glossary is not None and name in glossary.minutes and isinstance(value, int):
        return str(_l("%(n)s min", n=value))
    own = _glossary_of(subject_type)
    for candidate in (own, glossary):
        vocabulary = candidate.values.get(subject_type, {}).get(name) if candidate else None
        if vocabulary and isinstance(value, str) and value in vocabulary.values():
            return vocabulary.label_of(value)
    return str(value)


def references_of(event: Event) -> list[tuple[str, int]]:
    """The records an event's fields point to, (table, id), for the page to name them at once."""
    glossary = _glossary_of_action(event.action) or _glossary_of(event.subject_type)
    if glossary is None:
        return []
    found = []
    for values in (event.before or {}, event.after or {}):
        for name, value in values.items():
            if name in glossary.references and isinstance(value, int):
                found.append((glossary.references[name], value))
    return found


def describe_changes(event: Event, names: dict | None = None) -> list[tuple[str, str | None, str]]:
    """(field label, value before or None, value after) for the event log page; the records the
    fields point to by their names (``names``: (table, id) → name)."""
    glossary = _glossary_of_action(event.action) or _glossary_of(event.subject_type)
    hidden = glossary.hidden if glossary else frozenset()
    before, after = event.before or {}, event.after or {}
    rows = []
    for name in list(after) + [f for f in before if f not in after]:
        if name in hidden:
            continue
        rows.append((str(_FIELD_LABELS.get(name, name)),
                     _value_label(event.subject_type, name, before[name], names or {}, glossary)
                     if name in before else None,
                     _value_label(event.subject_type, name, after.get(name), names or {}, glossary)))
    return rows


def verb_of(action: str) -> str:
    """How a sentence of the log says the action: its verb, else its label."""
    glossary = _glossary_of_action(action)
    if glossary is None:
        return action
    return str(glossary.verbs.get(action) or glossary.actions(action).label)


def stands_alone(action: str) -> bool:
    """The sentence names no record after the verb (the record is the actor's own account)."""
    glossary = _glossary_of_action(action)
    return glossary is not None and action in glossary.alone


def domains() -> list[tuple[str, str]]:
    """(key, name) of every domain the log knows, for its filter."""
    return [(g.key, str(g.name or g.actions.__name__)) for g in _GLOSSARIES]


def action_label(action: str) -> str:
    for glossary in _GLOSSARIES:
        if action in glossary.actions.values():
            return glossary.actions(action).label
    return action


def subject_label(subject_type: str) -> str:
    glossary = _glossary_of(subject_type)
    return str(glossary.subjects[subject_type]) if glossary else subject_type


def actions(domain: str | None = None) -> list[tuple[str, str]]:
    """Every action the log knows (of one domain), for its filter."""
    return sorted((member.value, member.label) for glossary in _GLOSSARIES for member in glossary.actions
                  if domain is None or glossary.key == domain)


def events_in_scope(user, action: str | None = None, domain: str | None = None) -> sa.Select:
    """The log of the user's subtree, newest first, optionally of one domain or one action."""
    stmt = (sa.select(Event)
            .where(permissions.in_scope(user, "event.view", Event.organisation_id))
            .options(sa.orm.joinedload(Event.actor), sa.orm.joinedload(Event.organisation))
            .order_by(Event.occurred_at.desc(), Event.id.desc()))
    if action:
        stmt = stmt.where(Event.action == action)
    elif domain:
        codes = [code for code, _label in actions(domain)]
        stmt = stmt.where(Event.action.in_(codes or [""]))
    return stmt
