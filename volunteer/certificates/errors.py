"""Certificates' refusals, one class per code."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from volunteer.core.errors import Conflict


class NoApprovedHours(Conflict):
    code = "no_approved_hours"
    default_message = _l("There are no approved hours to certify for this volunteer and period.")


class AlreadyRevoked(Conflict):
    code = "already_revoked"
    default_message = _l("This certificate has already been revoked.")


class NotRevoked(Conflict):
    code = "not_revoked"
    default_message = _l("Revoke the certificate before issuing it again.")


class RequestPending(Conflict):
    code = "request_pending"
    default_message = _l("You already have a request waiting; the admin will answer it.")


class RequestAnswered(Conflict):
    code = "request_answered"
    default_message = _l("This request has already been answered.")


class BatchNotStopped(Conflict):
    code = "not_stopped"


class AlreadyCertified(Conflict):
    code = "already_certified"
    default_message = _l("The volunteer already holds a valid certificate of these same hours.")


class IssuedElsewhere(Conflict):
    """A practice certificate states a programme's evaluation, which its programme's page issues."""

    code = "issued_elsewhere"
    default_message = _l("A practice certificate is issued again from its programme's page.")
