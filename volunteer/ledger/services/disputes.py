"""Disputes: a volunteer objects to one of their entries with a note; the lead answers by a
decision, a correction, or keeping the entry with a reason, and the volunteer sees the answer."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from volunteer.core import flush_unique, get_by_id
from volunteer.core.audit import record_event
from volunteer.core.errors import NotFound, ValidationFailed
from volunteer.extensions import db
from volunteer.ledger.errors import AlreadyDisputed, DisputeResolved
from volunteer.ledger.models import Dispute, LedgerEntry
from volunteer.ledger.services.access import ensure_may_decide, entries_in_scope, get_entry_for
from volunteer.ledger.services.crediting import newest_figure
from volunteer.ledger.vocabulary import DisputeState, LedgerEvent, Resolution


def open_dispute(user, entry_id, note: str | None, *, now: datetime) -> Dispute:
    """A volunteer objects to one of their own entries; it goes back to the lead's queue."""
    volunteer = getattr(user, "volunteer", None)
    entry = get_by_id(LedgerEntry, entry_id)
    if volunteer is None or entry is None or entry.volunteer_id != volunteer.id:
        raise NotFound()
    entry = newest_figure(entry)  # a corrected entry is answered by correcting its newest figure
    note = (note or "").strip()[:2000]
    if not note:
        raise ValidationFailed(fields={"note": [_l("Say what is wrong with this entry.")]})
    dispute = Dispute(entry_id=entry.id, volunteer_id=volunteer.id, note=note, state=DisputeState.OPEN,
                      created_at=now)
    db.session.add(dispute)
    flush_unique(AlreadyDisputed())
    record_event(user, LedgerEvent.DISPUTED, entry, note=note, now=now)
    return dispute


def uphold(actor, dispute: Dispute, note: str | None, *, now: datetime) -> Dispute:
    """The lead keeps the entry as it is, and says why."""
    ensure_may_decide(actor, dispute.entry)
    note = (note or "").strip()[:2000]
    if not note:
        raise ValidationFailed(fields={"reason": [_l("Say why the entry stays as it is.")]})
    if not dispute.is_open:
        raise DisputeResolved()
    resolve_disputes(dispute.entry, actor, Resolution.UPHELD, note, now)
    record_event(actor, LedgerEvent.DISPUTE_UPHELD, dispute.entry, note=note, now=now)
    return dispute


def resolve_disputes(entry: LedgerEntry, actor, resolution: Resolution, note: str | None, now: datetime) -> None:
    """The entry's open dispute (if any) is answered, the way the entry was: the volunteer sees how."""
    db.session.execute(
        sa.update(Dispute).where(Dispute.entry_id == entry.id, Dispute.state == DisputeState.OPEN)
        .values(state=DisputeState.RESOLVED, resolution=resolution, resolution_note=note, resolved_by_id=actor.id,
                resolved_at=now).execution_options(synchronize_session="fetch"))


def disputes_in_scope(user) -> sa.Select:
    scoped = entries_in_scope(user).with_only_columns(LedgerEntry.id)
    return (sa.select(Dispute).where(Dispute.state == DisputeState.OPEN, Dispute.entry_id.in_(scoped))
            .order_by(Dispute.created_at, Dispute.id))


def get_dispute_for(user, dispute_id) -> Dispute:
    dispute = get_by_id(Dispute, dispute_id)
    if dispute is None:
        raise NotFound()
    get_entry_for(user, dispute.entry_id)
    return dispute


def disputes_of(volunteer_id: int, entry_ids: list[int]) -> dict[int, list[Dispute]]:
    """These entries' disputes, newest first, for the volunteer's own page."""
    found: dict[int, list[Dispute]] = {}
    for dispute in db.session.scalars(sa.select(Dispute).where(Dispute.volunteer_id == volunteer_id,
                                                               Dispute.entry_id.in_(entry_ids))
                                      .order_by(Dispute.id.desc())):
        found.setdefault(dispute.entry_id, []).append(dispute)
    return found


