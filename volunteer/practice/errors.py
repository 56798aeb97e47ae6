"""Practice programmes' refusals, one class per code."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from volunteer.core.errors import Conflict


class NotInStage(Conflict):
    """The programme is not at the stage this step belongs to (posts are offered while it collects
    them, students apply while applications are open, units choose during two-way selection)."""

    code = "programme_not_in_stage"
    default_message = _l("The programme is not at the stage for this.")


class PostNotEditable(Conflict):
    code = "post_not_editable"
    default_message = _l("Only a post waiting for the league or returned to the unit can be changed.")


class AlreadyApplied(Conflict):
    code = "already_applied"
    default_message = _l("You have already applied to this programme.")


class ChoiceClosed(Conflict):
    """The choice has moved on (someone else decided it just now, or the student is placed)."""

    code = "choice_closed"
    default_message = _l("This choice is no longer open. Please reload.")


class PostFull(Conflict):
    code = "post_full"
    default_message = _l("Every place on this post is taken.")


class AlreadyPlaced(Conflict):
    code = "already_placed"
    default_message = _l("The student has already accepted a place.")
