"""Ledger use cases: the pending entry a check-out writes, decisions, corrections, the totals kept
beside the entries, and their verification.

Totals are changed by upserts in the same transaction as the entry they follow (``_add``), so they
are right after every commit and under concurrent decisions; ``verify`` recomputes them."""
from __future__ import annotations

import math
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from volunteer.accounts.models import Volunteer
from volunteer.core import flush_unique, get_by_id, permissions, signals
from volunteer.core.audit import record_event
from volunteer.core.database import insert
from volunteer.core.errors import Conflict, FieldErrors, Forbidden, NotFound, ValidationFailed
from volunteer.core.time import DEFAULT_ZONE, local_date, utcnow
from volunteer.extensions import db
from volunteer.ledger import rules
from volunteer.ledger.models import Dispute, LedgerEntry, LedgerTotal
from volunteer.organisations.models import Organisation
from volunteer.projects.models import Project
from volunteer.stations.models import Station

MAX_MINUTES = 24 * 60
MANUAL_ENTRY_STATES = ("running", "suspended", "evaluating")
OVERDUE_WORKING_DAYS = 10  # a service is recorded within 10 working days of its end


def credit_rule() -> rules.CreditRule:
    return rules.CreditRule(**current_app.config["CREDIT_RULE"])


def shift_of(entry: LedgerEntry) -> int | None:
    """The length the minimum attendance is measured against: a manual entry's activity, or the
    project's shift."""
    return entry.activity_minutes or entry.project.shift_minutes


def credit_for(rule: rules.CreditRule, entry: LedgerEntry, minutes: int) -> int:
    """The rounded credit, or nothing below the project's minimum attendance."""
    if not rules.meets_minimum(minutes, shift_of(entry), entry.project.min_attendance_percent):
        return 0
    return rule.credit(minutes)


def _add(volunteer_id: int, project_id: int, year: int, *, approved: int = 0, pending: int = 0) -> None:
    """Move a volunteer's totals by these amounts, atomically: an UPDATE of the row, or an upsert
    when there is none yet (an INSERT may not carry a negative amount, even one that would only
    reach an existing row)."""
    if not approved and not pending:
        return
    key = (LedgerTotal.volunteer_id == volunteer_id, LedgerTotal.project_id == project_id, LedgerTotal.year == year)
    moved = db.session.execute(
        sa.update(LedgerTotal).where(*key)
        .values(approved_minutes=LedgerTotal.approved_minutes + approved,
                pending_minutes=LedgerTotal.pending_minutes + pending)
        .execution_options(synchronize_session=False)).rowcount
    if moved:
        return
    stmt = insert(LedgerTotal).values(volunteer_id=volunteer_id, project_id=project_id, year=year,
                                               approved_minutes=approved, pending_minutes=pending)
    db.session.execute(stmt.on_conflict_do_update(
        index_elements=["volunteer_id", "project_id", "year"],
        set_={"approved_minutes": LedgerTotal.approved_minutes + stmt.excluded.approved_minutes,
              "pending_minutes": LedgerTotal.pending_minutes + stmt.excluded.pending_minutes}))


def record_session(session) -> LedgerEntry:
    """A closed session's pending entry: its exact minutes, or none at all when the system closed
    it (the lead decides what, if anything, it was worth)."""
    minutes = 0 if session.auto_closed else session.minutes
    entry = LedgerEntry(
        volunteer_id=session.volunteer_id, project_id=session.project_id, station_id=session.station_id,
        session_id=session.id, minutes=minutes, recorded_minutes=minutes, served_on=session.served_on,
        source="checkin", state="pending", auto_closed=session.auto_closed, outside_radius=session.outside_radius,
        created_at=session.checked_out_at)
    db.session.add(entry)
    _add(session.volunteer_id, session.project_id, session.served_on.year, pending=minutes)
    return entry


# --- deciding -----------------------------------------------------------------------------------

class AlreadyDecided(Conflict):
    code = "already_decided"
    default_message = _l("Someone has already decided on this entry. Reload to see the decision.")


class OwnHours(Forbidden):
    code = "own_hours"
    default_message = _l("Nobody decides on their own hours.")


class NeedsHigherApproval(Forbidden):
    code = "needs_higher_approval"


