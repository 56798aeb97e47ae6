"""Browsers' web-push subscriptions: made and ended on the profile page. The endpoint is the
browser's push service, which we later POST to, so it must be an https address on the public
internet (not this machine or its network: no request forgery through a subscription)."""
from __future__ import annotations

import base64
import binascii
import ipaddress
import socket
from datetime import datetime
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from volunteer.core.errors import ValidationFailed
from volunteer.extensions import db
from volunteer.notifications.models import PushSubscription

MAX_BROWSERS = 10  # per user: the oldest goes when an eleventh subscribes


def _key(value, length: int) -> str | None:
    """A base64url key of the given length in bytes, as the browser gave it, or None."""
    text = str(value or "").strip()
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        return None
    return text if len(raw) == length and len(text) < 200 else None


def _public_host(host: str) -> bool:
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, 443, proto=socket.IPPROTO_TCP)}
    except (OSError, UnicodeError):
        return False
    return bool(addresses) and all(ipaddress.ip_address(a.split("%")[0]).is_global for a in addresses)


def usable_endpoint(value) -> str | None:
    """The endpoint if we may POST to it: https on a public address (asked again before each
    send, as a name may point elsewhere since), or anything on loopback where tests allow it."""
    text = str(value or "").strip()
    if not text or len(text) > 1000 or "\x00" in text:
        return None
    parts = urlsplit(text)
    if current_app.config.get("PUSH_ALLOW_LOCAL_ENDPOINTS"):  # tests' push service on loopback
        return text if parts.scheme in ("http", "https") and parts.hostname else None
    return text if parts.scheme == "https" and parts.hostname and _public_host(parts.hostname) else None


def subscribe(user, data: dict, *, now: datetime) -> PushSubscription:
    """Keep a browser's subscription (the JSON of PushSubscription.toJSON()); the same browser
    subscribing again, or for another account signed in on it, replaces what it had."""
    data = data if isinstance(data, dict) else {}
    keys = data.get("keys") if isinstance(data.get("keys"), dict) else {}
    endpoint, p256dh, auth = usable_endpoint(data.get("endpoint")), _key(keys.get("p256dh"), 65), _key(keys.get("auth"), 16)
    if endpoint is None or p256dh is None or auth is None:
        raise ValidationFailed(_l("This browser's push subscription could not be used."))
    db.session.execute(sa.delete(PushSubscription).where(PushSubscription.endpoint == endpoint))
    subscription = PushSubscription(user_id=user.id, endpoint=endpoint, p256dh=p256dh, auth=auth, created_at=now)
    db.session.add(subscription)
    db.session.flush()
    kept = sa.select(PushSubscription.id).where(PushSubscription.user_id == user.id).order_by(
        PushSubscription.id.desc()).limit(MAX_BROWSERS)
    db.session.execute(sa.delete(PushSubscription).where(PushSubscription.user_id == user.id,
                                                         PushSubscription.id.not_in(kept.scalar_subquery()))
                       .execution_options(synchronize_session=False))
    return subscription


def unsubscribe(user, endpoint, *, now: datetime) -> int:
    """Forget one browser of the user's (or, with no endpoint, every one); how many."""
    stmt = sa.delete(PushSubscription).where(PushSubscription.user_id == user.id)
    if endpoint:
        stmt = stmt.where(PushSubscription.endpoint == str(endpoint)[:1000])
    return db.session.execute(stmt).rowcount


def subscription_count(user) -> int:
    return db.session.scalar(sa.select(sa.func.count()).where(PushSubscription.user_id == user.id))
