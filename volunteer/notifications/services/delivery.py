"""Sending what is due: each delivery claimed by one sender (its state moved to sending by a
conditional UPDATE), sent, and recorded, each step committed; a failure waits longer each time
and is given up after NOTIFY_MAX_ATTEMPTS. A sender that dies after sending and before recording
leaves the delivery "sending": after NOTIFY_CLAIM_STALE_SECONDS it is claimed again and sent a
second time. That is the one case that may repeat a message; none is ever lost."""
from __future__ import annotations

import logging
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from volunteer.extensions import db
from volunteer.notifications.channels import DeliveryFailed, send_mail, send_sms
from volunteer.notifications.models import Delivery, Notice
from volunteer.notifications.vocabulary import NOTICE_TEXT, Channel, DeliveryState

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


def _send_mail(notice: Notice) -> None:
    title, text = words_of(notice)
    link = _address(notice)
    with force_locale(notice.user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        link_text = _("Open it: %(link)s", link=link) if link else None
        site = _("Volunteer Service")
    send_mail(notice.user.email, f"{title} · {site}", text, link=link, link_text=link_text, footer=site)


def _send_sms(notice: Notice) -> None:
    send_sms(notice.user.phone, words_of(notice)[1])


SENDERS = {Channel.MAIL: _send_mail, Channel.SMS: _send_sms}


def _claim(delivery_id: int, now: datetime) -> bool:
    stale = now - timedelta(seconds=current_app.config["NOTIFY_CLAIM_STALE_SECONDS"])
    claimed = db.session.execute(
        sa.update(Delivery).where(Delivery.id == delivery_id, sa.or_(
            sa.and_(Delivery.state == DeliveryState.DUE, Delivery.next_attempt_at <= now),
            sa.and_(Delivery.state == DeliveryState.SENDING, Delivery.claimed_at < stale)))
        .values(state=DeliveryState.SENDING, claimed_at=now, attempts=Delivery.attempts + 1)
        .execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    return claimed == 1


def deliver(delivery_id: int, *, now: datetime) -> str | None:
    """Claim, send and record one delivery; the state it ends in, or None when another sender
    has it (or it is not due)."""
    if not _claim(delivery_id, now):
        return None
    delivery = db.session.get(Delivery, delivery_id)
    try:
        SENDERS[delivery.channel](delivery.notice)
    except DeliveryFailed as exc:
        gave_up = delivery.attempts >= current_app.config["NOTIFY_MAX_ATTEMPTS"]
        wait = current_app.config["NOTIFY_RETRY_SECONDS"] * 2 ** (delivery.attempts - 1)
        delivery.state = DeliveryState.GAVE_UP if gave_up else DeliveryState.DUE
        delivery.next_attempt_at = now + timedelta(seconds=wait)
        delivery.error = str(exc)[:500]
        log.warning("notice %s by %s failed (attempt %s): %s", delivery.notice_id, delivery.channel,
                    delivery.attempts, exc)
    else:
        delivery.state, delivery.sent_at, delivery.error = DeliveryState.SENT, now, None
    db.session.commit()
    return delivery.state


def due_ids(now: datetime, limit: int) -> list[int]:
    stale = now - timedelta(seconds=current_app.config["NOTIFY_CLAIM_STALE_SECONDS"])
    return db.session.scalars(
        sa.select(Delivery.id).where(sa.or_(
            sa.and_(Delivery.state == DeliveryState.DUE, Delivery.next_attempt_at <= now),
            sa.and_(Delivery.state == DeliveryState.SENDING, Delivery.claimed_at < stale)))
        .order_by(Delivery.next_attempt_at, Delivery.id).limit(limit)).all()


def send_due(*, now: datetime, limit: int = 500) -> dict[str, int]:
    """Everything due now (``flask --app run notifications send``, and after each commit that
    wrote deliveries): how many were sent, failed for now, given up, or left to another sender."""
    counts = {DeliveryState.SENT: 0, DeliveryState.DUE: 0, DeliveryState.GAVE_UP: 0, "taken": 0}
    for delivery_id in due_ids(now, limit):
        state = deliver(delivery_id, now=now)
        counts["taken" if state is None else state] += 1
    return counts