def may_decide(user, entry: LedgerEntry) -> bool:
    """The lead of the entry's station, or staff over its project."""
    if entry.station is not None and entry.station in getattr(user, "led_stations", []):
        return True
    return permissions.can(user, "project.manage", entry.project)


def _ensure_may_decide(user, entry: LedgerEntry) -> None:
    if not may_decide(user, entry):
        permissions.ensure(user, "project.manage", entry.project)  # 404 outside the scope, else 403
    if entry.volunteer.user_id is not None and entry.volunteer.user_id == user.id:
        raise OwnHours()
    if entry.source == "manual" and entry.created_by_id == user.id:
        raise OwnHours(_l("A manual entry is approved by someone other than its author."))


def is_corrected():
    """A later entry corrects this one (a lookup on the unique index of corrects_id)."""
    later = sa.orm.aliased(LedgerEntry)
    return sa.exists().where(later.corrects_id == LedgerEntry.id)


def day_credited(volunteer_id: int, served_on, *, excluding: int | None = None) -> int:
    """Minutes already credited to the volunteer for that day (newest figures of each entry)."""
    stmt = (sa.select(sa.func.coalesce(sa.func.sum(LedgerEntry.credited_minutes), 0))
            .where(LedgerEntry.volunteer_id == volunteer_id, LedgerEntry.served_on == served_on,
                   LedgerEntry.state == "approved", ~is_corrected()))
    if excluding is not None:
        stmt = stmt.where(LedgerEntry.id != excluding)
    return db.session.scalar(stmt)


def _ensure_daily_limit(user, entry: LedgerEntry, credited: int, *, excluding: int | None = None) -> None:
    """Up to 8 h a day the lead approves; up to 12 h an admin of the organisation above; beyond,
    an admin of the top organisation."""
    config = current_app.config
    total = day_credited(entry.volunteer_id, entry.served_on, excluding=excluding) + credited
    level = rules.approval_level(total, config["DAILY_LEAD_LIMIT_MINUTES"], config["DAILY_PARENT_LIMIT_MINUTES"])
    if level == rules.LEAD:
        return
    home = entry.project.organisation
    if level == rules.PARENT_ADMIN:
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


def hold_volunteer(volunteer_id: int) -> None:
    """Decisions on one volunteer's hours one at a time, so the daily limit counts what another
    decision just committed (and check-ins, which lock the same row first, wait their turn)."""
    # On SQLite the transaction holds the database's write lock already (core.database).
    db.session.execute(sa.select(Volunteer.id).where(Volunteer.id == volunteer_id).with_for_update(key_share=True))


def origin_of(entry: LedgerEntry) -> LedgerEntry:
    """The first entry of a correction chain: the session's or the manual entry."""
    while entry.corrects_id is not None:
        entry = db.session.get(LedgerEntry, entry.corrects_id)
    return entry


def newest_figure(entry: LedgerEntry) -> LedgerEntry:
    while (later := db.session.scalar(sa.select(LedgerEntry).where(LedgerEntry.corrects_id == entry.id))) is not None:
        entry = later
    return entry


def max_minutes(entry: LedgerEntry) -> int:
    """Nobody credits more than was recorded: a manual entry's activity, a session's span from
    check-in to check-out (the system's, for one it closed). Beyond that is a new manual entry."""
    origin = origin_of(entry)
    if origin.activity_minutes is not None:
        return origin.activity_minutes
    session = origin.session
    if session is not None and session.checked_out_at is not None:
        return min(MAX_MINUTES, math.ceil((session.checked_out_at - session.checked_in_at).total_seconds() / 60))
    return MAX_MINUTES


def _cap_minutes(errors: FieldErrors, entry: LedgerEntry, minutes: int | None) -> None:
    if minutes is not None and minutes > (cap := max_minutes(entry)):
        errors.add("minutes", _l("Not more than was recorded (%(n)s minutes); other service is a manual entry.",
                                 n=cap))


def _clean_minutes(errors: FieldErrors, value) -> int | None:
    try:
        minutes = int(value)
    except (TypeError, ValueError):
        errors.add("minutes", _l("Must be a whole number."))
        return None
    if not 0 <= minutes <= MAX_MINUTES:
        errors.add("minutes", _l("Must be between %(low)s and %(high)s.", low=0, high=MAX_MINUTES))
        return None
    return minutes


