"""Who is calling the API: a bearer token, or the web session with a CSRF token for writes."""
from __future__ import annotations

import functools

from flask import g, request
from flask_login import current_user

from volunteer.accounts.services import user_for_token
from volunteer.core.errors import InvalidToken, NotAuthenticated
from volunteer.core.time import utcnow
from volunteer.extensions import csrf

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
BEARER = [{"bearerAuth": []}]  # an endpoint's OpenAPI security: the bearer token



def resolve_api_user() -> None:
    if not request.path.startswith("/api/"):
        return
    g.api_user = g.api_token = None
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _, raw = header.partition(" ")
        found = user_for_token(raw.strip(), now=utcnow()) if scheme.lower() == "bearer" and raw else None
        if found is None:
            raise InvalidToken()
        g.api_user, g.api_token = found
    elif current_user.is_authenticated:
        # A browser's cookie alone never authorises a write: cross-site forms could send it.
        if request.method not in SAFE_METHODS:
            csrf.protect()
        g.api_user = current_user._get_current_object()


def api_user():
    return g.get("api_user")


def login_required(view):
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if g.get("api_user") is None:
            raise NotAuthenticated()
        return view(*args, **kwargs)
    return wrapper
