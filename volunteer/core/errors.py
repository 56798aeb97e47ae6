"""Typed domain errors with a stable code and a translatable message.

Services raise them; the web turns them into flash messages or error pages, the API into
``{"error": {"code", "message", "fields"?}}`` with the status below. Each code is declared by
one class (here, or in its domain's ``errors.py``) and means one thing wherever it is raised; a
subclass may only say it more precisely (its own default message, keeping the code), and a raise
may pass a message of its own.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l


class DomainError(Exception):
    status = 400
    code = "bad_request"
    default_message = _l("The request could not be processed.")

    def __init__(self, message=None, *, fields: dict | None = None, extra: dict | None = None):
        self.message = message if message is not None else self.default_message
        self.fields = fields or {}
        self.extra = extra or {}  # more for the client beside the message, e.g. the projects to choose from
        super().__init__(str(self.code))

    def to_dict(self) -> dict:
        body = {"code": self.code, "message": str(self.message), **self.extra}
        if self.fields:
            body["fields"] = {name: [str(m) for m in msgs] for name, msgs in self.fields.items()}
        return body


def domain_codes() -> set[str]:
    """The code of every DomainError class loaded (each domain's errors.py)."""
    found, classes = set(), [DomainError]
    while classes:
        cls = classes.pop()
        found.add(cls.code)
        classes.extend(cls.__subclasses__())
    return found


class ValidationFailed(DomainError):
    """Bad input; ``fields`` maps each field to its messages."""

    status = 422
    code = "validation_failed"
    default_message = _l("Some fields are not valid.")


class NotAuthenticated(DomainError):
    status = 401
    code = "unauthenticated"
    default_message = _l("Please sign in first.")


class InvalidToken(NotAuthenticated):
    """A bearer token that is unknown, expired or revoked."""

    code = "invalid_token"


class InvalidCredentials(DomainError):
    status = 401
    code = "invalid_credentials"
    default_message = _l("Wrong login or password.")


class Forbidden(DomainError):
    status = 403
    code = "forbidden"
    default_message = _l("You are not allowed to do this.")


class NotFound(DomainError):
    status = 404
    code = "not_found"
    default_message = _l("Not found.")


class Conflict(DomainError):
    status = 409
    code = "conflict"
    default_message = _l("This conflicts with the current state of the record.")


class AlreadyDecided(Conflict):
    """Someone decided on this record already (an application, a ledger entry): reload to see how."""

    code = "already_decided"
    default_message = _l("Someone has already decided on this. Reload to see the decision.")


class TooManyAttempts(DomainError):
    """Come back later: ``retry_after`` seconds (also the Retry-After header)."""

    status = 429
    code = "rate_limited"
    default_message = _l("Too many attempts. Please wait a minute and try again.")

    def __init__(self, message=None, *, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after


class FieldErrors:
    """Collects field messages so a form reports every problem at once."""

    def __init__(self):
        self.fields: dict[str, list] = {}

    def add(self, field: str, message) -> None:
        self.fields.setdefault(field, []).append(message)

    def __contains__(self, field: str) -> bool:
        return field in self.fields

    def raise_if_any(self) -> None:
        if self.fields:
            raise ValidationFailed(fields=self.fields)
