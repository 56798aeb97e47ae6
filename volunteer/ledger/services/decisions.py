"""Deciding on entries: approve (adjusting with a reason) or reject, one decision standing when
two are made at once; corrections as new entries; approving a batch; the daily limits."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from volunteer.accounts.models import Volunteer
from volunteer.core import flush_unique, permissions, signals
from volunteer.core.audit import record_event
from volunteer.core.errors import Conflict, FieldErrors, Forbidden, NotFound
from volunteer.extensions import db
from volunteer.ledger import rules
from volunteer.ledger.errors import AlreadyCorrected, EntryDecided, NeedsHigherApproval, NotDecided, OwnHours
from volunteer.ledger.models import LedgerEntry
from volunteer.ledger.services.access import ensure_may_decide, get_entry_for
from volunteer.ledger.services.crediting import (
    cap_minutes,
    clean_minutes,
    credit_for,
    credit_rule,
    day_credited,
    origin_of,
)
from volunteer.ledger.services.disputes import resolve_disputes
from volunteer.ledger.services.totals import add_to_totals
from volunteer.ledger.services.waiting import count_waiting
from volunteer.ledger.vocabulary import ApprovalLevel, Decision, EntrySource, EntryState, LedgerEvent, Resolution


def hold_volunteer(volunteer_id: int) -> None:
    """Decisions on one volunteer's hours one at a time, so the daily limit counts what another
    decision just committed (and check-ins, which lock the same row first, wait their turn)."""
    # On SQLite the transaction holds the database's write lock already (core.database).
    db.session.execute(sa.select(Volunteer.id).where(Volunteer.id == volunteer_id).with_for_update(key_share=True))


def ensure_daily_limit(user, entry: LedgerEntry, credited: int, *, excluding: int | None = None) -> None:
    """Up to 8 h a day the lead approves; up to 12 h an admin of the organisation above; beyond,
    an admin of the top organisation."""
    config = current_app.config
    total = day_credited(entry.volunteer_id, entry.served_on, excluding=excluding) + credited
    level = rules.approval_level(total, config["DAILY_LEAD_LIMIT_MINUTES"], config["DAILY_PARENT_LIMIT_MINUTES"])
    if level == ApprovalLevel.LEAD:
        return
    home = entry.project.organisation
    if level == ApprovalLevel.PARENT_ADMIN:
        above = home.parent or home
        if not permissions.can(user, "organisation.manage", above):
            raise NeedsHigherApproval(_l("More than %(h)s hours on one day need an admin of %(org)s.",
                                         h=config["DAILY_LEAD_LIMIT_MINUTES"] // 60, org=above.name))
        return
    top = home
    while top.parent is not None:
        top = top.parent
    if not permissions.can(user, "organisation.manage", top):
        raise NeedsHigherApproval(_l("More than %(h)s hours on one day need an admin of %(org)s.",
                                     h=config["DAILY_PARENT_LIMIT_MINUTES"] // 60, org=top.name))


def decide(actor, entry: LedgerEntry, decision: str, *, minutes=None, reason: str | None = None,
           now: datetime) -> LedgerEntry:
    """Approve (possibly with adjusted minutes, then with a reason) or reject (with a reason) a
    pending entry. Two people deciding at once: one decision stands, the other gets 409."""
    ensure_may_decide(actor, entry)
    reason = (reason or "").strip()[:2000] or None
    errors = FieldErrors()
    if decision not in Decision.values():
        errors.add("decision", _l("Choose approve or reject."))
    approve = decision == Decision.APPROVE
    final = entry.minutes if minutes in (None, "") else clean_minutes(errors, minutes)
    if approve and final is not None and final != entry.minutes:
        cap_minutes(errors, entry, final)
        if not reason:
            errors.add("reason", _l("Say why the minutes were adjusted."))
    if decision == Decision.REJECT and not reason:
        errors.add("reason", _l("Say why the entry is rejected."))
    errors.raise_if_any()
    hold_volunteer(entry.volunteer_id)
    if not entry.is_pending:
        raise EntryDecided()
    rule = credit_rule()
    credited = credit_for(rule, entry, final) if approve else None
    if approve:
        ensure_daily_limit(actor, entry, credited)
    state = EntryState.APPROVED if approve else EntryState.REJECTED
    done = db.session.execute(
        sa.update(LedgerEntry).where(LedgerEntry.id == entry.id, LedgerEntry.state == EntryState.PENDING)
        .values(state=state, minutes=final if approve else entry.minutes, credited_minutes=credited,
                rule_version=rule.version if credited is not None else None, decided_by_id=actor.id,
                decided_at=now, reason=reason)
        .execution_options(synchronize_session=False)).rowcount
    if done != 1:
        raise EntryDecided()
    add_to_totals(entry.volunteer_id, entry.project_id, entry.served_on.year, approved=credited or 0,
                  pending=-entry.minutes)
    count_waiting(entry.project.organisation_id, entry.served_on, entry.minutes, -1)
    db.session.refresh(entry)
    if credited:
        signals.hours_counted.send(entry, minutes=credited)
    resolve_disputes(entry, actor, Resolution.DECIDED, reason, now)
    record_event(actor, LedgerEvent.APPROVED if approve else LedgerEvent.REJECTED, entry,
                 after={"minutes": entry.minutes, "credited": credited, "volunteer_id": entry.volunteer_id},
                 note=reason, now=now)
    return entry


def may_correct(user, entry: LedgerEntry) -> bool:
    try:
        ensure_may_correct(user, entry)
    except (Forbidden, NotFound):
        return False
    return True


def ensure_may_correct(actor, entry: LedgerEntry) -> None:
    # Corrections are staff's (API.md): a lead answers a dispute by a decision or keeps the entry.
    ensure_may_decide(actor, entry)
    if not permissions.can(actor, "project.manage", entry.project):
        raise Forbidden(_l("A correction is made by the project's staff."))
    origin = origin_of(entry)
    if origin.is_manual and origin.created_by_id == actor.id:
        raise OwnHours(_l("A manual entry is approved by someone other than its author."))


def correct(actor, entry: LedgerEntry, minutes, reason: str | None, *, now: datetime) -> LedgerEntry:
    """A new entry that corrects a decided one (an approved entry's newest figure, or a rejected
    entry found worth something after all); the original stays as it was, and the totals follow."""
    ensure_may_correct(actor, entry)
    errors = FieldErrors()
    minutes = clean_minutes(errors, minutes)
    cap_minutes(errors, entry, minutes)
    reason = (reason or "").strip()[:2000] or None
    if not reason:
        errors.add("reason", _l("Say why the entry is corrected."))
    errors.raise_if_any()
    hold_volunteer(entry.volunteer_id)
    if entry.is_pending:
        raise NotDecided()
    rule = credit_rule()
    credited = credit_for(rule, entry, minutes)
    ensure_daily_limit(actor, entry, credited, excluding=entry.id)
    correction = LedgerEntry(
        volunteer_id=entry.volunteer_id, project_id=entry.project_id, station_id=entry.station_id,
        minutes=minutes, recorded_minutes=minutes, credited_minutes=credited, rule_version=rule.version,
        served_on=entry.served_on, source=EntrySource.CORRECTION, state=EntryState.APPROVED, corrects_id=entry.id,
        created_by_id=actor.id, decided_by_id=actor.id, decided_at=now, reason=reason, created_at=now)
    db.session.add(correction)
    flush_unique(AlreadyCorrected())
    # A rejected entry counted nothing; an approved one counted its credit until now.
    counted_before = (entry.credited_minutes or 0) if entry.state == EntryState.APPROVED else 0
    add_to_totals(entry.volunteer_id, entry.project_id, entry.served_on.year, approved=credited - counted_before)
    if credited != counted_before:
        signals.hours_counted.send(correction, minutes=credited - counted_before)
    resolve_disputes(entry, actor, Resolution.CORRECTED, reason, now)
    signals.entry_corrected.send(correction, entry=entry)
    record_event(actor, LedgerEvent.CORRECTED, correction, before={"entry": entry.id, "minutes": entry.minutes},
                 after={"minutes": minutes, "credited": credited}, note=reason, now=now)
    return correction


def approve_many(actor, entry_ids: list[int], *, now: datetime) -> tuple[int, list[str]]:
    """Approve each entry as recorded, each on its own: one refused (own hours, the daily limit,
    decided meanwhile) leaves the others approved. Returns how many, and why the rest were not."""
    approved, problems = 0, []
    # One volunteer after another in a fixed order, so two batches do not hold each other's
    # volunteers; the reports' counters shared by a subtree can still tie two writers in a ring,
    # which PostgreSQL breaks by undoing one: its view runs again (core.database.retried).
    found = {e.id: e for e in db.session.scalars(sa.select(LedgerEntry).where(LedgerEntry.id.in_(entry_ids)))}
    order = sorted(entry_ids, key=lambda i: (found[i].volunteer_id, i) if i in found else (0, i))
    for entry_id in order:
        try:
            entry = get_entry_for(actor, entry_id)
            hold_volunteer(entry.volunteer_id)
            with db.session.begin_nested():
                decide(actor, entry, Decision.APPROVE, now=now)
            approved += 1
        except (Conflict, Forbidden, NotFound) as exc:
            problems.append(f"#{entry_id}: {exc.message}")
    return approved, problems


