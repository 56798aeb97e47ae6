"""Stations' refusals, one class per code."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from volunteer.core.errors import Conflict, DomainError


class AlreadyLead(Conflict):
    code = "already_lead"
    default_message = _l("This person already leads the station.")


class CodeRefused(DomainError):
    """A scanned code that does not check in. ``station`` is set once the code is known to name
    a station, so the scan log can say where."""

    status = 400
    station = None


class InvalidCode(CodeRefused):
    """Not a code of ours, or one of a station whose codes were replaced."""

    code = "invalid_code"
    default_message = _l("This is not a valid station code.")


class ExpiredCode(CodeRefused):
    code = "expired_code"
    default_message = _l("This code has expired. Scan the code on the station's screen again.")


class RotatingCodeRequired(InvalidCode):
    """The station (or the project) accepts only the code on its screen: a printed one is not valid here."""

    code = "rotating_code_required"
    default_message = _l("This station accepts only the code on its screen.")
