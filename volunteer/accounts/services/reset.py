"""Password reset: a one-time code sent to the account's own phone (SMS) or e-mail (with a link to
the page that takes it), asked for by the person or had sent by a league admin over them; only a
keyed hash of the code is kept. A code is good for PASSWORD_RESET_SECONDS, once, and for
PASSWORD_RESET_TRIES wrong codes; a newer one ends it. Setting the new password ends every
session and API token of the account.

Asking answers the same whether or not the account exists, and a wrong code is wrong whether or
not the account exists: only whoever holds a code learns that it was used or has expired.
Accounts send nothing themselves: ``core.signals.code_to_send`` is answered by notifications,
which sends the code at once (no outbox, no retry: it would be stale by the time a retry came)."""
from __future__ import annotations

import hmac
import logging
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app, has_request_context, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from volunteer.accounts.errors import CodeNotSent, ResetCodeRefused
from volunteer.accounts.models import PasswordReset, User, Volunteer
from volunteer.accounts.services.sessions import end_all_sessions
from volunteer.accounts.services.signin import (
    find_user_by_login,
    hash_password,
    home_organisation,
    normalise_login,
    password_problem,
)
from volunteer.accounts.services.volunteers import get_volunteer_for
from volunteer.accounts.vocabulary import AccountEvent, CodeChannel
from volunteer.core import permissions, signals
from volunteer.core.audit import record_event
from volunteer.core.crypto import keyed_hash
from volunteer.core.edge import identifier
from volunteer.core.errors import FieldErrors
from volunteer.extensions import db

log = logging.getLogger(__name__)

CODE_DIGITS = 6
# The codes a typed one is compared with: the account's of the last day (a few, rate-limited).
CODES_LOOKED_AT = timedelta(days=1)

WRONG_CODE = _l("The code is wrong. Please check it, or ask for a new one.")


def code_minutes() -> int:
    return max(1, current_app.config["PASSWORD_RESET_SECONDS"] // 60)


def code_sent_message() -> str:
    """The one answer to asking for a code: whether the account exists, whether the code could go."""
    return _("If this account exists, a code has been sent to its phone or e-mail. It is valid for "
             "%(minutes)s minutes. Nothing came? Try again later, or ask the admin of your organisation.",
             minutes=code_minutes())


def _digest(user_id: int, code: str) -> str:
    return keyed_hash(f"{user_id}:{code}", b"password-reset")


def _reset_url(login: str, code: str) -> str:
    """The page that takes the code, filled in: under PUBLIC_URL where it is set (never a host
    the request named, which anyone asking for another's code could choose)."""
    def build():
        base = current_app.config.get("PUBLIC_URL")
        if base:
            return base.rstrip("/") + url_for("accounts.reset_password", login=login, code=code)
        return url_for("accounts.reset_password", login=login, code=code, _external=True)
    if has_request_context():
        return build()
    with current_app.test_request_context():  # a service called from the command line or a test
        return build()


def _channels(user: User, first: CodeChannel | None) -> list[CodeChannel]:
    """Where the code may go, what the person typed first: their phone, their e-mail."""
    found = [channel for channel, address in ((CodeChannel.SMS, user.phone), (CodeChannel.MAIL, user.email))
             if address and user.is_active]
    return sorted(found, key=lambda channel: channel != first)


def _words(user: User, channel: CodeChannel, code: str) -> tuple[str, str, str | None]:
    """The subject, the text and the link of the message, in the user's language."""
    locale = user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]
    with force_locale(locale):
        subject = _("Reset your password")
        text = _("Your password reset code is %(code)s. It is valid for %(minutes)s minutes. If you did not "
                 "ask for it, please ignore this message.", code=code, minutes=code_minutes())
        if channel != CodeChannel.MAIL:
            return subject, text, None
        link = _reset_url(user.email, code)
        return subject, text + "\n\n" + _("Or open this link to set a new password: %(link)s", link=link), link


def _send_code(user: User, *, first: CodeChannel | None, started_by: User | None, now: datetime) -> PasswordReset | None:
    """Send a new code by the first channel that takes it and keep its hash; the codes sent
    before stop working. None when no channel took it (nothing is kept then)."""
    code = f"{secrets.randbelow(10 ** CODE_DIGITS):0{CODE_DIGITS}d}"
    for channel in _channels(user, first):
        subject, text, link = _words(user, channel, code)
        answers = signals.code_to_send.send(user, channel=channel, subject=subject, text=text, link=link, code=code)
        if any(sent for _receiver, sent in answers):
            break
    else:
        return None
    db.session.execute(sa.update(PasswordReset).where(
        PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None), PasswordReset.expires_at > now)
        .values(expires_at=now).execution_options(synchronize_session=False))
    row = PasswordReset(user_id=user.id, channel=channel, code_digest=_digest(user.id, code), created_at=now,
                        expires_at=now + timedelta(seconds=current_app.config["PASSWORD_RESET_SECONDS"]),
                        wrong_tries=0, started_by_id=getattr(started_by, "id", None))
    db.session.add(row)
    record_event(started_by, AccountEvent.RESET_CODE_SENT, user, organisation=home_organisation(user),
                 after={"channel": channel}, now=now)
    return row