def decide(actor, entry: LedgerEntry, decision: str, *, minutes=None, reason: str | None = None,
           now: datetime | None = None) -> LedgerEntry:
    """Approve (possibly with adjusted minutes, then with a reason) or reject (with a reason) a
    pending entry. Two people deciding at once: one decision stands, the other gets 409."""
    now = now or utcnow()
    _ensure_may_decide(actor, entry)
    reason = (reason or "").strip()[:2000] or None
    errors = FieldErrors()
    if decision not in ("approve", "reject"):
        errors.add("decision", _l("Choose approve or reject."))
    final = entry.minutes if minutes in (None, "") else _clean_minutes(errors, minutes)
    if decision == "approve" and final is not None and final != entry.minutes:
        _cap_minutes(errors, entry, final)
        if not reason:
            errors.add("reason", _l("Say why the minutes were adjusted."))
    if decision == "reject" and not reason:
        errors.add("reason", _l("Say why the entry is rejected."))
    errors.raise_if_any()
    hold_volunteer(entry.volunteer_id)
    if entry.state != "pending":
        raise AlreadyDecided()
    rule = credit_rule()
    credited = credit_for(rule, entry, final) if decision == "approve" else None
    if decision == "approve":
        _ensure_daily_limit(actor, entry, credited)
    state = "approved" if decision == "approve" else "rejected"
    done = db.session.execute(
        sa.update(LedgerEntry).where(LedgerEntry.id == entry.id, LedgerEntry.state == "pending")
        .values(state=state, minutes=final if decision == "approve" else entry.minutes, credited_minutes=credited,
                rule_version=rule.version if credited is not None else None, decided_by_id=actor.id,
                decided_at=now, reason=reason)
        .execution_options(synchronize_session=False)).rowcount
    if done != 1:
        raise AlreadyDecided()
    _add(entry.volunteer_id, entry.project_id, entry.served_on.year, approved=credited or 0, pending=-entry.minutes)
    db.session.refresh(entry)
    _resolve_dispute(entry, actor, "decided", reason, now)
    record_event(actor, f"ledger.{state}", entry, after={"minutes": entry.minutes, "credited": credited,
                                                        "volunteer_id": entry.volunteer_id}, note=reason, now=now)
    return entry


def may_correct(user, entry: LedgerEntry) -> bool:
    try:
        _ensure_may_correct(user, entry)
    except (Forbidden, NotFound):
        return False
    return True


def _ensure_may_correct(actor, entry: LedgerEntry) -> None:
    # Corrections are staff's (API.md): a lead answers a dispute by a decision or keeps the entry.
    _ensure_may_decide(actor, entry)
    if not permissions.can(actor, "project.manage", entry.project):
        raise Forbidden(_l("A correction is made by the project's staff."))
    origin = origin_of(entry)
    if origin.source == "manual" and origin.created_by_id == actor.id:
        raise OwnHours(_l("A manual entry is approved by someone other than its author."))


def correct(actor, entry: LedgerEntry, minutes, reason: str | None, *, now: datetime | None = None) -> LedgerEntry:
    """A new entry that corrects a decided one (an approved entry's newest figure, or a rejected
    entry found worth something after all); the original stays as it was, and the totals follow."""
    now = now or utcnow()
    _ensure_may_correct(actor, entry)
    errors = FieldErrors()
    minutes = _clean_minutes(errors, minutes)
    _cap_minutes(errors, entry, minutes)
    reason = (reason or "").strip()[:2000] or None
    if not reason:
        errors.add("reason", _l("Say why the entry is corrected."))
    errors.raise_if_any()
    hold_volunteer(entry.volunteer_id)
    if entry.state == "pending":
        raise Conflict(_l("Only a decided entry is corrected; decide on a pending one instead."),
                       code="not_decided")
    rule = credit_rule()
    credited = credit_for(rule, entry, minutes)
    _ensure_daily_limit(actor, entry, credited, excluding=entry.id)
    correction = LedgerEntry(
        volunteer_id=entry.volunteer_id, project_id=entry.project_id, station_id=entry.station_id,
        minutes=minutes, recorded_minutes=minutes, credited_minutes=credited, rule_version=rule.version,
        served_on=entry.served_on, source="correction", state="approved", corrects_id=entry.id,
        created_by_id=actor.id, decided_by_id=actor.id, decided_at=now, reason=reason, created_at=now)
    db.session.add(correction)
    flush_unique(Conflict(_l("This entry has already been corrected; correct the newest figure."),
                          code="already_corrected"))
    # A rejected entry counted nothing; an approved one counted its credit until now.
    _add(entry.volunteer_id, entry.project_id, entry.served_on.year, approved=credited - (entry.credited_minutes or 0))
    _resolve_dispute(entry, actor, "corrected", reason, now)
    signals.entry_corrected.send(correction, entry=entry)
    record_event(actor, "ledger.corrected", correction, before={"entry": entry.id, "minutes": entry.minutes},
                 after={"minutes": minutes, "credited": credited}, note=reason, now=now)
    return correction


