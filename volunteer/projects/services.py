"""Use cases of projects: the library, the lifecycle, resources, positions and applications,
and the evaluation. Every function takes the actor and ``now``; none commits."""
from __future__ import annotations

import hashlib
import os
import secrets
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from volunteer.accounts.models import Volunteer
from volunteer.core import flush_unique, get_by_id, permissions
from volunteer.core.audit import changes, record_event
from volunteer.core.errors import Conflict, FieldErrors, Forbidden, NotFound, ValidationFailed
from volunteer.core.time import utcnow
from volunteer.extensions import db
from volunteer.organisations.models import Organisation
from volunteer.projects import lifecycle
from volunteer.projects.lifecycle import Caller, Verdict
from volunteer.projects.models import (
    CATEGORIES,
    LEVELS,
    PUBLIC_STATES,
    RESOURCE_KINDS,
    RESOURCE_STATUSES,
    Application,
    Attachment,
    Evaluation,
    Position,
    Project,
    ProjectTransition,
    Resource,
)
from volunteer.stations.models import Station

# --- reading --------------------------------------------------------------------------------


def may_manage(user, project: Project) -> bool:
    return permissions.can(user, "project.manage", project)


def _has_applied(user, project: Project) -> bool:
    volunteer = getattr(user, "volunteer", None) if getattr(user, "is_authenticated", False) else None
    return volunteer is not None and db.session.scalar(
        sa.select(Application.id).join(Application.position)
        .where(Position.project_id == project.id, Application.volunteer_id == volunteer.id).limit(1)) is not None


def ensure_visible(user, project: Project) -> None:
    """Anyone sees a recruiting or running project; staff see every project in their scope; a
    volunteer keeps seeing a project they applied to; nobody learns that another town's draft
    exists."""
    if project.is_public or _has_applied(user, project):
        return
    permissions.ensure(user, "project.view", project)


def get_project_for(user, project_id) -> Project:
    project = get_by_id(Project, project_id)
    if project is None:
        raise NotFound()
    ensure_visible(user, project)
    return project


def get_managed_project(user, project_id) -> Project:
    project = get_project_for(user, project_id)
    permissions.ensure(user, "project.manage", project)
    return project


def _parse_date(value) -> date | None:
    if isinstance(value, date) or value is None:
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


def search_projects(user, filters: dict, *, view: str = "public") -> sa.Select:
    """``view``: "public" (recruiting and running), "staff" (everything in the user's scope) or
    "visible" (both). ``filters``: state, category, organisation (a code: its subtree),
    starts_from, ends_until, q."""
    stmt = sa.select(Project).join(Project.organisation)
    public = Project.state.in_(PUBLIC_STATES)
    in_scope = permissions.in_scope(user, "project.view", Project.organisation_id)
    stmt = stmt.where({"public": public, "staff": in_scope, "visible": sa.or_(public, in_scope)}[view])
    if filters.get("state"):
        stmt = stmt.where(Project.state == filters["state"])
    if filters.get("category"):
        stmt = stmt.where(Project.category == filters["category"])
    if filters.get("organisation"):
        org = db.session.scalar(sa.select(Organisation).where(
            Organisation.code == str(filters["organisation"]).strip().upper()))
        stmt = stmt.where(Organisation.path.startswith(org.path, autoescape=True) if org else sa.false())
    starts_from = _parse_date(filters.get("starts_from"))
    if starts_from:
        stmt = stmt.where(sa.or_(Project.ends_on.is_(None), Project.ends_on >= starts_from))
    ends_until = _parse_date(filters.get("ends_until"))
    if ends_until:
        stmt = stmt.where(sa.or_(Project.starts_on.is_(None), Project.starts_on <= ends_until))
    text = (filters.get("q") or "").strip()
    if text:
        stmt = stmt.where(sa.or_(Project.title.contains(text, autoescape=True),
                                 Project.description.contains(text, autoescape=True)))
    return stmt.order_by(Project.starts_on.desc().nulls_last(), Project.id.desc())


# --- creating and editing -----------------------------------------------------------------------

