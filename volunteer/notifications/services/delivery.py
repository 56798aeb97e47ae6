"""Sending what is due: each delivery claimed by one sender (its state moved to sending by a
conditional UPDATE), sent, and recorded, each step committed; a failure waits longer each time
and is given up after NOTIFY_MAX_ATTEMPTS. A sender that dies after sending and before recording
leaves the delivery "sending": after NOTIFY_CLAIM_STALE_SECONDS it is claimed again and sent a
second time. That is the one case that may repeat a message; none is ever lost."""
from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from volunteer.extensions import db
from volunteer.notifications.channels import DeliveryFailed, SubscriptionGone, send_mail, send_push, send_sms, sms_ready
from volunteer.notifications.models import Delivery, Notice, PushSubscription
from volunteer.notifications.services.push import usable_endpoint
from volunteer.notifications.vocabulary import (
    DIGESTED,
    NOTICE_TEXT,
    SMS_HOURS_DIGEST,
    SMS_PARAMS,
    Channel,
    DeliveryState,
)

log = logging.getLogger(__name__)


def words_of(notice: Notice) -> tuple[str, str]:
    """The notice's title and text in its recipient's language."""
    locale = notice.user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]
    with force_locale(locale):
        try:
            text = str(NOTICE_TEXT[notice.kind]) % (notice.payload or {})
        except (KeyError, TypeError, ValueError):
            text = str(NOTICE_TEXT[notice.kind])
        return str(notice.kind_label), text


def _address(notice: Notice) -> str | None:
    base = current_app.config.get("PUBLIC_URL") or ""
    return base.rstrip("/") + notice.link if notice.link and base else notice.link


