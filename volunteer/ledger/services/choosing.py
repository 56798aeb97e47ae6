"""What a manager chooses from to record service without a scan (补录): the projects that take
manual entries in their scope, and the volunteers who may serve on the chosen one, found by name
or volunteer number."""
from __future__ import annotations

import sqlalchemy as sa

from volunteer.accounts.models import Volunteer
from volunteer.core import get_by_id, permissions
from volunteer.extensions import db
from volunteer.projects.models import Application, Position, Project

CANDIDATES_SHOWN = 20


def recordable_projects(user) -> list[Project]:
    """The user's projects that take manual entries now (Project.MANUAL_ENTRY_STATES)."""
    projects = db.session.scalars(
        sa.select(Project).where(permissions.in_scope(user, "project.manage", Project.organisation_id),
                                 Project.state.in_(Project.MANUAL_ENTRY_STATES))
        .order_by(Project.title).limit(500)).all()
    return list(projects)


def recordable_project(user, project_id) -> Project | None:
    project = get_by_id(Project, project_id)
    if project is None or not permissions.can(user, "project.manage", project):
        return None
    return project


def candidates(user, project: Project, search: str | None) -> list[Volunteer]:
    """Volunteers matching a name or number who may serve on the project: its roster on a roster
    project; otherwise those whose home is in the user's scope or who were accepted on it."""
    search = (search or "").strip()
    if not search:
        return []
    accepted = (sa.select(Application.volunteer_id).join(Application.position)
                .where(Position.project_id == project.id, Application.is_accepted))
    if project.roster_required:
        who = Volunteer.id.in_(accepted)
    else:
        who = sa.or_(permissions.in_scope(user, "volunteer.view", Volunteer.organisation_id), Volunteer.id.in_(accepted))
    return db.session.scalars(
        sa.select(Volunteer).where(who, Volunteer.closed_at.is_(None),
                                   sa.or_(Volunteer.volunteer_no == search.upper(),
                                          Volunteer.name.contains(search, autoescape=True)))
        .order_by(Volunteer.name, Volunteer.id).limit(CANDIDATES_SHOWN)).all()
