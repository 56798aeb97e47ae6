"""Reading the ledger: the staff ledger's filters, the queue's flags and counts, a volunteer's own
entries, and what a page of entries loads with it."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from volunteer.accounts.models import Volunteer
from volunteer.core import permissions
from volunteer.core.errors import FieldErrors
from volunteer.extensions import db
from volunteer.ledger.models import LedgerEntry
from volunteer.ledger.services.access import entries_in_scope
from volunteer.ledger.services.crediting import attends, credit_for, credit_rule, overdue_cutoff
from volunteer.ledger.services.waiting import waiting_under
from volunteer.ledger.vocabulary import EntrySource, EntryState, Flag
from volunteer.organisations.services import get_by_code
from volunteer.projects.models import Project
from volunteer.stations.models import Station

FILTER_KEYS = ("state", "source", "project_id", "station_id", "organisation", "volunteer", "served_from",
               "served_to", Flag.OVERDUE)


def parse_filters(raw) -> tuple[dict, FieldErrors]:
    """The staff ledger's filters from a query string: what is understood, and a message for each
    part that is not (then the page shows nothing rather than more than was asked)."""
    errors, filters = FieldErrors(), {}
    text = {key: (raw.get(key) or "").strip() for key in FILTER_KEYS}
    for key, allowed in (("state", EntryState.values()), ("source", EntrySource.values())):
        if text[key]:
            if text[key] in allowed:
                filters[key] = text[key]
            else:
                errors.add(key, _l("Please choose from the list."))
    for key in ("project_id", "station_id"):
        if text[key]:
            if text[key].isdigit() and len(text[key]) < 10:
                filters[key] = int(text[key])
            else:
                errors.add(key, _l("Please choose from the list."))
    for key in ("served_from", "served_to"):
        if text[key]:
            try:
                filters[key] = date.fromisoformat(text[key])
            except ValueError:
                errors.add(key, _l("Must be a date (YYYY-MM-DD)."))
    if filters.get("served_from") and filters.get("served_to") and filters["served_to"] < filters["served_from"]:
        errors.add("served_to", _l("The end date is before the start date."))
    if text["organisation"]:
        filters["organisation"] = text["organisation"].upper()[:40]
    if text["volunteer"]:
        filters["volunteer"] = text["volunteer"][:80]
    if text[Flag.OVERDUE] in ("1", "true", "on"):
        filters[Flag.OVERDUE] = True
    return filters, errors


def filter_entries(stmt: sa.Select, filters: dict, *, now: datetime) -> sa.Select:
    for key, column in (("state", LedgerEntry.state), ("source", LedgerEntry.source),
                        ("station_id", LedgerEntry.station_id), ("project_id", LedgerEntry.project_id),
                        ("volunteer_id", LedgerEntry.volunteer_id)):
        if filters.get(key) not in (None, ""):
            stmt = stmt.where(column == filters[key])
    if filters.get("served_from"):
        stmt = stmt.where(LedgerEntry.served_on >= filters["served_from"])
    if filters.get("served_to"):
        stmt = stmt.where(LedgerEntry.served_on <= filters["served_to"])
    if filters.get("organisation"):
        org = get_by_code(filters["organisation"])
        stmt = stmt.where(Project.organisation_id.in_(org.subtree_ids()) if org else sa.false())
    if filters.get("volunteer"):
        text = filters["volunteer"]
        stmt = stmt.where(LedgerEntry.volunteer_id.in_(sa.select(Volunteer.id).where(
            sa.or_(Volunteer.volunteer_no == text.upper(), Volunteer.name.contains(text, autoescape=True)))))
    if filters.get(Flag.OVERDUE):
        stmt = stmt.where(LedgerEntry.state == EntryState.PENDING, LedgerEntry.served_on <= overdue_cutoff(now=now))
    return stmt.order_by(LedgerEntry.served_on, LedgerEntry.id)


def staff_ledger(user, raw, *, now: datetime) -> tuple[dict, FieldErrors, sa.Select]:
    """The staff ledger: the user's entries under the query string's filters, newest first; with
    a filter that is not understood, no entries (rather than more than was asked)."""
    filters, errors = parse_filters(raw)
    stmt = filter_entries(entries_in_scope(user), filters, now=now)
    stmt = stmt.order_by(None).order_by(LedgerEntry.served_on.desc(), LedgerEntry.id.desc())
    return filters, errors, stmt.where(sa.false()) if errors.fields else stmt


def filter_choices(user) -> tuple[list, list]:
    """The projects and stations the user's entries belong to, for the filter's lists."""
    scoped = entries_in_scope(user)
    projects = db.session.scalars(scoped.with_only_columns(Project).distinct().order_by(Project.title).limit(500))
    stations = db.session.scalars(sa.select(Station).where(Station.id.in_(scoped.with_only_columns(
        LedgerEntry.station_id))).order_by(Station.name).limit(500))
    return projects.all(), stations.all()


def project_titles(project_ids) -> dict[int, str]:
    return dict(db.session.execute(sa.select(Project.id, Project.title).where(Project.id.in_(project_ids))).all())


def corrected_among(entry_ids) -> set[int]:
    """Which of these entries a later entry corrects."""
    return set(db.session.scalars(sa.select(LedgerEntry.corrects_id).where(LedgerEntry.corrects_id.in_(entry_ids))))


def with_details(stmt: sa.Select) -> sa.Select:
    """What a page of entries shows, loaded with the page rather than a query per row."""
    return stmt.options(sa.orm.joinedload(LedgerEntry.volunteer), sa.orm.joinedload(LedgerEntry.project),
                        sa.orm.joinedload(LedgerEntry.station), sa.orm.joinedload(LedgerEntry.decided_by),
                        sa.orm.selectinload(LedgerEntry.session))


def flags(entry: LedgerEntry, *, now: datetime) -> list[str]:
    return flags_for([entry], now=now)[entry.id]


def flags_for(entries: list[LedgerEntry], *, now: datetime) -> dict[int, list[str]]:
    """Why a lead should look twice at each entry of a page: closed by the system, outside the
    radius, below the minimum attendance, over the day's limit for a lead, older than the 10
    working days a record should take. One query for the days' credit of the whole page."""
    pending = [e for e in entries if e.is_pending]
    credited: dict[tuple[int, date], int] = {}
    if pending:
        rows = db.session.execute(
            sa.select(LedgerEntry.volunteer_id, LedgerEntry.served_on, sa.func.sum(LedgerEntry.credited_minutes))
            .where(LedgerEntry.volunteer_id.in_({e.volunteer_id for e in pending}),
                   LedgerEntry.served_on.in_({e.served_on for e in pending}),
                   LedgerEntry.counts_toward_hours)
            .group_by(LedgerEntry.volunteer_id, LedgerEntry.served_on))
        credited = {(volunteer_id, day): int(minutes or 0) for volunteer_id, day, minutes in rows}
    rule, cutoff, limit = credit_rule(), overdue_cutoff(now=now), current_app.config["DAILY_LEAD_LIMIT_MINUTES"]
    found: dict[int, list[str]] = {}
    for entry in entries:
        mine = found[entry.id] = []
        if entry.auto_closed:
            mine.append(Flag.AUTO_CLOSED)
        if entry.outside_radius:
            mine.append(Flag.OUTSIDE_RADIUS)
        if entry.typed_by_id is not None:
            mine.append(Flag.TYPED)
        if not entry.is_pending:
            continue
        if not attends(entry.minutes, entry.project, entry.attendance_minutes):
            mine.append(Flag.BELOW_MINIMUM)
        if credited.get((entry.volunteer_id, entry.served_on), 0) + credit_for(rule, entry, entry.minutes) > limit:
            mine.append(Flag.OVER_DAILY_LIMIT)
        if entry.served_on <= cutoff:
            mine.append(Flag.OVERDUE)
    return found