def message_of(notices: list[Notice]) -> tuple[str, str, str | None]:
    """Title, text and link of one message telling these notices (one, or a day's digest of
    decided hours), in their recipient's language."""
    if len(notices) == 1:
        return (*words_of(notices[0]), _address(notices[0]))
    with force_locale(notices[0].user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        title = _("Your hours: %(count)s changes", count=len(notices))
    return title, "\n\n".join(words_of(n)[1] for n in notices), _address(notices[0])


def _send_mail(notices: list[Notice]) -> None:
    title, text, link = message_of(notices)
    with force_locale(notices[0].user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        link_text = _("Open it: %(link)s", link=link) if link else None
        site = _("Volunteer Service")
    send_mail(notices[0].user.email, f"{title} · {site}", text, link=link, link_text=link_text, footer=site)


def _send_sms(notices: list[Notice]) -> None:
    if len(notices) > 1:
        template, params = SMS_HOURS_DIGEST, [len(notices)]
    else:
        template = notices[0].kind
        params = [(notices[0].payload or {}).get(key, "") for key in SMS_PARAMS.get(template, ())]
    send_sms(notices[0].user.phone, message_of(notices)[1], template=template, params=params)


PUSH_TEXT_LIMIT = 1000  # characters: up to 3 KB in UTF-8, with room for the title and the encryption


def _send_push(notices: list[Notice]) -> None:
    """To every browser the user subscribed; one a push service says is gone is forgotten."""
    title, text, link = message_of(notices)
    # A push service takes about 4 KB: a long digest is cut (the inbox has it whole).
    body = text if len(text) <= PUSH_TEXT_LIMIT else text[:PUSH_TEXT_LIMIT - 1] + "…"
    data = json.dumps({"title": title, "body": body, "url": notices[0].link or "/"}, ensure_ascii=False)
    subscriptions = db.session.scalars(sa.select(PushSubscription).where(
        PushSubscription.user_id == notices[0].user_id).order_by(PushSubscription.id)).all()
    failures = []
    for subscription in subscriptions:
        if usable_endpoint(subscription.endpoint) is None:
            failures.append("not a public push service")
            continue
        try:
            send_push(subscription.endpoint, subscription.p256dh, subscription.auth, data)
        except SubscriptionGone:
            db.session.delete(subscription)
            failures.append("gone")
        except DeliveryFailed as exc:
            failures.append(str(exc))
    if len(failures) == len(subscriptions):
        raise DeliveryFailed("; ".join(failures) or "no browser subscribed")


SENDERS = {Channel.MAIL: _send_mail, Channel.SMS: _send_sms, Channel.PUSH: _send_push}


def _claimable(now: datetime):
    stale = now - timedelta(seconds=current_app.config["NOTIFY_CLAIM_STALE_SECONDS"])
    return sa.or_(sa.and_(Delivery.state == DeliveryState.DUE, Delivery.next_attempt_at <= now),
                  sa.and_(Delivery.state == DeliveryState.SENDING, Delivery.claimed_at < stale))


def _claim(delivery_id: int, now: datetime) -> bool:
    return db.session.execute(
        sa.update(Delivery).where(Delivery.id == delivery_id, _claimable(now))
        .values(state=DeliveryState.SENDING, claimed_at=now, attempts=Delivery.attempts + 1)
        .execution_options(synchronize_session=False)).rowcount == 1


def _batch(delivery: Delivery, now: datetime) -> list[Delivery]:
    """The delivery, and for decided hours every other one due to the same person by the same
    channel, each claimed in turn (another sender may take some): one message for them all."""
    if delivery.notice.kind not in DIGESTED or (delivery.channel == Channel.SMS and not sms_ready(SMS_HOURS_DIGEST)):
        return [delivery]  # (a provider with no digest template sends each on its own)
    others = db.session.scalars(
        sa.select(Delivery.id).join(Delivery.notice)
        .where(Notice.user_id == delivery.notice.user_id, Notice.kind.in_(DIGESTED),
               Delivery.channel == delivery.channel, Delivery.id != delivery.id, _claimable(now))
        .order_by(Notice.created_at, Notice.id)).all()
    claimed = [i for i in others if _claim(i, now)]
    return [delivery] + [db.session.get(Delivery, i) for i in claimed]


def deliver(delivery_id: int, *, now: datetime) -> str | None:
    """Claim, send and record one delivery (with the others of its digest); the state it ends
    in, or None when another sender has it (or it is not due)."""
    claimed = _claim(delivery_id, now)
    db.session.commit()
    if not claimed:
        return None
    delivery = db.session.get(Delivery, delivery_id)
    batch = _batch(delivery, now)
    db.session.commit()
    try:
        SENDERS[delivery.channel]([d.notice for d in batch])
    except DeliveryFailed as exc:
        for each in batch:
            gave_up = each.attempts >= current_app.config["NOTIFY_MAX_ATTEMPTS"]
            wait = current_app.config["NOTIFY_RETRY_SECONDS"] * 2 ** (each.attempts - 1)
            each.state = DeliveryState.GAVE_UP if gave_up else DeliveryState.DUE
            each.next_attempt_at = now + timedelta(seconds=wait)
            each.error = str(exc)[:500]
        log.warning("notice %s by %s failed (attempt %s): %s", delivery.notice_id, delivery.channel,
                    delivery.attempts, exc)
    else:
        for each in batch:
            each.state, each.sent_at, each.error = DeliveryState.SENT, now, None
    db.session.commit()
    return delivery.state


def due_ids(now: datetime, limit: int) -> list[int]:
    return db.session.scalars(
        sa.select(Delivery.id).where(_claimable(now))
        .order_by(Delivery.next_attempt_at, Delivery.id).limit(limit)).all()


def send_due(*, now: datetime, limit: int = 500) -> dict[str, int]:
    """Everything due now (``flask --app run notifications send``, and after each commit that
    wrote deliveries): how many were sent, failed for now, given up, or left to another sender."""
    counts = {DeliveryState.SENT: 0, DeliveryState.DUE: 0, DeliveryState.GAVE_UP: 0, "taken": 0}
    for delivery_id in due_ids(now, limit):
        state = deliver(delivery_id, now=now)
        counts["taken" if state is None else state] += 1
    return counts
