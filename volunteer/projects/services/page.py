"""What the project page shows a user beyond the project itself."""
from __future__ import annotations

from volunteer.projects import lifecycle
from volunteer.projects.models import Project
from volunteer.projects.services.applications import applications_of
from volunteer.projects.services.evaluation import figures_for
from volunteer.projects.services.projects import allowed_transitions, caller_for, resource_totals
from volunteer.projects.services.reading import may_manage


def page_context(user, project: Project) -> dict:
    manages = may_manage(user, project)
    signed_in = getattr(user, "is_authenticated", False)
    return {
        "manages": manages,
        # the moves allowed_transitions allows (none to the anonymous, none on a delegated project)
        "transitions": lifecycle.moves(project.state, caller_for(user, project))
        if allowed_transitions(user, project) else [],
        "applied": {a.position_id: a for a in applications_of(user) if a.is_live} if signed_in else {},
        "totals": resource_totals(project) if manages or project.is_public else [],
        "figures": figures_for(project),
    }