def waiting_counts(user, *, now: datetime) -> dict[str, int]:
    """Pending entries in the user's scope, and how many are past the 10 working days: the lead
    sees their stations', staff their organisation's subtree, so the organisation above sees
    the overdue entries of the ones below it too. Staff's from the counts kept of what waits;
    a lead's stations', outside that, from their entries."""
    cutoff = overdue_cutoff(now=now)
    roots = [o.id for o in permissions.scope_roots(user, "project.manage")]
    counted = waiting_under(roots, cutoff).values()  # the roots never overlap
    led = [s.id for s in getattr(user, "led_stations", [])]
    row = (0, 0)
    if led:
        row = db.session.execute(
            sa.select(sa.func.count(), sa.func.count().filter(LedgerEntry.served_on <= cutoff))
            .join(Project, Project.id == LedgerEntry.project_id)
            .where(LedgerEntry.state == EntryState.PENDING, LedgerEntry.station_id.in_(led),
                   ~permissions.in_scope(user, "project.manage", Project.organisation_id))).one()
    return {"pending": sum(c["entries"] for c in counted) + row[0],
            "overdue": sum(c["overdue_entries"] for c in counted) + row[1]}


def entries_of(volunteer_id: int) -> sa.Select:
    return (sa.select(LedgerEntry).where(LedgerEntry.volunteer_id == volunteer_id)
            .order_by(LedgerEntry.served_on.desc(), LedgerEntry.id.desc()))


