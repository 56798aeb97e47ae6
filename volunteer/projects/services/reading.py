"""Reading projects: who sees which, one project for a user, the library's search."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from volunteer.core import get_by_id, permissions
from volunteer.core.errors import NotFound
from volunteer.extensions import db
from volunteer.organisations.models import Organisation, OrganisationAncestor
from volunteer.organisations.services import get_by_code, indented_choices
from volunteer.projects.errors import NotEditable, NotEvaluating
from volunteer.projects.models import Application, Position, Project
from volunteer.projects.vocabulary import ProjectState


def may_manage(user, project: Project) -> bool:
    return permissions.can(user, "project.manage", project)


def _has_applied(user, project: Project) -> bool:
    volunteer = getattr(user, "volunteer", None) if getattr(user, "is_authenticated", False) else None
    return volunteer is not None and db.session.scalar(
        sa.select(Application.id).join(Application.position)
        .where(Position.project_id == project.id, Application.volunteer_id == volunteer.id).limit(1)) is not None


def is_visible_to(user, project: Project) -> bool:
    """Whether the user may open the project's page (ensure_visible, as a question)."""
    return project.is_public or permissions.can(user, "project.view", project) or _has_applied(user, project)


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


def projects_by_id(project_ids) -> dict[int, Project]:
    """These projects in one query (a list of someone's service names them)."""
    ids = set(project_ids)
    if not ids:
        return {}
    return {p.id: p for p in db.session.scalars(sa.select(Project).where(Project.id.in_(ids)))}


def get_managed_project(user, project_id) -> Project:
    project = get_project_for(user, project_id)
    permissions.ensure(user, "project.manage", project)
    return project


def get_editable_project(user, project_id) -> Project:
    """A project its staff may edit now (a draft, or rejected)."""
    project = get_managed_project(user, project_id)
    if not project.is_editable():
        raise NotEditable()
    return project


def get_project_to_evaluate(user, project_id) -> Project:
    """A project whose evaluation its staff record now."""
    project = get_managed_project(user, project_id)
    if not project.accepts_evaluation():
        raise NotEvaluating()
    return project


def projects_to_screen(user) -> sa.Select:
    """Submitted projects the user may screen: in their scope as a league admin, and not their
    own proposals (nobody screens those)."""
    return (sa.select(Project).where(Project.state == ProjectState.SUBMITTED,
                                     permissions.in_scope(user, "project.screen", Project.organisation_id),
                                     Project.submitted_by_id.is_distinct_from(getattr(user, "id", None)))
            .order_by(Project.updated_at, Project.id))


def parse_date(value) -> date | None:
    """A date, or None for nothing or for text that is no date (the caller says which)."""
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
    stmt = sa.select(Project).join(Project.organisation).where(_shown_in(user, view))
    if filters.get("state"):
        stmt = stmt.where(Project.state == filters["state"])
    if filters.get("category"):
        stmt = stmt.where(Project.category == filters["category"])
    if filters.get("organisation"):
        org = get_by_code(str(filters["organisation"]))
        stmt = stmt.where(org.subtree() if org else sa.false())
    starts_from = parse_date(filters.get("starts_from"))
    if starts_from:
        stmt = stmt.where(sa.or_(Project.ends_on.is_(None), Project.ends_on >= starts_from))
    ends_until = parse_date(filters.get("ends_until"))
    if ends_until:
        stmt = stmt.where(sa.or_(Project.starts_on.is_(None), Project.starts_on <= ends_until))
    text = (filters.get("q") or "").strip()
    if text:
        stmt = stmt.where(sa.or_(Project.title.contains(text, autoescape=True),
                                 Project.description.contains(text, autoescape=True)))
    return stmt.order_by(Project.starts_on.desc().nulls_last(), Project.id.desc())




def _shown_in(user, view: str) -> sa.ColumnElement[bool]:
    public = sa.and_(Project.is_public, ~Project.delegated)  # a programme's own: its students know it already
    in_scope = permissions.in_scope(user, "project.view", Project.organisation_id)
    return {"public": public, "staff": in_scope, "visible": sa.or_(public, in_scope)}[view]


def organisation_choices(user, *, view: str = "public", selected: str | None = None) -> list[tuple[str, str]]:
    """The organisations the library can be narrowed to, for its select box: those holding a
    project the view shows and the ones above them (choosing one takes its whole subtree),
    indented by the tree; on the staff view only those within the user's scope. A few hundred
    at most where a province has thousands of villages, most without a project. The chosen one
    stays listed even when it holds none, so the form says what the list is filtered by."""
    holding = sa.select(Project.organisation_id).where(_shown_in(user, view))
    above = sa.select(OrganisationAncestor.ancestor_id).where(OrganisationAncestor.organisation_id.in_(holding))
    stmt = sa.select(Organisation).where(Organisation.id.in_(above))
    if view == "staff":
        stmt = stmt.where(permissions.in_scope(user, "project.view", Organisation.id))
    choices = indented_choices(db.session.scalars(stmt.order_by(Organisation.path)).all())
    chosen = get_by_code(selected) if selected else None
    if chosen is not None and chosen.code not in {code for code, _ in choices} \
            and (view != "staff" or permissions.can(user, "project.view", chosen)):
        choices.append((chosen.code, chosen.name))
    return choices
