"""Projects another domain runs (a practice programme's time at a host unit, its pre-post
training): made already running at the owner's stations, moved as the owner moves, their roster
enrolled by the owner. Their managers see them as any project but do not move them, and nobody
applies to them. Each change is in the event log as the managers' own would be."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa

from volunteer.accounts.models import Volunteer
from volunteer.core import permissions
from volunteer.core.audit import record_event
from volunteer.extensions import db
from volunteer.organisations.models import Organisation
from volunteer.projects.models import Application, Position, Project, ProjectTransition
from volunteer.projects.vocabulary import ApplicationState, Category, ProjectEvent, ProjectState
from volunteer.stations.models import Station


def open_delegated(actor, organisation: Organisation, *, title: str, description: str, stations: list[Station],
                   starts_on: date | None, ends_on: date | None, position_title: str, note: str,
                   shifts_only: bool = False, now: datetime) -> Position:
    """A running project of social practice with one position, its roster required; the
    position's places grow with the roster (``enrol``). ``shifts_only``: check-in only during a
    shift the volunteer holds a place on (a training's sessions)."""
    permissions.ensure(actor, "project.manage", organisation)
    project = Project(organisation=organisation, title=title[:200], category=Category.PRACTICE, description=description,
                      starts_on=starts_on, ends_on=ends_on, roster_required=True, delegated=True,
                      shifts_only=shifts_only,
                      state=ProjectState.RUNNING, stations=stations, created_by_id=actor.id, created_at=now,
                      updated_at=now)
    position = Position(project=project, title=position_title[:120], capacity=1, created_at=now)
    db.session.add_all([project, position])
    db.session.add(ProjectTransition(project=project, from_state=ProjectState.DRAFT, to_state=ProjectState.RUNNING,
                                     actor_id=actor.id, comment=note, occurred_at=now))
    db.session.flush()
    record_event(actor, ProjectEvent.CREATED, project, after={"title": project.title, "state": project.state},
                 note=note, now=now)
    record_event(actor, ProjectEvent.POSITION_CREATED, position, after={"title": position.title}, now=now)
    return position


def follow(actor, project: Project, target: str, *, note: str, now: datetime) -> None:
    """Move a delegated project as its owner moved (a repeat changes nothing)."""
    previous = project.state
    if not project.delegated or previous == target:
        return
    db.session.execute(sa.update(Project).where(Project.id == project.id)
                       .values(state=target, updated_at=now).execution_options(synchronize_session=False))
    project.state = target
    db.session.add(ProjectTransition(project=project, from_state=previous, to_state=target, actor_id=actor.id,
                                     comment=note, occurred_at=now))
    record_event(actor, ProjectEvent.TRANSITION, project, before={"state": previous}, after={"state": target},
                 note=note, now=now)


def enrol(actor, position: Position, volunteer: Volunteer, *, now: datetime) -> Application:
    """Put the volunteer on a delegated project's roster (accepted, the place made for them); a
    repeat changes nothing. ``actor`` None: the system, as the owner's rule says."""
    application = db.session.scalar(sa.select(Application).where(
        Application.position_id == position.id, Application.volunteer_id == volunteer.id,
        Application.state == ApplicationState.ACCEPTED))
    if application is not None:
        return application
    db.session.execute(sa.update(Position).where(Position.id == position.id).values(
        accepted_count=Position.accepted_count + 1,
        capacity=sa.case((Position.capacity > Position.accepted_count, Position.capacity),
                         else_=Position.accepted_count + 1))
        .execution_options(synchronize_session=False))
    db.session.expire(position)
    application = Application(position=position, volunteer=volunteer, state=ApplicationState.ACCEPTED,
                              decided_by_id=actor.id if actor is not None else None, decided_at=now, created_at=now)
    db.session.add(application)
    db.session.flush()
    record_event(actor, ProjectEvent.ENROLLED, application, after={"volunteer_id": volunteer.id}, now=now)
    return application
