"""Accounts' refusals, one class per code."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from volunteer.core.errors import Conflict, DomainError, Forbidden, TooManyAttempts, ValidationFailed


class NotAVolunteer(Forbidden):
    """The caller has no volunteer profile, or has closed it."""

    code = "not_a_volunteer"
    default_message = _l("Only registered volunteers can do this. Please complete your volunteer registration.")


class AlreadyMember(Conflict):
    code = "already_member"
    default_message = _l("This person already has this role here.")


class OwnAdminRole(Forbidden):
    """An admin removing their own admin role could lock an organisation out."""

    default_message = _l("Ask another admin to remove your own admin role.")


class SignInWaits(TooManyAttempts):
    """This account, or this address for it, must wait before the next try (accounts/limits.py)."""

    def __init__(self, retry_after: int):
        super().__init__(_l("Too many failed sign-ins for this account. Please try again in %(seconds)s seconds.",
                            seconds=retry_after), retry_after=retry_after)


class ResetWaits(TooManyAttempts):
    """Codes were asked for this login (known or not) too often lately (accounts/limits.py)."""

    def __init__(self, retry_after: int):
        super().__init__(_l("Too many codes were asked for. Please try again in %(minutes)s minutes.",
                            minutes=max(1, -(-retry_after // 60))), retry_after=retry_after)


class CodeNotSent(DomainError):
    """No channel of the account took the code (no SMS provider, the mail server down)."""

    status = 503
    code = "code_not_sent"
    default_message = _l("The code could not be sent. Please try again later.")


class ResetCodeRefused(ValidationFailed):
    """A code that is wrong, used, expired, or tried too often: the wrong try it was is counted,
    so the caller commits before answering (the refusal changed the code's count)."""
