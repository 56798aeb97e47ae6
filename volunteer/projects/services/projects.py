"""Projects' own use cases: creating and editing, the lifecycle (the table is lifecycle.py), and
the resources raised."""
from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal, InvalidOperation

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from volunteer.core import get_by_id, permissions
from volunteer.core.audit import changes, record_event
from volunteer.core.edge import identifier
from volunteer.core.errors import FieldErrors, Forbidden, ValidationFailed
from volunteer.extensions import db
from volunteer.organisations.models import Organisation
from volunteer.projects import lifecycle
from volunteer.projects.errors import (
    EvaluationRequired,
    InvalidTransition,
    NotEditable,
    ProjectFinished,
    ScreeningOwnProject,
)
from volunteer.projects.lifecycle import Caller, Verdict
from volunteer.projects.models import Project, ProjectTransition, Resource
from volunteer.projects.services.reading import ensure_visible, parse_date
from volunteer.projects.vocabulary import Category, Level, ProjectEvent, ProjectState, ResourceKind, ResourceStatus
from volunteer.stations.models import Station

PROJECT_FIELDS = ("title", "category", "level", "description", "starts_on", "ends_on",
                  "target_volunteers", "target_hours", "target_beneficiaries", "roster_required",
                  "require_rotating_code", "shift_minutes", "min_attendance_percent", "place", "contact_name",
                  "contact_phone")
# A work phone as people write it: digits, with an area code's hyphen, spaces, brackets or a + if
# they like (0571-8888 6666, (0571) 88886666, 13800138000, +86 138 0013 8000).
CONTACT_PHONE_RE = re.compile(r"\+?\(?[0-9][0-9 ()-]{4,26}")


def optional_count(errors: FieldErrors, field: str, value) -> int | None:
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
    if data.get("category") not in Category.values():
        errors.add("category", _l("Please choose a category."))
    values["category"] = data.get("category")
    level = data.get("level") or None
    if level is not None and level not in Level.values():
        errors.add("level", _l("Please choose from the list."))
    values["level"] = level
    values["description"] = (data.get("description") or "").strip()[:20_000]
    for field in ("starts_on", "ends_on"):
        raw = data.get(field)
        values[field] = parse_date(raw)
        if raw not in (None, "") and values[field] is None:
            errors.add(field, _l("Must be a date (YYYY-MM-DD)."))
    if values["starts_on"] and values["ends_on"] and values["ends_on"] < values["starts_on"]:
        errors.add("ends_on", _l("The end date is before the start date."))
    for field in ("target_volunteers", "target_hours", "target_beneficiaries"):
        values[field] = optional_count(errors, field, data.get(field))
    values["roster_required"] = bool(data.get("roster_required"))
    values["require_rotating_code"] = bool(data.get("require_rotating_code"))
    _clean_attendance(values, errors, data)
    _clean_contact(values, errors, data)
    return values, errors


def _optional_text(errors: FieldErrors, field: str, value, limit: int) -> str | None:
    text = " ".join(str(value or "").split())
    if len(text) > limit:
        errors.add(field, _l("At most %(n)s characters.", n=limit))
    return text or None


def _clean_contact(values: dict, errors: FieldErrors, data: dict) -> None:
    """Where it is held and whom to call: optional, published on the project's page as typed."""
    values["place"] = _optional_text(errors, "place", data.get("place"), 200)
    values["contact_name"] = _optional_text(errors, "contact_name", data.get("contact_name"), 60)
    phone = identifier(data.get("contact_phone"))
    if phone and not CONTACT_PHONE_RE.fullmatch(phone):
        errors.add("contact_phone", _l("A phone number: digits, with a hyphen or spaces if you like."))
    values["contact_phone"] = phone or None


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
        elif station not in stations:  # a station chosen twice runs the project once
            stations.append(station)
    return stations


def create_project(actor, organisation: Organisation | None, data: dict, *, now: datetime) -> Project:
    if organisation is None:
        raise ValidationFailed(fields={"organisation_code": [_l("Please choose your organisation.")]})
    permissions.ensure(actor, "project.manage", organisation)
    values, errors = _clean_project(data)
    stations = _stations_for(organisation, data.get("station_ids"), errors)
    errors.raise_if_any()
    project = Project(organisation=organisation, state=ProjectState.DRAFT, created_by_id=actor.id,
                      created_at=now, updated_at=now, stations=stations, **values)
    db.session.add(project)
    record_event(actor, ProjectEvent.CREATED, project, after={"title": project.title, "state": project.state},
                 now=now)
    return project


