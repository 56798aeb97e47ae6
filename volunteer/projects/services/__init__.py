"""Use cases of projects, by module: reading and the library's search (reading), creating,
editing, the lifecycle and resources (projects), positions and applications (applications), the
evaluation and its figures (evaluation), and what the project page shows (page). Callers import
them from here."""
from volunteer.projects.services.applications import (
    add_position,
    applications_for_project,
    applications_of,
    apply_for_position,
    decide_application,
    get_application_for_manager,
    get_own_application,
    get_position_for,
    is_on_roster,
    may_serve,
    roster,
    withdraw_application,
)
from volunteer.projects.services.delegated import enrol, follow, open_delegated
from volunteer.projects.services.evaluation import (
    computed_figures,
    figures_for,
    get_attachment_for,
    save_evaluation,
)
from volunteer.projects.services.page import page_context
from volunteer.projects.services.projects import (
    add_resource,
    allowed_transitions,
    caller_for,
    create_project,
    resource_totals,
    transition_project,
    update_project,
)
from volunteer.projects.services.reading import (
    ensure_visible,
    get_editable_project,
    get_managed_project,
    get_project_for,
    get_project_to_evaluate,
    is_visible_to,
    may_manage,
    organisation_choices,
    projects_by_id,
    projects_to_screen,
    search_projects,
)

__all__ = [
    "add_position", "add_resource", "allowed_transitions", "applications_for_project", "applications_of",
    "apply_for_position", "caller_for", "computed_figures", "create_project", "decide_application",
    "enrol", "ensure_visible", "figures_for", "follow", "open_delegated", "get_application_for_manager", "get_attachment_for", "get_editable_project", "get_managed_project",
    "get_own_application", "get_position_for", "get_project_for", "get_project_to_evaluate", "is_on_roster", "is_visible_to", "may_manage", "may_serve",
    "organisation_choices", "page_context", "projects_by_id",
    "resource_totals", "roster", "save_evaluation", "projects_to_screen", "search_projects", "transition_project", "update_project",
    "withdraw_application",
]
