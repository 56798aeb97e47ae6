"""Errors in the user's language (an HTML page, or the API's JSON shape) and security headers."""
from __future__ import annotations

from flask import Flask, jsonify, make_response, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from volunteer.core.edge import RefusedInput
from volunteer.core.errors import DomainError, domain_codes
from volunteer.extensions import db

HTTP_CODES = {
    400: ("bad_request", _l("The request could not be processed.")),
    401: ("unauthenticated", _l("Please sign in first.")),
    403: ("forbidden", _l("You are not allowed to do this.")),
    404: ("not_found", _l("Not found.")),
    405: ("method_not_allowed", _l("This method is not allowed here.")),
    409: ("conflict", _l("This conflicts with the current state of the record.")),
    413: ("too_large", _l("The upload is too large.")),
    415: ("unsupported_media_type", _l("Please send JSON.")),
    422: ("validation_failed", _l("Some fields are not valid.")),
    429: ("rate_limited", _l("Too many attempts. Please wait a minute and try again.")),
    500: ("internal_error", _l("Something went wrong on our side. Please try again later.")),
}

# marshmallow's stock messages, so that API field errors come in the caller's language too.
FIELD_MESSAGES = {
    "Missing data for required field.": _l("This field is required."),
    "Field may not be null.": _l("This field may not be empty."),
    "Not a valid string.": _l("Must be text."),
    "Not a valid integer.": _l("Must be a whole number."),
    "Not a valid number.": _l("Must be a number."),
    "Not a valid boolean.": _l("Must be true or false."),
    "Not a valid email address.": _l("This is not a valid e-mail address."),
    "Not a valid date.": _l("Must be a date (YYYY-MM-DD)."),
    "Not a valid datetime.": _l("Must be a date and time (ISO 8601)."),
    "Not a valid UUID.": _l("Must be a UUID."),
    "Invalid input type.": _l("Must be an object."),
    "Unknown field.": _l("Unknown field."),
}


def error_codes() -> list[str]:
    """Every code an error answer may carry: the domains' and the HTTP ones (for the OpenAPI enum)."""
    return sorted(domain_codes() | {code for code, _message in HTTP_CODES.values()} | {"csrf_failed"})


def is_api_request() -> bool:
    return request.path.startswith("/api/")


def api_error(status: int, code: str, message, fields: dict | None = None):
    body = {"code": code, "message": str(message)}
    if fields:
        body["fields"] = fields
    response = jsonify({"error": body})
    response.status_code = status
    return response


def _flatten_marshmallow(messages: dict) -> dict:
    """``{"json": {"guardian": {"name": [...]}}}`` → ``{"guardian.name": [...]}``, translated."""
    flat: dict[str, list[str]] = {}

    def walk(prefix, value):
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(f"{prefix}.{key}" if prefix else str(key), inner)
        else:
            items = value if isinstance(value, list) else [value]
            flat.setdefault(prefix or "_schema", []).extend(
                str(FIELD_MESSAGES.get(m, m)) if isinstance(m, str) else str(m)
                for m in items)

    for inner in (messages or {}).values():
        walk("", inner)
    return flat


def _error_page(status: int, message=None):
    code, default = HTTP_CODES.get(status, HTTP_CODES[500] if status >= 500 else HTTP_CODES[400])
    return render_template("errors/error.html", status=status,
                           message=str(message or default)), status


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def domain_error(exc: DomainError):
        if is_api_request():
            response = jsonify({"error": exc.to_dict()})
            response.status_code = exc.status
        else:
            response = make_response(_error_page(exc.status, exc.message))
        if getattr(exc, "retry_after", None):
            response.headers["Retry-After"] = str(exc.retry_after)
        return response

    @app.errorhandler(RefusedInput)
    def refused_input(exc: RefusedInput):
        if exc.message is not None:  # not JSON we can read
            return api_error(400, "bad_request", exc.message) if is_api_request() else _error_page(400, exc.message)
        if is_api_request():
            return api_error(422, "validation_failed", HTTP_CODES[422][1],
                             {name: [str(m) for m in messages] for name, messages in exc.fields.items()})
        return _error_page(422, _("What you entered holds control characters (such as NUL): please remove them "
                                  "and try again."))

    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError):
        message = _("The form has expired or did not come from this site. Please reload the page and try again.")
        if is_api_request():
            return api_error(400, "csrf_failed", message)
        return _error_page(400, message)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        status = exc.code or 500
        if is_api_request():
            code, message = HTTP_CODES.get(status, ("error", exc.description))
            data = getattr(exc, "data", None) or {}
            fields = _flatten_marshmallow(data.get("messages")) if status == 422 else None
            response = api_error(status, code, message, fields)
        else:
            response = make_response(_error_page(status))
        # what the exception's own answer says beside its body: which methods are allowed (405),
        # when to come back (429)
        for header in ("Allow", "Retry-After"):
            if exc.get_response().headers.get(header):
                response.headers[header] = exc.get_response().headers[header]
        return response

    @app.errorhandler(InternalServerError)
    def internal_error(exc):
        db.session.rollback()
        if is_api_request():
            code, message = HTTP_CODES[500]
            return api_error(500, code, message)
        return _error_page(500)


CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
       "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")


def register_security_headers(app: Flask) -> None:
    @app.after_request
    def security_headers(response):
        headers = response.headers
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("Content-Security-Policy", CSP)
        headers.setdefault("Permissions-Policy", "camera=(self), geolocation=(self), microphone=()")
        if request.endpoint != "static":
            # Pages and answers carry personal data: never kept by shared caches.
            headers.setdefault("Cache-Control", "no-store")
        if app.config.get("SESSION_COOKIE_SECURE"):
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        return response
