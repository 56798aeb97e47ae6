"""Browser sessions that end: one row per sign-in (accounts.models.UserSession), found again on
every request by the token in the signed cookie, ended by signing out, a new password, a closed
account or "sign out everywhere", and by SESSION_IDLE_SECONDS without a request or
SESSION_ABSOLUTE_SECONDS after signing in."""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from volunteer.accounts.models import ApiToken, User, UserSession
from volunteer.core.crypto import token_digest
from volunteer.extensions import db

# A request within this long of the last one seen does not write again (one UPDATE a minute at most).
TOUCH_SECONDS = 60


def start_session(user: User, *, now: datetime) -> str:
    """A new session for ``user`` (a new token at every sign-in); its token for the cookie."""
    raw = secrets.token_urlsafe(32)
    db.session.add(UserSession(digest=token_digest(raw), user_id=user.id, created_at=now, last_seen_at=now))
    return raw


def session_user(user_id: int, raw: str | None, *, now: datetime) -> User | None:
    """The signed-in user of a request, or None when its session has ended or timed out (then
    it is ended for good)."""
    if not raw:
        return None
    row = db.session.get(UserSession, token_digest(raw))
    if row is None or row.user_id != user_id or row.ended_at is not None:
        return None
    config = current_app.config
    if (now - row.last_seen_at > timedelta(seconds=config["SESSION_IDLE_SECONDS"])
            or now - row.created_at > timedelta(seconds=config["SESSION_ABSOLUTE_SECONDS"])):
        row.ended_at = now
        return None
    if not row.user.is_active:
        return None
    if now - row.last_seen_at > timedelta(seconds=TOUCH_SECONDS):
        row.last_seen_at = now
    return row.user


def end_session(raw: str | None, *, now: datetime) -> None:
    if raw:
        db.session.execute(sa.update(UserSession).where(UserSession.digest == token_digest(raw),
                                                        UserSession.ended_at.is_(None)).values(ended_at=now))


def end_all_sessions(user: User, *, now: datetime) -> None:
    """Every browser session and API token of the user (a new password, a closed account)."""
    db.session.execute(sa.update(UserSession).where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
                       .values(ended_at=now))
    revoke_all_tokens(user, now=now)


def revoke_all_tokens(user: User, *, now: datetime) -> None:
    db.session.execute(
        sa.update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )
