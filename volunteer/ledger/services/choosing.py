"""What a manager chooses from to record service without a scan (补录): the projects that take
manual entries in their scope, and the volunteers who may serve on the chosen one, found by name
or volunteer number."""
from __future__ import annotations

import sqlalchemy as sa

from volunteer.accounts import services as accounts
from volunteer.accounts.models import Volunteer
from volunteer.core import get_by_id, permissions
from volunteer.extensions import db
from volunteer.projects.models import Application, Position, Project


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


def may_be_recorded(user, project: Project) -> sa.ColumnElement[bool]:
    """Whom the finder offers for recording service on the project, as a clause on Volunteer: its
    roster on a roster project; otherwise those whose home is in the user's scope or who were
    accepted on it (the service takes anyone who may serve there, as check-in does: someone of
    another town who served on an open project; the finder only keeps other towns' people out
    of a manager's search)."""
    accepted = (sa.select(Application.volunteer_id).join(Application.position)
                .where(Position.project_id == project.id, Application.is_accepted))
    if project.roster_required:
        return Volunteer.id.in_(accepted)
    return sa.or_(permissions.in_scope(user, "volunteer.view", Volunteer.organisation_id), Volunteer.id.in_(accepted))


def candidates(user, project: Project, search: str | None) -> list[Volunteer]:
    """Those whose service the user may record on the project (may_be_recorded) matching a name
    or number."""
    search = (search or "").strip()
    if not search:
        return []
    return db.session.scalars(
        sa.select(Volunteer).where(may_be_recorded(user, project), Volunteer.is_active, accounts.matching(search))
        .order_by(Volunteer.name, Volunteer.id).limit(accounts.VOLUNTEERS_OFFERED)).all()