# --- totals -------------------------------------------------------------------------------------

def totals_of(volunteer_id: int) -> dict:
    """Approved (credited) and pending minutes, in all and by year and project, from the totals."""
    rows = db.session.scalars(sa.select(LedgerTotal).where(LedgerTotal.volunteer_id == volunteer_id)).all()
    approved = sum(r.approved_minutes for r in rows)
    return {"approved_minutes": approved, "pending_minutes": sum(r.pending_minutes for r in rows),
            "star_level": rules.star_level(approved, tuple(current_app.config["STAR_THRESHOLDS_HOURS"])),
            "rows": rows}


def _year_of(column):
    if db.engine.dialect.name == "postgresql":
        return sa.cast(sa.extract("year", column), sa.Integer)
    return sa.cast(sa.func.strftime("%Y", column), sa.Integer)


def recompute() -> dict[tuple[int, int, int], tuple[int, int]]:
    """The totals as the entries say: (volunteer, project, year) → (approved, pending)."""
    year = _year_of(LedgerEntry.served_on)
    result: dict[tuple[int, int, int], list[int]] = {}
    approved = db.session.execute(
        sa.select(LedgerEntry.volunteer_id, LedgerEntry.project_id, year, sa.func.sum(LedgerEntry.credited_minutes))
        .where(LedgerEntry.state == "approved", ~is_corrected())
        .group_by(LedgerEntry.volunteer_id, LedgerEntry.project_id, year))
    for volunteer_id, project_id, y, minutes in approved:
        result.setdefault((volunteer_id, project_id, int(y)), [0, 0])[0] = int(minutes or 0)
    pending = db.session.execute(
        sa.select(LedgerEntry.volunteer_id, LedgerEntry.project_id, year, sa.func.sum(LedgerEntry.minutes))
        .where(LedgerEntry.state == "pending").group_by(LedgerEntry.volunteer_id, LedgerEntry.project_id, year))
    for volunteer_id, project_id, y, minutes in pending:
        result.setdefault((volunteer_id, project_id, int(y)), [0, 0])[1] = int(minutes or 0)
    return {key: (a, p) for key, (a, p) in result.items()}


def verify() -> list[str]:
    """Every difference between the stored totals and a recomputation from the entries."""
    expected = recompute()
    stored = {(t.volunteer_id, t.project_id, t.year): (t.approved_minutes, t.pending_minutes)
              for t in db.session.scalars(sa.select(LedgerTotal))}
    problems = []
    for key in sorted(set(expected) | set(stored)):
        want, have = expected.get(key, (0, 0)), stored.get(key, (0, 0))
        if want != have:
            problems.append(f"volunteer {key[0]}, project {key[1]}, {key[2]}: stored approved/pending "
                            f"{have[0]}/{have[1]} min, entries say {want[0]}/{want[1]} min")
    return problems


# --- manual entries (补录) --------------------------------------------------------------------------

