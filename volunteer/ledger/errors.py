"""The ledger's refusals, one class per code."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from volunteer.core.errors import AlreadyDecided, Conflict, Forbidden


class EntryDecided(AlreadyDecided):
    default_message = _l("Someone has already decided on this entry. Reload to see the decision.")


class OwnHours(Forbidden):
    code = "own_hours"
    default_message = _l("Nobody decides on their own hours.")


class NeedsHigherApproval(Forbidden):
    """The day's credited total is past what this person may approve."""

    code = "needs_higher_approval"


class NotDecided(Conflict):
    code = "not_decided"
    default_message = _l("Only a decided entry is corrected; decide on a pending one instead.")


class AlreadyCorrected(Conflict):
    code = "already_corrected"
    default_message = _l("This entry has already been corrected; correct the newest figure.")


class ProjectNotServing(Conflict):
    code = "project_not_serving"
    default_message = _l("Hours are recorded for a project that is running, paused or being evaluated.")


class AlreadyDisputed(Conflict):
    code = "already_disputed"
    default_message = _l("This entry is already disputed; whoever decides on it has your note.")


class DisputeResolved(Conflict):
    code = "dispute_resolved"
    default_message = _l("This dispute has already been answered.")


class ExportTooLarge(Conflict):
    code = "export_too_large"
