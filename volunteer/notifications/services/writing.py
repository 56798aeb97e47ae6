"""Writing a notice: the row in the inbox, and a delivery due for each further channel its
recipient takes for its kind (their choice, else the kind's default) and can be reached by."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import current_app, has_request_context, url_for

from volunteer.accounts.models import User
from volunteer.core.time import DEFAULT_ZONE
from volunteer.extensions import db
from volunteer.notifications.channels import sms_ready
from volunteer.notifications.models import ChannelChoice, Delivery, Notice, PushSubscription
from volunteer.notifications.vocabulary import DEFAULT_CHANNELS, DIGESTED, Channel, DeliveryState, NoticeKind

# Held during the night's quiet hours (a phone that rings); mail waits in the inbox anyway.
QUIET_CHANNELS = frozenset({Channel.SMS, Channel.PUSH})
# Set on a session that wrote deliveries: once it commits, they are sent in the background.
DUE_FLAG = "notices_due"


def path_to(endpoint: str, **values) -> str:
    """A page's path for a notice's link, also from a background job or the command line."""
    if has_request_context():
        return url_for(endpoint, **values)
    with current_app.test_request_context():
        return url_for(endpoint, **values)


def chosen_channels(user_id: int, kind: str) -> set[str]:
    """The channels the user takes notices of this kind by: the kind's default, as they changed it."""
    channels = set(DEFAULT_CHANNELS[NoticeKind(kind)])
    for choice in db.session.scalars(sa.select(ChannelChoice).where(ChannelChoice.user_id == user_id,
                                                                    ChannelChoice.kind == kind)):
        (channels.add if choice.enabled else channels.discard)(choice.channel)
    channels.add(Channel.INBOX)  # the inbox keeps every notice: it is the record of them
    return channels


def reachable(user: User, channel: str) -> bool:
    """Whether the channel can reach the user at all: an e-mail address, a phone and an SMS
    provider configured (nothing is sent by SMS without one), a browser subscribed to push."""
    if channel == Channel.MAIL:
        return bool(user.email)
    if channel == Channel.SMS:
        return bool(user.phone) and bool(current_app.config.get("SMS_BACKEND"))
    if channel == Channel.PUSH:
        return bool(current_app.config.get("VAPID_PRIVATE_KEY")) and db.session.scalar(
            sa.select(sa.exists().where(PushSubscription.user_id == user.id)))
    return channel == Channel.INBOX


def quiet_until(now: datetime) -> datetime:
    """When a text message written now may go out: now, or the end of the night's quiet hours
    (NOTIFY_QUIET_HOURS, 22:00 to 07:00 by default, in the default zone)."""
    start, end = current_app.config["NOTIFY_QUIET_HOURS"]
    local = now.astimezone(DEFAULT_ZONE)
    if end <= local.hour < start:
        return now
    morning = local.replace(hour=end, minute=0, second=0, microsecond=0)
    if local.hour >= start:
        morning += timedelta(days=1)
    return morning.astimezone(now.tzinfo)


def at_hour(now: datetime, hour: int) -> datetime:
    """Today's given hour in the default zone, as a moment."""
    local = now.astimezone(DEFAULT_ZONE)
    return local.replace(hour=hour, minute=0, second=0, microsecond=0).astimezone(now.tzinfo)


def digest_time(now: datetime) -> datetime:
    """When hours decided now are told outside the inbox (one message for the day's): this
    evening's NOTIFY_DIGEST_HOUR, or tomorrow's once it has passed."""
    evening = at_hour(now, current_app.config["NOTIFY_DIGEST_HOUR"])
    return evening if now < evening else evening + timedelta(days=1)


def write_notice(user_id: int, kind: str, subject, words: dict, link: str | None, *,
                 organisation_id: int | None, now: datetime, for_day: date | None = None) -> Notice | None:
    """The notice in the inbox, and a delivery due for each further channel; digested kinds go
    out at the evening's digest hour, and nothing that rings a phone during the quiet hours."""
    user = db.session.get(User, user_id)
    if user is None or not user.is_active:
        return None
    notice = Notice(user_id=user_id, kind=kind, subject_type=subject.__tablename__, subject_id=subject.id,
                    organisation_id=organisation_id, payload=words, link=link, created_at=now, for_day=for_day)
    db.session.add(notice)
    for channel in sorted(chosen_channels(user_id, kind) - {Channel.INBOX}):
        if reachable(user, channel) and (channel != Channel.SMS or sms_ready(kind)):
            due = digest_time(now) if kind in DIGESTED else now
            due = quiet_until(due) if channel in QUIET_CHANNELS else due
            notice.deliveries.append(Delivery(channel=channel, state=DeliveryState.DUE, next_attempt_at=due))
            db.session.info[DUE_FLAG] = True
    return notice
