"""Rate limits on signing in and registering, shared by the web and the API, read from the
configuration at request time.

Signing in is limited three ways, each shared by the web form and the API token endpoint, so
that guessing is slow and nobody can lock an owner out:

- every attempt per client address (``LOGIN_RATE_LIMIT``, Flask-Limiter);
- failed attempts per account and address (``LOGIN_FAILURE_LIMIT``): one address that keeps
  guessing is stopped for that account only;
- failed attempts per account from anywhere: after ``LOGIN_ACCOUNT_FREE_FAILURES`` in an hour
  each further failure makes the account wait twice as long before the next try (up to
  ``LOGIN_ACCOUNT_MAX_DELAY_SECONDS``), except from an address where it signed in within the
  last 30 days, so a guesser spread over many addresses is slowed to a crawl while the owner,
  from their usual address, still gets in with the right password.

The counters live in the limiter's storage (Redis when REDIS_URL is set, so all workers share
them); accounts and addresses are kept as hashes. Password reset codes are limited likewise, per
login typed and per client address (``count_code_request``, ``reset_limits``)."""
from __future__ import annotations

import hashlib
import math
import time

from flask import current_app, request
from flask_limiter.util import get_remote_address
from limits import parse, parse_many
from redis.exceptions import RedisError

from volunteer.accounts.errors import ResetWaits, SignInWaits
from volunteer.accounts.services import authenticate, normalise_login
from volunteer.core.errors import InvalidCredentials

FAILURE_WINDOW_SECONDS = 60 * 60  # the account's failures count for an hour from the first
KNOWN_ADDRESS_SECONDS = 30 * 24 * 60 * 60


def login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def registration_limit() -> str:
    return current_app.config["REGISTRATION_RATE_LIMIT"]


def reset_address_limit() -> str:
    return current_app.config["PASSWORD_RESET_ADDRESS_LIMIT"]


def login_limits(limiter):
    """The per-address limit on every attempt, as one decorator for the web view and the API."""
    return limiter.shared_limit(login_limit, scope="login-address", methods=["POST"])


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:24]


class _Throttle:
    """The failed-attempt counters of one login from one address."""

    def __init__(self, limiter, login: str, address: str):
        self.strategy, self.storage = limiter.limiter, limiter.storage
        self.account, self.address = _hash(normalise_login(str(login))), _hash(address or "")
        config = current_app.config
        self.per_pair = parse(config["LOGIN_FAILURE_LIMIT"])
        self.free, self.longest = config["LOGIN_ACCOUNT_FREE_FAILURES"], config["LOGIN_ACCOUNT_MAX_DELAY_SECONDS"]

    def key(self, kind: str, *parts: str) -> str:
        return "/".join(("login", kind, self.account, *parts))

    def ensure_may_try(self) -> None:
        if not self.strategy.test(self.per_pair, "login-failures", self.account, self.address):
            reset = self.strategy.get_window_stats(self.per_pair, "login-failures", self.account, self.address)
            raise SignInWaits(max(1, math.ceil(reset.reset_time - time.time())))
        waiting = self.key("wait")
        if self.storage.get(waiting) and not self.storage.get(self.key("known", self.address)):
            raise SignInWaits(max(1, math.ceil(self.storage.get_expiry(waiting) - time.time())))

    def failed(self) -> None:
        self.strategy.hit(self.per_pair, "login-failures", self.account, self.address)
        failures = self.storage.incr(self.key("failures"), FAILURE_WINDOW_SECONDS)
        if failures > self.free:
            delay = min(2 ** min(failures - self.free, 30), self.longest)
            self.storage.clear(self.key("wait"))
            self.storage.incr(self.key("wait"), delay)

    def succeeded(self) -> None:
        self.storage.clear(self.key("known", self.address))
        self.storage.incr(self.key("known", self.address), KNOWN_ADDRESS_SECONDS)


def _unless_storage_is_down(step) -> None:
    """Run a step of the throttle; while Redis is unreachable, signing in goes on under the
    per-address limit alone (which Flask-Limiter then counts in memory) rather than failing."""
    try:
        step()
    except RedisError:
        current_app.logger.warning("sign-in throttle: the limiter's storage is unreachable", exc_info=True)


def authenticate_throttled(limiter, login: str, password: str):
    """The user with this login and password (accounts.services.authenticate), unless this
    account or this address must wait first (SignInWaits: 429 with Retry-After); failures are counted."""
    if not limiter.enabled:  # RATELIMIT_ENABLED = False: no storage to count in
        return authenticate(login, password)
    throttle = _Throttle(limiter, login, get_remote_address() if request else "")
    _unless_storage_is_down(throttle.ensure_may_try)
    try:
        user = authenticate(login, password)
    except InvalidCredentials:
        _unless_storage_is_down(throttle.failed)
        raise
    _unless_storage_is_down(throttle.succeeded)
    return user


def reset_limits(limiter):
    """The per-address limit on asking for and trying password reset codes, shared by the web
    views and the API (PASSWORD_RESET_ADDRESS_LIMIT)."""
    return limiter.shared_limit(reset_address_limit, scope="password-reset-address", methods=["POST"])


def count_code_request(limiter, login: str) -> None:
    """Count one request for a password reset code to ``login``, whether an account has it or not
    (a refusal that came only for known logins would tell them apart); ResetWaits once there were
    PASSWORD_RESET_LOGIN_LIMIT lately. An admin's reset for a volunteer counts on the volunteer's login."""
    if not limiter.enabled:
        return
    strategy, account = limiter.limiter, _hash(normalise_login(str(login)))
    items = parse_many(current_app.config["PASSWORD_RESET_LOGIN_LIMIT"])

    def step():
        for item in items:
            if not strategy.test(item, "password-reset-login", account):
                stats = strategy.get_window_stats(item, "password-reset-login", account)
                raise ResetWaits(max(1, math.ceil(stats.reset_time - time.time())))
        for item in items:
            strategy.hit(item, "password-reset-login", account)

    _unless_storage_is_down(step)
