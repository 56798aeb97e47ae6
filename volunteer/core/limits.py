"""Rate limits shared by the web and the API, read from the configuration at request time."""
from flask import current_app


def login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def registration_limit() -> str:
    return current_app.config["REGISTRATION_RATE_LIMIT"]