def record_manual(actor, project, volunteer, data: dict, *, now: datetime | None = None) -> LedgerEntry:
    """A manager records service done without a scan; someone else approves it."""
    now = now or utcnow()
    permissions.ensure(actor, "project.manage", project)
    errors = FieldErrors()
    if volunteer is None or volunteer.closed_at is not None:
        errors.add("volunteer_id", _l("Unknown volunteer."))
    minutes = _clean_minutes(errors, data.get("minutes"))
    activity_minutes = data.get("activity_minutes")
    if activity_minutes not in (None, ""):
        activity_minutes = _clean_minutes(FieldErrors(), activity_minutes)
        if activity_minutes is None:
            errors.add("activity_minutes", _l("Must be between %(low)s and %(high)s.", low=0, high=MAX_MINUTES))
        elif minutes is not None and minutes > activity_minutes:
            errors.add("minutes", _l("Not more than the activity lasted (%(n)s minutes).", n=activity_minutes))
    else:
        activity_minutes = None
    served_on = data.get("served_on")
    today = local_date(now, DEFAULT_ZONE)
    if served_on is None:
        errors.add("served_on", _l("Please give the date of the service."))
    elif served_on > today:
        errors.add("served_on", _l("The service cannot be in the future."))
    elif (project.starts_on and served_on < project.starts_on) or (project.ends_on and served_on > project.ends_on):
        errors.add("served_on", _l("The project runs from %(start)s to %(end)s.", start=project.starts_on or "…",
                                   end=project.ends_on or "…"))
    reason = (data.get("reason") or "").strip()[:2000]
    if not reason:
        errors.add("reason", _l("Say why the service was not scanned."))
    activity = (data.get("activity") or "").strip()[:200] or project.title
    errors.raise_if_any()
    if project.state not in MANUAL_ENTRY_STATES:  # service happens once a project runs, until it closes
        raise Conflict(_l("Hours are recorded for a project that is running, paused or being evaluated."),
                       code="project_not_serving")
    entry = LedgerEntry(volunteer_id=volunteer.id, project_id=project.id, station_id=None, minutes=minutes,
                        recorded_minutes=minutes, served_on=served_on, source="manual", state="pending",
                        created_by_id=actor.id, activity=activity, activity_minutes=activity_minutes,
                        reason=reason, created_at=now)
    db.session.add(entry)
    _add(volunteer.id, project.id, served_on.year, pending=minutes)
    record_event(actor, "ledger.manual_recorded", entry, after={"volunteer_id": volunteer.id, "minutes": minutes,
                                                               "served_on": served_on.isoformat()}, note=reason, now=now)
    return entry


# --- reading ------------------------------------------------------------------------------------

def entries_in_scope(user) -> sa.Select:
    """The entries a user may decide on or look after: their stations' and their projects'."""
    led = [s.id for s in getattr(user, "led_stations", [])]
    return (sa.select(LedgerEntry).join(LedgerEntry.project)
            .where(sa.or_(LedgerEntry.station_id.in_(led) if led else sa.false(),
                          permissions.in_scope(user, "project.manage", Project.organisation_id))))


STATES = ("pending", "approved", "rejected")
SOURCES = ("checkin", "manual", "correction")
FILTER_KEYS = ("state", "source", "project_id", "station_id", "organisation", "volunteer", "served_from",
               "served_to", "overdue")


def parse_filters(raw) -> tuple[dict, FieldErrors]:
    """The staff ledger's filters from a query string: what is understood, and a message for each
    part that is not (then the page shows nothing rather than more than was asked)."""
    errors, filters = FieldErrors(), {}
    text = {key: (raw.get(key) or "").strip() for key in FILTER_KEYS}
    for key, allowed in (("state", STATES), ("source", SOURCES)):
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
    if text["overdue"] in ("1", "true", "on"):
        filters["overdue"] = True
    return filters, errors


def filter_entries(stmt: sa.Select, filters: dict, *, now: datetime | None = None) -> sa.Select:
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
        org = db.session.scalar(sa.select(Organisation).where(Organisation.code == filters["organisation"]))
        stmt = stmt.where(Project.organisation_id.in_(
            sa.select(Organisation.id).where(Organisation.path.startswith(org.path, autoescape=True)))
            if org else sa.false())
    if filters.get("volunteer"):
        text = filters["volunteer"]
        stmt = stmt.where(LedgerEntry.volunteer_id.in_(sa.select(Volunteer.id).where(
            sa.or_(Volunteer.volunteer_no == text.upper(), Volunteer.name.contains(text, autoescape=True)))))
    if filters.get("overdue"):
        stmt = stmt.where(LedgerEntry.state == "pending", LedgerEntry.served_on <= overdue_cutoff(now or utcnow()))
    return stmt.order_by(LedgerEntry.served_on, LedgerEntry.id)


