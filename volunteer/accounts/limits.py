"""Rate limits on signing in and registering, shared by the web and the API, read from the
configuration at request time.

Sign-in has two counters, each shared by the web form and the API token endpoint: one per client
address, and one per login (phone or e-mail), so spreading guesses over many addresses does not
help either."""
import hashlib

from flask import current_app, request

from volunteer.accounts.services import normalise_login


def login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def login_account_limit() -> str:
    return current_app.config["LOGIN_ACCOUNT_RATE_LIMIT"]


def registration_limit() -> str:
    return current_app.config["REGISTRATION_RATE_LIMIT"]


def login_key() -> str:
    data = request.get_json(silent=True) if request.is_json else request.form
    login = data.get("login", "") if isinstance(data, dict) or hasattr(data, "get") else ""
    return "login:" + hashlib.sha256(normalise_login(str(login)).encode()).hexdigest()[:24]


def login_limits(limiter):
    """The two sign-in limits, as one decorator for the web view and the API endpoint."""
    per_address = limiter.shared_limit(login_limit, scope="login-address", methods=["POST"])
    per_account = limiter.shared_limit(login_account_limit, scope="login-account",
                                       key_func=login_key, methods=["POST"])

    def decorate(view):
        return per_address(per_account(view))
    return decorate
