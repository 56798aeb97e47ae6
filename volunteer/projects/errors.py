"""Projects' refusals, one class per code."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from volunteer.core.errors import AlreadyDecided, Conflict, Forbidden


class NotEditable(Conflict):
    code = "not_editable"
    default_message = _l("Only a draft or rejected project can be edited.")


class InvalidTransition(Conflict):
    """No such move from the project's state (or someone moved it just now)."""

    code = "invalid_transition"


class EvaluationRequired(Conflict):
    code = "evaluation_required"
    default_message = _l("Record the evaluation before closing the project.")


class ScreeningOwnProject(Forbidden):
    default_message = _l("Another league admin must screen a project you submitted.")


class ProjectFinished(Conflict):
    code = "project_finished"
    default_message = _l("This project is finished.")


class NotRecruiting(Conflict):
    code = "not_recruiting"
    default_message = _l("This project is not taking applications now.")


class PositionFull(Conflict):
    code = "position_full"
    default_message = _l("This position is full.")


class AlreadyApplied(Conflict):
    code = "already_applied"
    default_message = _l("You have already applied for this position.")


class AlreadyDeclined(Conflict):
    code = "already_declined"
    default_message = _l("The manager has declined your application for this position.")


class ApplicationDecided(AlreadyDecided):
    default_message = _l("This application has already been decided or withdrawn.")


class ApplicationClosed(Conflict):
    """Withdrawing an application that is no longer pending or accepted."""

    code = "application_closed"
    default_message = _l("This application is already closed.")


class NotEvaluating(Conflict):
    code = "not_evaluating"
    default_message = _l("The evaluation is recorded while the project is being evaluated.")


class AlreadyEvaluated(Conflict):
    code = "already_evaluated"
    default_message = _l("Someone else recorded the evaluation just now. Please reload.")