def staff_ledger(user, raw) -> tuple[dict, FieldErrors, sa.Select]:
    """The staff ledger: the user's entries under the query string's filters, newest first; with
    a filter that is not understood, no entries (rather than more than was asked)."""
    filters, errors = parse_filters(raw)
    stmt = filter_entries(entries_in_scope(user), filters)
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


def get_entry_for(user, entry_id) -> LedgerEntry:
    entry = get_by_id(LedgerEntry, entry_id)
    if entry is None:
        raise NotFound()
    if not may_decide(user, entry):
        permissions.ensure(user, "project.manage", entry.project)
    return entry


FLAG_LABELS = {"auto_closed": _l("closed by the system"), "outside_radius": _l("outside the station"),
               "below_minimum": _l("below the project's minimum attendance: credits nothing"),
               "over_daily_limit": _l("over 8 hours that day"), "overdue": _l("over 10 working days old")}


def flags(entry: LedgerEntry, now: datetime) -> list[str]:
    return flags_for([entry], now)[entry.id]


def flags_for(entries: list[LedgerEntry], now: datetime) -> dict[int, list[str]]:
    """Why a lead should look twice at each entry of a page: closed by the system, outside the
    radius, below the minimum attendance, over the day's limit for a lead, older than the 10
    working days a record should take. One query for the days' credit of the whole page."""
    pending = [e for e in entries if e.state == "pending"]
    credited: dict[tuple[int, date], int] = {}
    if pending:
        rows = db.session.execute(
            sa.select(LedgerEntry.volunteer_id, LedgerEntry.served_on, sa.func.sum(LedgerEntry.credited_minutes))
            .where(LedgerEntry.volunteer_id.in_({e.volunteer_id for e in pending}),
                   LedgerEntry.served_on.in_({e.served_on for e in pending}),
                   LedgerEntry.state == "approved", ~is_corrected())
            .group_by(LedgerEntry.volunteer_id, LedgerEntry.served_on))
        credited = {(volunteer_id, day): int(minutes or 0) for volunteer_id, day, minutes in rows}
    rule, cutoff, limit = credit_rule(), overdue_cutoff(now), current_app.config["DAILY_LEAD_LIMIT_MINUTES"]
    found: dict[int, list[str]] = {}
    for entry in entries:
        mine = found[entry.id] = []
        if entry.auto_closed:
            mine.append("auto_closed")
        if entry.outside_radius:
            mine.append("outside_radius")
        if entry.state != "pending":
            continue
        if not rules.meets_minimum(entry.minutes, shift_of(entry), entry.project.min_attendance_percent):
            mine.append("below_minimum")
        if credited.get((entry.volunteer_id, entry.served_on), 0) + credit_for(rule, entry, entry.minutes) > limit:
            mine.append("over_daily_limit")
        if entry.served_on <= cutoff:
            mine.append("overdue")
    return found


def overdue_cutoff(now: datetime) -> date:
    """The latest service date whose entry is overdue today: more than 10 working days ago. A date
    rather than a per-row computation, so the database can count overdue entries by index."""
    today = local_date(now, DEFAULT_ZONE)
    holidays = frozenset(current_app.config["LEDGER_HOLIDAYS"])
    day = today
    while rules.working_days_between(day, today, holidays) <= OVERDUE_WORKING_DAYS:
        day -= timedelta(days=1)
    return day


def waiting_counts(user, now: datetime | None = None) -> dict[str, int]:
    """Pending entries in the user's scope, and how many are past the 10 working days: the lead
    sees their stations', staff their organisation's subtree, so the organisation above sees
    the overdue entries of the ones below it too."""
    overdue = LedgerEntry.served_on <= overdue_cutoff(now or utcnow())
    row = db.session.execute(entries_in_scope(user).where(LedgerEntry.state == "pending").with_only_columns(
        sa.func.count(), sa.func.count().filter(overdue))).one()
    return {"pending": row[0], "overdue": row[1]}


def ensure_decides_somewhere(user) -> None:
    """The queue is for station leads and staff who manage projects."""
    if not getattr(user, "led_stations", []) and not permissions.scope_roots(user, "project.manage"):
        raise Forbidden()