PROJECT_FIELDS = ("title", "category", "level", "description", "starts_on", "ends_on",
                  "target_volunteers", "target_hours", "target_beneficiaries", "roster_required",
                  "require_rotating_code", "shift_minutes", "min_attendance_percent")


def _optional_count(errors: FieldErrors, field: str, value) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        errors.add(field, _l("Must be a whole number."))
        return None
    if not 0 <= number <= 10_000_000:
        errors.add(field, _l("Must be between 0 and 10,000,000."))
    return number


def _clean_project(data: dict) -> tuple[dict, FieldErrors]:
    errors = FieldErrors()
    values = {}
    title = (data.get("title") or "").strip()
    if not title:
        errors.add("title", _l("Please enter a title."))
    elif len(title) > 200:
        errors.add("title", _l("At most %(n)s characters.", n=200))
    values["title"] = title
    if data.get("category") not in CATEGORIES:
        errors.add("category", _l("Please choose a category."))
    values["category"] = data.get("category")
    level = data.get("level") or None
    if level is not None and level not in LEVELS:
        errors.add("level", _l("Please choose from the list."))
    values["level"] = level
    values["description"] = (data.get("description") or "").strip()[:20_000]
    for field in ("starts_on", "ends_on"):
        raw = data.get(field)
        values[field] = _parse_date(raw)
        if raw not in (None, "") and values[field] is None:
            errors.add(field, _l("Must be a date (YYYY-MM-DD)."))
    if values["starts_on"] and values["ends_on"] and values["ends_on"] < values["starts_on"]:
        errors.add("ends_on", _l("The end date is before the start date."))
    for field in ("target_volunteers", "target_hours", "target_beneficiaries"):
        values[field] = _optional_count(errors, field, data.get(field))
    values["roster_required"] = bool(data.get("roster_required"))
    values["require_rotating_code"] = bool(data.get("require_rotating_code"))
    _clean_attendance(values, errors, data)
    return values, errors


def _optional_between(errors: FieldErrors, field: str, value, low: int, high: int) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = None
    if number is None or not low <= number <= high:
        errors.add(field, _l("Must be a whole number between %(low)s and %(high)s.", low=low, high=high))
        return None
    return number


def _clean_attendance(values: dict, errors: FieldErrors, data: dict) -> None:
    """Minimum attendance needs both: the shift's length and the share of it that earns credit."""
    values["shift_minutes"] = _optional_between(errors, "shift_minutes", data.get("shift_minutes"), 1, 1440)
    values["min_attendance_percent"] = _optional_between(errors, "min_attendance_percent",
                                                         data.get("min_attendance_percent"), 1, 100)
    if values["min_attendance_percent"] and not values["shift_minutes"] and "shift_minutes" not in errors:
        errors.add("shift_minutes", _l("Give the shift's length for the minimum attendance to apply."))


def _stations_for(organisation: Organisation, station_ids, errors: FieldErrors) -> list[Station]:
    """Stations of the project's organisation, of its subtree or of the organisations above it."""
    stations = []
    for raw in station_ids or []:
        try:
            station = get_by_id(Station, int(raw))
        except (TypeError, ValueError):
            station = None
        if station is None or not (organisation.contains(station.organisation)
                                   or station.organisation.contains(organisation)):
            errors.add("station_ids", _l("Unknown station: %(id)s.", id=raw))
        else:
            stations.append(station)
    return stations


def create_project(actor, organisation: Organisation | None, data: dict, *,
                   now: datetime | None = None) -> Project:
    now = now or utcnow()
    if organisation is None:
        raise ValidationFailed(fields={"organisation_code": [_l("Please choose your organisation.")]})
    permissions.ensure(actor, "project.manage", organisation)
    values, errors = _clean_project(data)
    stations = _stations_for(organisation, data.get("station_ids"), errors)
    errors.raise_if_any()
    project = Project(organisation=organisation, state="draft", created_by_id=actor.id,
                      created_at=now, updated_at=now, stations=stations, **values)
    db.session.add(project)
    record_event(actor, "project.created", project, after={"title": project.title, "state": "draft"}, now=now)
    return project


