"""Who may look after and decide on which entries: the lead of the entry's station, or staff over
its project; nobody on their own hours."""
from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from volunteer.core import get_by_id, permissions
from volunteer.core.errors import Forbidden, NotFound
from volunteer.ledger.errors import OwnHours
from volunteer.ledger.models import LedgerEntry
from volunteer.projects.models import Project


def may_decide(user, entry: LedgerEntry) -> bool:
    """The lead of the entry's station, or staff over its project."""
    if entry.answered_by_lead and entry.station.is_led_by(user):
        return True
    return permissions.can(user, "project.manage", entry.project)


def ensure_may_decide(user, entry: LedgerEntry) -> None:
    if not may_decide(user, entry):
        permissions.ensure(user, "project.manage", entry.project)  # 404 outside the scope, else 403
    if entry.volunteer.user_id is not None and entry.volunteer.user_id == user.id:
        raise OwnHours()
    if entry.is_manual and entry.created_by_id == user.id:
        raise OwnHours(_l("A manual entry is approved by someone other than its author."))
    if entry.typed_by_id is not None and entry.typed_by_id == user.id:
        raise OwnHours(_l("A check-in by a typed volunteer number is approved by someone other than who typed it."))


def get_entry_for(user, entry_id) -> LedgerEntry:
    entry = get_by_id(LedgerEntry, entry_id)
    if entry is None:
        raise NotFound()
    if not may_decide(user, entry):
        permissions.ensure(user, "project.manage", entry.project)
    return entry


def entries_in_scope(user) -> sa.Select:
    """The entries a user may decide on or look after: their stations' and their projects'."""
    led = [s.id for s in getattr(user, "led_stations", [])]
    return (sa.select(LedgerEntry).join(LedgerEntry.project)
            .where(sa.or_(LedgerEntry.station_id.in_(led) if led else sa.false(),
                          permissions.in_scope(user, "project.manage", Project.organisation_id))))


def decides_somewhere(user) -> bool:
    """The queue and the ledger are for station leads and staff who manage projects."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(getattr(user, "led_stations", [])) or bool(permissions.scope_roots(user, "project.manage"))


def ensure_decides_somewhere(user) -> None:
    if not decides_somewhere(user):
        raise Forbidden()