def request_password_reset(login: str, *, now: datetime) -> None:
    """Send a code to the account with this phone or e-mail, by what was typed first. Nothing is
    said of whether the account exists, nor of a code that could not go (logged instead: an
    answer that differed would tell that the account exists); the caller answers code_sent_message()."""
    user = find_user_by_login(login)
    if user is None or not user.is_active:
        return
    first = CodeChannel.MAIL if "@" in normalise_login(login) else CodeChannel.SMS
    if _send_code(user, first=first, started_by=None, now=now) is None:
        log.warning("password reset: no channel took the code for user %s", user.id)


def volunteer_to_reset(actor: User, volunteer_id: int) -> Volunteer:
    """The volunteer whose password ``actor`` may have reset: 404 outside their scope, 403 where
    they see the volunteer but are not an admin over them."""
    volunteer = get_volunteer_for(actor, volunteer_id)
    permissions.ensure(actor, "volunteer.reset_password", volunteer)
    return volunteer


def start_password_reset(actor: User, volunteer: Volunteer, *, now: datetime) -> CodeChannel:
    """A league admin over the volunteer has a code sent to the volunteer's own phone (else their
    e-mail); the admin never sees it. The channel it went by; CodeNotSent when none took it."""
    permissions.ensure(actor, "volunteer.reset_password", volunteer)
    row = _send_code(volunteer.user, first=None, started_by=actor, now=now) if volunteer.user else None
    if row is None:
        raise CodeNotSent()
    return CodeChannel(row.channel)


def _refused(errors: FieldErrors, message) -> ResetCodeRefused:
    errors.add("code", message)
    return ResetCodeRefused(message, fields=errors.fields)


def reset_password(login: str, code: str, new_password: str, *, now: datetime) -> User:
    """Set a new password with a code sent to the account: every session and API token of the
    account ends. ResetCodeRefused for a wrong, used, expired or too often tried code (a wrong
    one counts against the account's live code: commit before answering)."""
    errors = FieldErrors()
    problem = password_problem(new_password)
    if problem:
        errors.add("new_password", problem)
    user = find_user_by_login(login)
    if user is None or not user.is_active:
        raise _refused(errors, WRONG_CODE)
    rows = db.session.scalars(sa.select(PasswordReset).where(
        PasswordReset.user_id == user.id, PasswordReset.created_at > now - CODES_LOOKED_AT)
        .order_by(PasswordReset.id.desc())).all()
    digest = _digest(user.id, identifier(code))
    match = next((row for row in rows if hmac.compare_digest(row.code_digest, digest)), None)
    tries = current_app.config["PASSWORD_RESET_TRIES"]
    if match is None:
        live = next((row for row in rows if row.is_live(now)), None)
        if live is not None:
            db.session.execute(sa.update(PasswordReset).where(PasswordReset.id == live.id)
                               .values(wrong_tries=PasswordReset.wrong_tries + 1)
                               .execution_options(synchronize_session=False))
        raise _refused(errors, WRONG_CODE)
    if match.used_at is not None:
        raise _refused(errors, _l("This code has been used already. Please ask for a new one."))
    if match.wrong_tries >= tries:
        raise _refused(errors, _l("Too many wrong codes were tried. Please ask for a new one."))
    if match.expires_at <= now:
        raise _refused(errors, _l("This code has expired. Please ask for a new one."))
    errors.raise_if_any()
    # once only, however many requests bring the same code at the same moment
    taken = db.session.execute(sa.update(PasswordReset).where(PasswordReset.id == match.id,
                                                              PasswordReset.used_at.is_(None))
                               .values(used_at=now).execution_options(synchronize_session=False)).rowcount
    if taken != 1:
        raise _refused(errors, _l("This code has been used already. Please ask for a new one."))
    user.password_hash = hash_password(new_password)
    end_all_sessions(user, now=now)
    record_event(user, AccountEvent.PASSWORD_RESET, user, organisation=home_organisation(user), now=now)
    return user