def update_project(actor, project: Project, data: dict, *, now: datetime | None = None) -> Project:
    now = now or utcnow()
    permissions.ensure(actor, "project.manage", project)
    if not project.is_editable():
        raise Conflict(_l("Only a draft or rejected project can be edited."), code="not_editable")
    values, errors = _clean_project(data)
    stations = _stations_for(project.organisation, data.get("station_ids"), errors)
    errors.raise_if_any()
    before, after = changes(project, list(PROJECT_FIELDS), values)
    for key in ("starts_on", "ends_on"):
        for side in (before, after):
            if side.get(key) is not None:
                side[key] = side[key].isoformat()
    old_stations = sorted(s.id for s in project.stations)
    if old_stations != sorted(s.id for s in stations):
        before["stations"], after["stations"] = old_stations, sorted(s.id for s in stations)
    for key, value in values.items():
        setattr(project, key, value)
    project.stations = stations
    if after:
        project.updated_at = now
        record_event(actor, "project.updated", project, before=before, after=after, now=now)
    return project


# --- lifecycle ------------------------------------------------------------------------------------

def caller_for(user, project: Project) -> Caller:
    return Caller(
        is_staff=permissions.can(user, "project.manage", project),
        is_admin=permissions.can(user, "project.screen", project),
        is_submitter=user is not None and getattr(user, "id", None) is not None
        and project.submitted_by_id == user.id,
    )


def allowed_transitions(user, project: Project) -> list[str]:
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    return lifecycle.allowed_targets(project.state, caller_for(user, project))


def transition_project(actor, project: Project, target: str, *, comment: str | None = None,
                       now: datetime | None = None) -> Project:
    """Apply one transition of the table, record it in the history and the event log. A repeat
    (already in ``target``) changes nothing; a refusal changes nothing."""
    now = now or utcnow()
    ensure_visible(actor, project)
    comment = (comment or "").strip()[:2000] or None
    caller = caller_for(actor, project)
    if not caller.is_staff:
        raise Forbidden()
    verdict = lifecycle.check_transition(project.state, target, caller,
                                         has_evaluation=project.evaluation is not None, comment=comment)
    if verdict is Verdict.IGNORED:
        return project
    if verdict is Verdict.INVALID:
        raise Conflict(_l("A project that is “%(state)s” cannot move to that state.",
                          state=project.state_label), code="invalid_transition")
    if verdict is Verdict.FORBIDDEN:
        if target in ("approved", "rejected") and project.submitted_by_id == actor.id:
            raise Forbidden(_l("Another league admin must screen a project you submitted."))
        raise Forbidden()
    if verdict is Verdict.NEEDS_EVALUATION:
        raise Conflict(_l("Record the evaluation before closing the project."), code="evaluation_required")
    if verdict is Verdict.NEEDS_COMMENT:
        raise ValidationFailed(fields={"comment": [_l("Please give a reason.")]})

    previous = project.state
    # The state moves only if nobody moved it meanwhile: two clicks at once make one transition.
    moved = db.session.execute(
        sa.update(Project).where(Project.id == project.id, Project.state == previous)
        .values(state=target, updated_at=now).execution_options(synchronize_session=False))
    if moved.rowcount != 1:
        raise Conflict(_l("Someone else changed this project just now. Please reload."),
                       code="invalid_transition")
    project.state = target
    if target == "submitted":
        project.submitted_by_id = actor.id
        project.screening_comment = None
    elif target == "rejected":
        project.screening_comment = comment
    db.session.add(ProjectTransition(project=project, from_state=previous, to_state=target,
                                     actor_id=actor.id, comment=comment, occurred_at=now))
    record_event(actor, "project.transition", project, before={"state": previous},
                 after={"state": target}, note=comment, now=now)
    return project


# --- resources ----------------------------------------------------------------------------------

