"""Sending a short text at once, outside the outbox: a one-time code (a password reset's), which
is useless by the time a retry would come, so it is neither kept nor retried. The same mail
settings and SMS backend as the outbox's deliveries (channels.py)."""
from __future__ import annotations

import logging

from volunteer.notifications.channels import DeliveryFailed, send_mail, send_sms
from volunteer.notifications.vocabulary import SMS_RESET_CODE, Channel

log = logging.getLogger(__name__)

SENDERS = {
    Channel.MAIL: lambda user, subject, text, link, code: send_mail(user.email, subject, text, link=link),
    Channel.SMS: lambda user, subject, text, link, code: send_sms(user.phone, text, template=SMS_RESET_CODE, params=[code]),
}


def send_text(user, channel: Channel, subject: str, text: str, *, link: str | None = None, code: str = "") -> bool:
    """Send ``text`` (holding ``code``) to the user's own phone or e-mail now: True once sent,
    False (logged) when the channel could not take it."""
    try:
        SENDERS[channel](user, subject, text, link, code)
    except DeliveryFailed as exc:
        log.warning("a text to user %s by %s was not sent: %s", user.id, channel, exc)
        return False
    return True
