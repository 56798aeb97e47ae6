"""What every page of the web shares: signing in and out, following ``next`` safely, a form
submitted to a service and committed once, field errors shown beside the fields, the query
string of list pages."""
from __future__ import annotations

from urllib.parse import urlencode, urlsplit

from flask import current_app, flash, request, session
from flask_login import login_user, logout_user

from volunteer.accounts import services as account_services
from volunteer.core.errors import Conflict, ValidationFailed
from volunteer.core.time import utcnow
from volunteer.extensions import db

# The cookie's key for the token of the browser session (accounts.services.sessions).
SESSION_TOKEN = "session_token"


def sign_in(user) -> None:
    """Sign ``user`` in with a new session, kept in the database, and a new CSRF token: neither
    the session nor the token a page showed before signing in (to whoever used the browser
    then) works after. What is kept across signing in on purpose stays (a scanned station code
    waiting for its volunteer). Commits."""
    session.pop(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)  # Flask-WTF makes a new one
    account_services.end_session(session.get(SESSION_TOKEN), now=utcnow())
    session[SESSION_TOKEN] = account_services.start_session(user, now=utcnow())
    db.session.commit()
    login_user(user)


def sign_out() -> None:
    """End this browser's session for good (a copy of the cookie no longer works). Commits."""
    account_services.end_session(session.pop(SESSION_TOKEN, None), now=utcnow())
    db.session.commit()
    logout_user()


def safe_next(target: str | None, fallback: str) -> str:
    """Only local paths are followed after sign-in or a language switch (no open redirect)."""
    if not target:
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return fallback
    return target


def form_failed(form, exc: ValidationFailed | Conflict, field_map: dict[str, str] | None = None) -> None:
    """Show a service's field errors beside the form's fields (or as a flash when none match)."""
    field_map = field_map or {}
    for name, messages in exc.fields.items():
        field = getattr(form, field_map.get(name, name.replace(".", "_")), None)
        for message in messages:
            if field is not None:
                field.errors = list(field.errors) + [str(message)]
            else:
                flash(str(message), "error")
    if not exc.fields:
        flash(str(exc.message), "error")


def submit(form, action, *, field_map: dict[str, str] | None = None):
    """Validate ``form``, run the service call ``action`` and commit once. Returns what the
    service returned (True if nothing), or None when the form was not submitted or not valid:
    its errors are then shown beside the fields and nothing is written."""
    if not form.validate_on_submit():
        return None
    try:
        result = action()
    except (ValidationFailed, Conflict) as exc:
        db.session.rollback()
        form_failed(form, exc, field_map)
        return None
    db.session.commit()
    return True if result is None else result


def flash_form_errors(form) -> None:
    """A form posted from a list (not re-rendered): its errors go to the page it returns to."""
    for field in form:
        for message in field.errors:
            flash(f"{field.label.text}: {message}", "error")


def query_url(base: str | None = None, *, drop: tuple = (), **changes) -> str:
    """This request's query string on this page (or the path ``base``), some values changed. It
    is appended, never passed to url_for: ?endpoint=… or ?_external=… must not reach its arguments."""
    args = [(k, v) for k, v in request.args.items(multi=True) if k not in changes and k not in drop]
    args += [(k, v) for k, v in changes.items() if v is not None]
    return (base or request.path) + ("?" + urlencode(args) if args else "")