def add_resource(actor, project: Project, data: dict, *, now: datetime | None = None) -> Resource:
    now = now or utcnow()
    permissions.ensure(actor, "project.manage", project)
    if not project.accepts_resources():
        raise Conflict(_l("This project is finished."), code="project_finished")
    errors = FieldErrors()
    if data.get("kind") not in RESOURCE_KINDS:
        errors.add("kind", _l("Please choose a kind."))
    status = data.get("status") or "pledged"
    if status not in RESOURCE_STATUSES:
        errors.add("status", _l("Please choose from the list."))
    description = (data.get("description") or "").strip()
    if not description:
        errors.add("description", _l("Please describe the resource."))
    amount = None
    if data.get("amount") not in (None, ""):
        try:
            amount = Decimal(str(data["amount"])).quantize(Decimal("0.01"))
            if amount < 0 or amount >= Decimal("1e12"):  # Numeric(14, 2)
                raise InvalidOperation
        except InvalidOperation:
            errors.add("amount", _l("Must be a number of 0 or more."))
    unit = (data.get("unit") or "").strip()[:20] or None
    if amount is not None and not unit:
        errors.add("unit", _l("Please give the unit (e.g. yuan, boxes)."))
    errors.raise_if_any()
    resource = Resource(project=project, kind=data["kind"], status=status, description=description[:200],
                        source=(data.get("source") or "").strip()[:120] or None, amount=amount,
                        unit=unit, created_by_id=actor.id, created_at=now)
    db.session.add(resource)
    record_event(actor, "project.resource_added", resource,
                 after={"kind": resource.kind, "status": status, "amount": str(amount) if amount is not None else None,
                        "unit": unit}, now=now)
    return resource


def resource_totals(project: Project) -> list[dict]:
    """Sum of amounts per kind, status and unit, computed by the database."""
    rows = db.session.execute(
        sa.select(Resource.kind, Resource.status, Resource.unit, sa.func.sum(Resource.amount),
                  sa.func.count(Resource.id))
        .where(Resource.project_id == project.id)
        .group_by(Resource.kind, Resource.status, Resource.unit)
        .order_by(Resource.kind, Resource.status, Resource.unit)).all()
    return [{"kind": kind, "kind_label": str(RESOURCE_KINDS[kind]), "status": status,
             "status_label": str(RESOURCE_STATUSES[status]), "unit": unit,
             "amount": Decimal(total) if total is not None else None, "count": count}
            for kind, status, unit, total, count in rows]


# --- positions and applications -------------------------------------------------------------

def add_position(actor, project: Project, data: dict, *, now: datetime | None = None) -> Position:
    now = now or utcnow()
    permissions.ensure(actor, "project.manage", project)
    if not project.accepts_positions():
        raise Conflict(_l("Positions can no longer be added to this project."), code="project_finished")
    errors = FieldErrors()
    title = (data.get("title") or "").strip()
    if not title:
        errors.add("title", _l("Please enter a title."))
    elif len(title) > 120:
        errors.add("title", _l("At most %(n)s characters.", n=120))
    capacity = _optional_count(errors, "capacity", data.get("capacity"))
    if capacity is None and "capacity" not in errors:
        errors.add("capacity", _l("Please give the number of places."))
    elif capacity is not None and not 1 <= capacity <= 100_000:
        errors.add("capacity", _l("Between 1 and 100,000 places."))
    starts_at, ends_at = data.get("starts_at"), data.get("ends_at")
    for field, value in (("starts_at", starts_at), ("ends_at", ends_at)):
        if value is not None and (not isinstance(value, datetime) or value.tzinfo is None):
            errors.add(field, _l("Must be a date and time (ISO 8601)."))
    if isinstance(starts_at, datetime) and isinstance(ends_at, datetime) and "starts_at" not in errors \
            and "ends_at" not in errors and ends_at <= starts_at:
        errors.add("ends_at", _l("The end is before the start."))
    errors.raise_if_any()
    position = Position(project=project, title=title, capacity=capacity, starts_at=starts_at, ends_at=ends_at,
                        requirements=(data.get("requirements") or "").strip()[:2000] or None, created_at=now)
    db.session.add(position)
    record_event(actor, "position.created", position, after={"title": title, "capacity": capacity}, now=now)
    return position


