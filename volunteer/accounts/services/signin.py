"""Signing in: passwords, logins, API tokens."""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import lazy_gettext as _l
from werkzeug.security import check_password_hash, generate_password_hash

from volunteer.accounts.identity import is_valid_phone, normalise_phone
from volunteer.accounts.models import ApiToken, User
from volunteer.accounts.services.sessions import end_all_sessions
from volunteer.accounts.vocabulary import AccountEvent
from volunteer.core.audit import record_event
from volunteer.core.crypto import token_digest
from volunteer.core.edge import identifier
from volunteer.core.errors import FieldErrors, InvalidCredentials
from volunteer.extensions import db


def hash_password(password: str) -> str:
    method = current_app.config.get("PASSWORD_HASH_METHOD")
    return generate_password_hash(password, method=method) if method else generate_password_hash(password)


def password_problem(password: str):
    """The reason a new password is refused, or None."""
    if len(password or "") < 8:
        return _l("At least 8 characters.")
    if len(password) > 128:
        return _l("At most %(n)s characters.", n=128)
    if not any(c.isalpha() for c in password) or not any(c.isdigit() for c in password):
        return _l("Use both letters and digits.")
    return None


def normalise_login(login: str) -> str:
    login = identifier(login)
    return login.lower() if "@" in login else normalise_phone(login)


def find_user_by_login(login: str) -> User | None:
    login = normalise_login(login)
    if not login:
        return None
    column = User.email if "@" in login else User.phone
    return db.session.scalar(sa.select(User).where(column == login))


def check_logins(errors: FieldErrors, phone: str | None, email: str | None,
                 *, require_one: bool = True, exclude_user: User | None = None):
    """The phone and e-mail normalised, each checked and not another account's login."""
    phone = normalise_phone(phone) or None
    email = identifier(email).lower() or None
    if require_one and not phone and not email:
        errors.add("phone", _l("Please enter a mobile number or an e-mail address."))
    if phone is not None:
        if not is_valid_phone(phone):
            errors.add("phone", _l("A mobile number is 11 digits starting with 13 to 19."))
        else:
            other = db.session.scalar(sa.select(User).where(User.phone == phone))
            if other is not None and other is not exclude_user:
                errors.add("phone", _l("This mobile number is already registered."))
    if email is not None:
        try:
            email = validate_email(email, check_deliverability=False).normalized.lower()
        except EmailNotValidError:
            errors.add("email", _l("This is not a valid e-mail address."))
        else:
            other = db.session.scalar(sa.select(User).where(User.email == email))
            if other is not None and other is not exclude_user:
                errors.add("email", _l("This e-mail address is already registered."))
    return phone, email


_DUMMY_HASH = None


def authenticate(login: str, password: str) -> User:
    """The user with this phone or e-mail and password; the same error whichever is wrong."""
    global _DUMMY_HASH
    user = find_user_by_login(login)
    if user is None or not user.is_active:
        # Spend the same time as a real check, so timing does not tell which logins exist.
        _DUMMY_HASH = _DUMMY_HASH or hash_password(secrets.token_hex(8))
        check_password_hash(_DUMMY_HASH, password or "")
        raise InvalidCredentials()
    if not check_password_hash(user.password_hash, password or ""):
        raise InvalidCredentials()
    return user


def change_password(user: User, *, current: str, new: str, now: datetime) -> None:
    errors = FieldErrors()
    if not check_password_hash(user.password_hash, current or ""):
        errors.add("current_password", _l("The current password is wrong."))
    problem = password_problem(new)
    if problem:
        errors.add("new_password", problem)
    errors.raise_if_any()
    user.password_hash = hash_password(new)
    # A new password ends every browser session and API token that the old one opened.
    end_all_sessions(user, now=now)
    record_event(user, AccountEvent.PASSWORD_CHANGED, user, organisation=home_organisation(user), now=now)


def home_organisation(user: User):
    """Where the person belongs: their volunteer profile's organisation, else their first role's."""
    if user.volunteer is not None:
        return user.volunteer.organisation
    return user.memberships[0].organisation if user.memberships else None


def issue_api_token(user: User, *, now: datetime) -> tuple[str, ApiToken]:
    raw = secrets.token_urlsafe(32)
    row = ApiToken(user=user, digest=token_digest(raw), created_at=now,
                   expires_at=now + timedelta(days=current_app.config["API_TOKEN_TTL_DAYS"]))
    db.session.add(row)
    return raw, row


def user_for_token(raw: str, *, now: datetime) -> tuple[User, ApiToken] | None:
    row = db.session.scalar(sa.select(ApiToken).where(ApiToken.digest == token_digest(raw)))
    if row is None or not row.is_valid(now):
        return None
    return row.user, row


def revoke_api_token(row: ApiToken, *, now: datetime) -> None:
    if row.revoked_at is None:
        row.revoked_at = now


def sign_out_everywhere(actor: User, user: User, *, now: datetime) -> None:
    """End every browser session and API token of the user, on every device, in the event log."""
    end_all_sessions(user, now=now)
    record_event(actor, AccountEvent.SIGNED_OUT_EVERYWHERE, user, organisation=home_organisation(user), now=now)