def update_project(actor, project: Project, data: dict, *, now: datetime) -> Project:
    permissions.ensure(actor, "project.manage", project)
    if not project.is_editable():
        raise NotEditable()
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
        record_event(actor, ProjectEvent.UPDATED, project, before=before, after=after, now=now)
    return project


def caller_for(user, project: Project) -> Caller:
    return Caller(
        is_staff=permissions.can(user, "project.manage", project),
        is_admin=permissions.can(user, "project.screen", project),
        is_submitter=user is not None and getattr(user, "id", None) is not None
        and project.submitted_by_id == user.id,
    )


def allowed_transitions(user, project: Project) -> list[str]:
    if user is None or not getattr(user, "is_authenticated", False) or project.delegated:
        return []
    return lifecycle.allowed_targets(project.state, caller_for(user, project))


def transition_project(actor, project: Project, target: str, *, comment: str | None = None,
                       now: datetime) -> Project:
    """Apply one transition of the table, record it in the history and the event log. A repeat
    (already in ``target``) changes nothing; a refusal changes nothing."""
    ensure_visible(actor, project)
    comment = (comment or "").strip()[:2000] or None
    caller = caller_for(actor, project)
    if not caller.is_staff:
        raise Forbidden()
    if project.delegated:
        raise InvalidTransition(_l("This project follows its practice programme: it moves as the programme moves."))
    verdict = lifecycle.check_transition(project.state, target, caller,
                                         has_evaluation=project.evaluation is not None, comment=comment)
    if verdict is Verdict.IGNORED:
        return project
    if verdict is Verdict.INVALID:
        raise InvalidTransition(_l("A project that is “%(state)s” cannot move to that state.",
                                   state=project.state_label))
    if verdict is Verdict.FORBIDDEN:
        if target in lifecycle.SCREENING and project.submitted_by_id == actor.id:
            raise ScreeningOwnProject()
        raise Forbidden()
    if verdict is Verdict.NEEDS_EVALUATION:
        raise EvaluationRequired()
    if verdict is Verdict.NEEDS_COMMENT:
        raise ValidationFailed(fields={"comment": [_l("Please give a reason.")]})

    previous = project.state
    # The state moves only if nobody moved it meanwhile: two clicks at once make one transition.
    moved = db.session.execute(
        sa.update(Project).where(Project.id == project.id, Project.state == previous)
        .values(state=target, updated_at=now).execution_options(synchronize_session=False))
    if moved.rowcount != 1:
        raise InvalidTransition(_l("Someone else changed this project just now. Please reload."))
    project.state = target
    if target == ProjectState.SUBMITTED:
        project.submitted_by_id = actor.id
        project.screening_comment = None
    elif target == ProjectState.REJECTED:
        project.screening_comment = comment
    db.session.add(ProjectTransition(project=project, from_state=previous, to_state=target,
                                     actor_id=actor.id, comment=comment, occurred_at=now))
    record_event(actor, ProjectEvent.TRANSITION, project, before={"state": previous},
                 after={"state": target}, note=comment, now=now)
    return project


def add_resource(actor, project: Project, data: dict, *, now: datetime) -> Resource:
    permissions.ensure(actor, "project.manage", project)
    if not project.accepts_resources():
        raise ProjectFinished()
    errors = FieldErrors()
    if data.get("kind") not in ResourceKind.values():
        errors.add("kind", _l("Please choose a kind."))
    status = data.get("status") or ResourceStatus.PLEDGED
    if status not in ResourceStatus.values():
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
    record_event(actor, ProjectEvent.RESOURCE_ADDED, resource,
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
    return [{"kind": kind, "kind_label": ResourceKind.label_of(kind), "status": status,
             "status_label": ResourceStatus.label_of(status), "unit": unit,
             "amount": Decimal(total) if total is not None else None, "count": count}
            for kind, status, unit, total, count in rows]