def get_position_for(user, position_id) -> Position:
    position = get_by_id(Position, position_id)
    if position is None:
        raise NotFound()
    get_project_for(user, position.project_id)
    return position


def apply_for_position(user, position: Position, *, note: str | None = None,
                       now: datetime | None = None) -> Application:
    now = now or utcnow()
    volunteer = getattr(user, "volunteer", None)
    if volunteer is None:
        raise Forbidden(_l("Only registered volunteers can apply."), code="not_a_volunteer")
    if not position.project.accepts_applications(now):
        raise Conflict(_l("This project is not taking applications now."), code="not_recruiting")
    if position.places_left <= 0:
        raise Conflict(_l("This position is full."), code="position_full")
    already = Conflict(_l("You have already applied for this position."), code="already_applied")
    previous = set(db.session.scalars(sa.select(Application.state).where(
        Application.position_id == position.id, Application.volunteer_id == volunteer.id)).all())
    if previous & {"pending", "accepted"}:
        raise already
    if "declined" in previous:
        raise Conflict(_l("The manager has declined your application for this position."),
                       code="already_declined")
    application = Application(position=position, volunteer=volunteer, state="pending",
                              note=(note or "").strip()[:500] or None, created_at=now)
    db.session.add(application)
    flush_unique(already)
    record_event(user, "application.created", application, after={"position_id": position.id}, now=now)
    return application


def get_application_for_manager(user, application_id) -> Application:
    application = get_by_id(Application, application_id)
    if application is None:
        raise NotFound()
    permissions.ensure(user, "project.manage", application)
    return application


def decide_application(actor, application: Application, decision: str, *,
                       now: datetime | None = None) -> Application:
    """Accept or decline a pending application. Capacity holds under concurrency: the place is
    taken by one conditional UPDATE, which fails for everyone once the position is full."""
    now = now or utcnow()
    permissions.ensure(actor, "project.manage", application)
    if decision not in ("accepted", "declined"):
        raise ValidationFailed(fields={"decision": [_l("Choose accepted or declined.")]})
    if not application.position.project.accepts_decisions():
        raise Conflict(_l("Applications are decided while the project recruits or runs."),
                       code="not_recruiting")
    claimed = db.session.execute(
        sa.update(Application).where(Application.id == application.id, Application.state == "pending")
        .values(state=decision, decided_by_id=actor.id, decided_at=now)
        .execution_options(synchronize_session=False))
    if claimed.rowcount != 1:
        raise Conflict(_l("This application has already been decided or withdrawn."), code="already_decided")
    if decision == "accepted":
        took_place = db.session.execute(
            sa.update(Position).where(Position.id == application.position_id,
                                      Position.accepted_count < Position.capacity)
            .values(accepted_count=Position.accepted_count + 1)
            .execution_options(synchronize_session=False))
        if took_place.rowcount != 1:
            raise Conflict(_l("This position is full."), code="position_full")
    db.session.expire(application)
    db.session.expire(application.position)
    record_event(actor, f"application.{decision}", application,
                 after={"state": decision, "volunteer_id": application.volunteer_id}, now=now)
    return application


def get_own_application(user, application_id) -> Application:
    application = get_by_id(Application, application_id)
    volunteer = getattr(user, "volunteer", None)
    if application is None or volunteer is None or application.volunteer_id != volunteer.id:
        raise NotFound()
    return application


def withdraw_application(user, application: Application, *, now: datetime | None = None) -> Application:
    now = now or utcnow()
    was = application.state
    if not application.position.project.accepts_decisions():
        raise Conflict(_l("This project is finished."), code="project_finished")
    if was not in ("pending", "accepted"):
        raise Conflict(_l("This application is already closed."), code="already_decided")
    changed = db.session.execute(
        sa.update(Application).where(Application.id == application.id, Application.state == was)
        .values(state="withdrawn", decided_at=now).execution_options(synchronize_session=False))
    if changed.rowcount != 1:
        raise Conflict(_l("This application changed just now. Please reload."), code="already_decided")
    if was == "accepted":
        db.session.execute(sa.update(Position).where(Position.id == application.position_id)
                           .values(accepted_count=Position.accepted_count - 1))
    db.session.expire(application)
    db.session.expire(application.position)
    record_event(user, "application.withdrawn", application, before={"state": was},
                 after={"state": "withdrawn"}, now=now)
    return application


