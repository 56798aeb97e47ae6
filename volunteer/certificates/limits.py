"""The rate limit on verifying certificates, shared by the web page and the API."""
from flask import current_app


def verification_limit() -> str:
    return current_app.config["VERIFY_RATE_LIMIT"]


def verification_limits(limiter):
    """One counter per client address for the web page and the API: guessing codes is slow."""
    return limiter.shared_limit(verification_limit, scope="certificate-verify")
