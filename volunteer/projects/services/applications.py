"""Positions and applications (双向选择): opening positions, applying, deciding with capacity held
under concurrency, withdrawing; the roster check-in asks."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from volunteer.accounts.models import Volunteer
from volunteer.accounts.services import volunteer_of
from volunteer.core import flush_unique, get_by_id, permissions
from volunteer.core.audit import record_event
from volunteer.core.errors import FieldErrors, NotFound, ValidationFailed
from volunteer.extensions import db
from volunteer.projects.errors import (
    AlreadyApplied,
    AlreadyDeclined,
    ApplicationClosed,
    ApplicationDecided,
    NotRecruiting,
    PositionFull,
    ProjectFinished,
)
from volunteer.projects.models import LIVE_APPLICATION_STATES, Application, Position, Project
from volunteer.projects.services.projects import optional_count
from volunteer.projects.services.reading import get_project_for
from volunteer.projects.vocabulary import APPLICATION_DECISIONS, ApplicationState, ProjectEvent


def add_position(actor, project: Project, data: dict, *, now: datetime) -> Position:
    permissions.ensure(actor, "project.manage", project)
    if not project.accepts_positions():
        raise ProjectFinished(_l("Positions can no longer be added to this project."))
    errors = FieldErrors()
    title = (data.get("title") or "").strip()
    if not title:
        errors.add("title", _l("Please enter a title."))
    elif len(title) > 120:
        errors.add("title", _l("At most %(n)s characters.", n=120))
    capacity = optional_count(errors, "capacity", data.get("capacity"))
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
    record_event(actor, ProjectEvent.POSITION_CREATED, position, after={"title": title, "capacity": capacity}, now=now)
    return position


def get_position_for(user, position_id) -> Position:
    position = get_by_id(Position, position_id)
    if position is None:
        raise NotFound()
    get_project_for(user, position.project_id)
    return position


def apply_for_position(user, position: Position, *, note: str | None = None, now: datetime) -> Application:
    volunteer = volunteer_of(user, _l("Only registered volunteers can apply."))
    if not position.project.accepts_applications(now):
        raise NotRecruiting()
    if position.is_full:
        raise PositionFull()
    previous = set(db.session.scalars(sa.select(Application.state).where(
        Application.position_id == position.id, Application.volunteer_id == volunteer.id)).all())
    if previous.intersection(LIVE_APPLICATION_STATES):
        raise AlreadyApplied()
    if ApplicationState.DECLINED in previous:
        raise AlreadyDeclined()
    application = Application(position=position, volunteer=volunteer, state=ApplicationState.PENDING,
                              note=(note or "").strip()[:500] or None, created_at=now)
    db.session.add(application)
    flush_unique(AlreadyApplied())
    record_event(user, ProjectEvent.APPLIED, application, after={"position_id": position.id}, now=now)
    return application


def get_application_for_manager(user, application_id) -> Application:
    application = get_by_id(Application, application_id)
    if application is None:
        raise NotFound()
    permissions.ensure(user, "project.manage", application)
    return application


def decide_application(actor, application: Application, decision: str, *, now: datetime) -> Application:
    """Accept or decline a pending application. Capacity holds under concurrency: the place is
    taken by one conditional UPDATE, which fails for everyone once the position is full."""
    permissions.ensure(actor, "project.manage", application)
    if decision not in APPLICATION_DECISIONS:
        raise ValidationFailed(fields={"decision": [_l("Choose accepted or declined.")]})
    if not application.position.project.accepts_decisions():
        raise NotRecruiting(_l("Applications are decided while the project recruits or runs."))
    claimed = db.session.execute(
        sa.update(Application).where(Application.id == application.id, Application.state == ApplicationState.PENDING)
        .values(state=decision, decided_by_id=actor.id, decided_at=now)
        .execution_options(synchronize_session=False))
    if claimed.rowcount != 1:
        raise ApplicationDecided()
    if decision == ApplicationState.ACCEPTED:
        took_place = db.session.execute(
            sa.update(Position).where(Position.id == application.position_id, ~Position.is_full)
            .values(accepted_count=Position.accepted_count + 1)
            .execution_options(synchronize_session=False))
        if took_place.rowcount != 1:
            raise PositionFull()
    db.session.expire(application)
    db.session.expire(application.position)
    event = ProjectEvent.ACCEPTED if decision == ApplicationState.ACCEPTED else ProjectEvent.DECLINED
    record_event(actor, event, application, after={"state": decision, "volunteer_id": application.volunteer_id},
                 now=now)
    return application


def get_own_application(user, application_id) -> Application:
    application = get_by_id(Application, application_id)
    volunteer = getattr(user, "volunteer", None)
    if application is None or volunteer is None or application.volunteer_id != volunteer.id:
        raise NotFound()
    return application


def withdraw_application(user, application: Application, *, now: datetime) -> Application:
    was = application.state
    if application.position.project.delegated:
        raise ApplicationClosed(_l("Your place here comes with your practice programme; ask its league office."))
    if not application.position.project.accepts_decisions():
        raise ProjectFinished()
    if not application.is_live:
        raise ApplicationClosed()
    changed = db.session.execute(
        sa.update(Application).where(Application.id == application.id, Application.state == was)
        .values(state=ApplicationState.WITHDRAWN, decided_at=now).execution_options(synchronize_session=False))
    if changed.rowcount != 1:
        raise ApplicationClosed(_l("This application changed just now. Please reload."))
    if was == ApplicationState.ACCEPTED:
        db.session.execute(sa.update(Position).where(Position.id == application.position_id)
                           .values(accepted_count=Position.accepted_count - 1))
    db.session.expire(application)
    db.session.expire(application.position)
    record_event(user, ProjectEvent.WITHDRAWN, application, before={"state": was},
                 after={"state": ApplicationState.WITHDRAWN}, now=now)
    return application


def applications_of(user) -> list[Application]:
    volunteer = getattr(user, "volunteer", None)
    if volunteer is None:
        return []
    load = sa.orm.selectinload
    return db.session.scalars(sa.select(Application).where(Application.volunteer_id == volunteer.id)
                              .options(load(Application.position).selectinload(Position.project)
                                       .selectinload(Project.stations))
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
               Application.is_accepted).limit(1)) is not None


def may_serve(project: Project, volunteer: Volunteer) -> bool:
    """Who serves on a project, by a scan or recorded without one: anyone registered, or on a
    roster project only those accepted for one of its positions."""
    return not project.roster_required or is_on_roster(project, volunteer)


def roster(project: Project) -> list[Application]:
    return db.session.scalars(
        sa.select(Application).join(Application.position)
        .where(Position.project_id == project.id, Application.is_accepted)
        .order_by(Position.id, Application.id)).all()