def applications_of(user) -> list[Application]:
    volunteer = getattr(user, "volunteer", None)
    if volunteer is None:
        return []
    return db.session.scalars(sa.select(Application).where(Application.volunteer_id == volunteer.id)
                              .order_by(Application.id.desc())).all()


def applications_for_project(user, project: Project, state: str | None = None) -> sa.Select:
    """A project's applications for its staff, optionally of one state (accepted = the roster)."""
    permissions.ensure(user, "project.manage", project)
    stmt = (sa.select(Application).join(Application.position).where(Position.project_id == project.id)
            .order_by(Position.id, Application.id))
    return stmt.where(Application.state == state) if state else stmt


def is_on_roster(project: Project, volunteer: Volunteer) -> bool:
    """The roster check-in uses: accepted for any position of the project."""
    return db.session.scalar(
        sa.select(Application.id).join(Application.position)
        .where(Position.project_id == project.id, Application.volunteer_id == volunteer.id,
               Application.state == "accepted").limit(1)) is not None


def roster(project: Project) -> list[Application]:
    return db.session.scalars(
        sa.select(Application).join(Application.position)
        .where(Position.project_id == project.id, Application.state == "accepted")
        .order_by(Position.id, Application.id)).all()


# --- evaluation ------------------------------------------------------------------------------------

ATTACHMENT_TYPES = {
    # extension: (content type, how the file starts)
    "pdf": ("application/pdf", (b"%PDF-",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (b"PK\x03\x04",)),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (b"PK\x03\x04",)),
}
MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
MAX_ATTACHMENTS = 10


def computed_figures(project: Project) -> dict:
    """What the system knows of the project's service: from the ledger, each entry's newest
    figure that credits something (a corrected entry counts once, as corrected), the totals kept
    beside it, and the closed check-in sessions."""
    from volunteer.checkin.models import ServiceSession
    from volunteer.ledger.models import LedgerEntry, LedgerTotal
    from volunteer.ledger.services import is_corrected

    credited = db.session.execute(
        sa.select(sa.func.count(sa.distinct(LedgerEntry.volunteer_id)), sa.func.count())
        .where(LedgerEntry.project_id == project.id, LedgerEntry.state == "approved",
               LedgerEntry.credited_minutes > 0, ~is_corrected())).one()
    minutes = db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(LedgerTotal.approved_minutes), 0))
                                .where(LedgerTotal.project_id == project.id))
    sessions = db.session.execute(
        sa.select(sa.func.count(), sa.func.count(sa.distinct(ServiceSession.station_id)))
        .where(ServiceSession.project_id == project.id, ServiceSession.state != "open")).one()
    return {"volunteers": credited[0], "person_times": credited[1], "approved_hours": round(minutes / 60, 1),
            "sessions": sessions[0], "stations_used": sessions[1]}


def figures_for(project: Project) -> dict:
    """The figures to show: those the evaluation was saved with, else the current ones."""
    return project.evaluation.computed if project.evaluation else computed_figures(project)


def page_context(user, project: Project) -> dict:
    """What the project page shows this user beyond the project itself."""
    manages = may_manage(user, project)
    live = {a.position_id: a for a in applications_of(user) if a.state in ("pending", "accepted")} \
        if getattr(user, "is_authenticated", False) else {}
    return {
        "manages": manages,
        "transitions": [(to, lifecycle.label_for(project.state, to), lifecycle.needs_comment(project.state, to))
                        for to in allowed_transitions(user, project)],
        "applied": live,
        "totals": resource_totals(project) if manages or project.is_public else [],
        "figures": figures_for(project),
    }