def approve_many(actor, entry_ids: list[int], *, now: datetime | None = None) -> tuple[int, list[str]]:
    """Approve each entry as recorded, each on its own: one refused (own hours, the daily limit,
    decided meanwhile) leaves the others approved. Returns how many, and why the rest were not."""
    now = now or utcnow()
    approved, problems = 0, []
    # One volunteer after another in a fixed order: two batches never wait on each other in a ring.
    found = {e.id: e for e in db.session.scalars(sa.select(LedgerEntry).where(LedgerEntry.id.in_(entry_ids)))}
    order = sorted(entry_ids, key=lambda i: (found[i].volunteer_id, i) if i in found else (0, i))
    for entry_id in order:
        try:
            entry = get_entry_for(actor, entry_id)
            hold_volunteer(entry.volunteer_id)
            with db.session.begin_nested():
                decide(actor, entry, "approve", now=now)
            approved += 1
        except (Conflict, Forbidden, NotFound) as exc:
            problems.append(f"#{entry_id}: {exc.message}")
    return approved, problems


# --- disputes -----------------------------------------------------------------------------------

class AlreadyDisputed(Conflict):
    code = "already_disputed"
    default_message = _l("This entry is already disputed; the lead has your note.")


def open_dispute(user, entry_id, note: str | None, *, now: datetime | None = None) -> Dispute:
    """A volunteer objects to one of their own entries; it goes back to the lead's queue."""
    now = now or utcnow()
    volunteer = getattr(user, "volunteer", None)
    entry = get_by_id(LedgerEntry, entry_id)
    if volunteer is None or entry is None or entry.volunteer_id != volunteer.id:
        raise NotFound()
    entry = newest_figure(entry)  # a corrected entry is answered by correcting its newest figure
    note = (note or "").strip()[:2000]
    if not note:
        raise ValidationFailed(fields={"note": [_l("Say what is wrong with this entry.")]})
    dispute = Dispute(entry_id=entry.id, volunteer_id=volunteer.id, note=note, state="open", created_at=now)
    db.session.add(dispute)
    flush_unique(AlreadyDisputed())
    record_event(user, "ledger.disputed", entry, note=note, now=now)
    return dispute


def uphold(actor, dispute: Dispute, note: str | None, *, now: datetime | None = None) -> Dispute:
    """The lead keeps the entry as it is, and says why."""
    now = now or utcnow()
    _ensure_may_decide(actor, dispute.entry)
    note = (note or "").strip()[:2000]
    if not note:
        raise ValidationFailed(fields={"reason": [_l("Say why the entry stays as it is.")]})
    if dispute.state != "open":
        raise Conflict(_l("This dispute has already been answered."), code="dispute_resolved")
    _resolve_dispute(dispute.entry, actor, "upheld", note, now)
    return dispute


def _resolve_dispute(entry: LedgerEntry, actor, resolution: str, note: str | None, now: datetime) -> None:
    db.session.execute(
        sa.update(Dispute).where(Dispute.entry_id == entry.id, Dispute.state == "open")
        .values(state="resolved", resolution=resolution, resolution_note=note, resolved_by_id=actor.id,
                resolved_at=now).execution_options(synchronize_session="fetch"))


def disputes_in_scope(user) -> sa.Select:
    scoped = entries_in_scope(user).with_only_columns(LedgerEntry.id)
    return (sa.select(Dispute).where(Dispute.state == "open", Dispute.entry_id.in_(scoped))
            .order_by(Dispute.created_at, Dispute.id))


def get_dispute_for(user, dispute_id) -> Dispute:
    dispute = get_by_id(Dispute, dispute_id)
    if dispute is None:
        raise NotFound()
    get_entry_for(user, dispute.entry_id)
    return dispute


def entries_of(volunteer_id: int) -> sa.Select:
    return (sa.select(LedgerEntry).where(LedgerEntry.volunteer_id == volunteer_id)
            .order_by(LedgerEntry.served_on.desc(), LedgerEntry.id.desc()))


def disputes_of(volunteer_id: int, entry_ids: list[int]) -> dict[int, list[Dispute]]:
    """These entries' disputes, newest first, for the volunteer's own page."""
    found: dict[int, list[Dispute]] = {}
    for dispute in db.session.scalars(sa.select(Dispute).where(Dispute.volunteer_id == volunteer_id,
                                                               Dispute.entry_id.in_(entry_ids))
                                      .order_by(Dispute.id.desc())):
        found.setdefault(dispute.entry_id, []).append(dispute)
    return found