def _attachment_dir() -> str:
    path = current_app.config.get("UPLOAD_DIR") or os.path.join(current_app.instance_path, "uploads")
    os.makedirs(path, exist_ok=True)
    return path


def _check_attachment(errors: FieldErrors, filename: str, content: bytes):
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    kind = ATTACHMENT_TYPES.get(extension)
    if kind is None:
        errors.add("attachments", _l("%(name)s: only PDF, PNG, JPEG, DOCX and XLSX files.", name=filename))
        return None
    if len(content) > MAX_ATTACHMENT_BYTES:
        errors.add("attachments", _l("%(name)s: larger than 5 MB.", name=filename))
        return None
    if not content or not content.startswith(kind[1]):
        errors.add("attachments", _l("%(name)s: the content is not a %(ext)s file.", name=filename,
                                     ext=extension.upper()))
        return None
    return kind[0]


def save_evaluation(actor, project: Project, data: dict, files: list[tuple[str, bytes]] = (), *,
                    now: datetime | None = None) -> Evaluation:
    """Record or correct the evaluation while the project is being evaluated."""
    now = now or utcnow()
    permissions.ensure(actor, "project.manage", project)
    if not project.accepts_evaluation():
        raise Conflict(_l("The evaluation is recorded while the project is being evaluated."),
                       code="not_evaluating")
    errors = FieldErrors()
    served = _optional_count(errors, "beneficiaries_served", data.get("beneficiaries_served"))
    if served is None and "beneficiaries_served" not in errors:
        errors.add("beneficiaries_served", _l("Please give the number of people served."))
    try:
        rating = int(data.get("rating"))
    except (TypeError, ValueError):
        rating = None
    if rating is None or not 1 <= rating <= 5:
        errors.add("rating", _l("Choose a rating from 1 to 5."))
    outcomes = (data.get("outcomes") or "").strip()
    summary = (data.get("summary") or "").strip()
    if not outcomes:
        errors.add("outcomes", _l("Please describe the outcomes."))
    if not summary:
        errors.add("summary", _l("Please write a summary."))
    existing = len(project.evaluation.attachments) if project.evaluation else 0
    if existing + len(files) > MAX_ATTACHMENTS:
        errors.add("attachments", _l("At most %(n)s attachments.", n=MAX_ATTACHMENTS))
    checked = [(name, content, _check_attachment(errors, name, content)) for name, content in files]
    errors.raise_if_any()

    evaluation = project.evaluation
    values = {"beneficiaries_served": served, "rating": rating, "outcomes": outcomes[:20_000],
              "summary": summary[:20_000]}
    if evaluation is None:
        evaluation = Evaluation(project=project, created_by_id=actor.id, computed=computed_figures(project),
                                updated_at=now, **values)
        db.session.add(evaluation)
        flush_unique(Conflict(_l("Someone else recorded the evaluation just now. Please reload."),
                              code="already_evaluated"))
        record_event(actor, "project.evaluated", project, after={"rating": rating, "beneficiaries_served": served},
                     now=now)
    else:
        before, after = changes(evaluation, ["beneficiaries_served", "rating"], values)
        for key, value in values.items():
            setattr(evaluation, key, value)
        evaluation.computed = computed_figures(project)
        evaluation.updated_at = now
        record_event(actor, "project.evaluation_updated", project, before=before or None,
                     after=after or None, now=now)
    for name, content, content_type in checked:
        storage_name = secrets.token_hex(16)
        with open(os.path.join(_attachment_dir(), storage_name), "wb") as handle:
            handle.write(content)
        evaluation.attachments.append(Attachment(
            filename=os.path.basename(name)[:200], content_type=content_type, size=len(content),
            sha256=hashlib.sha256(content).hexdigest(), storage_name=storage_name,
            uploaded_by_id=actor.id, created_at=now))
    return evaluation


def get_attachment_for(user, attachment_id) -> tuple[Attachment, str]:
    attachment = get_by_id(Attachment, attachment_id)
    if attachment is None:
        raise NotFound()
    get_project_for(user, attachment.evaluation.project_id)
    return attachment, os.path.join(_attachment_dir(), attachment.storage_name)
