"""The channels' own sending, shared by the outbox's deliveries (services/delivery.py) and the
one-time codes sent at once (direct.py): mail through Flask-Mailman with the settings as they are
now, text messages through SMS_BACKEND ("console" logs them; nothing is sent without one), web
push through pywebpush, signed with the deployment's VAPID key."""
from __future__ import annotations

import logging

from flask import current_app
from markupsafe import escape

from volunteer.extensions import mail
from volunteer.notifications import sms_tencent
from volunteer.notifications.errors import DeliveryFailed, SubscriptionGone

__all__ = ["DeliveryFailed", "SubscriptionGone", "send_mail", "send_push", "send_sms", "sms_ready", "vapid_public_key"]

log = logging.getLogger(__name__)


# The providers of text messages by SMS_BACKEND's name ("console" only logs them). A provider
# in China sends only templates it approved, under an approved signature: SMS_TEMPLATES maps each
# of our messages (a kind of notice, a reset code, a digest of hours) to the provider's template id,
# filled with the words SMS_PARAMS names.
SMS_PROVIDERS = {"tencent": sms_tencent.send}


def mail_connection():
    config = current_app.config
    # The settings as they are now (not as the app started with), so a changed server is used at once.
    return mail.get_connection(config["MAIL_BACKEND"], **({
        "host": config["MAIL_SERVER"], "port": config["MAIL_PORT"], "username": config["MAIL_USERNAME"],
        "password": config["MAIL_PASSWORD"], "use_tls": config["MAIL_USE_TLS"], "use_ssl": config["MAIL_USE_SSL"],
        "timeout": config["MAIL_TIMEOUT"]} if config["MAIL_BACKEND"] == "smtp" else {}))


def send_mail(address: str | None, subject: str, text: str, *, link: str | None = None,
              link_text: str | None = None, footer: str | None = None) -> None:
    """Plain text and HTML alike: the text's paragraphs, the link, the footer."""
    from flask_mailman import EmailMultiAlternatives
    if not address:
        raise DeliveryFailed("no e-mail address")
    paragraphs = [part for part in text.split("\n\n") if part]
    body = "\n\n".join(paragraphs + ([link_text or link] if link else []) + ([footer] if footer else [])) + "\n"
    html = "".join(f"<p>{escape(part)}</p>" for part in paragraphs)
    if link:
        html += f'<p><a href="{escape(link)}">{escape(link_text or link)}</a></p>'
    if footer:
        html += f"<p><small>{escape(footer)}</small></p>"
    message = EmailMultiAlternatives(subject=subject, body=body, to=[address],
                                     from_email=current_app.config["MAIL_DEFAULT_SENDER"], connection=mail_connection())
    message.attach_alternative(html, "text/html")
    try:
        message.send()
    except Exception as exc:  # smtplib's and the socket's errors alike: try again later
        raise DeliveryFailed(f"{type(exc).__name__}: {exc}") from exc


def sms_ready(template: str) -> bool:
    """Whether a text message of this template can go at all: a backend set and, for a provider,
    an approved template for it."""
    backend = current_app.config.get("SMS_BACKEND")
    return backend == "console" or (backend in SMS_PROVIDERS and template in current_app.config["SMS_TEMPLATES"])


def send_sms(phone: str | None, text: str, *, template: str, params=()) -> None:
    """``text`` to the console, or the provider's ``template`` filled with ``params``."""
    backend = current_app.config.get("SMS_BACKEND")
    if not phone:
        raise DeliveryFailed("no phone number")
    if backend == "console":
        log.info("SMS to %s: %s", phone, text)
        return
    if backend not in SMS_PROVIDERS:
        raise DeliveryFailed(f"no SMS provider named {backend!r}")
    template_id = current_app.config["SMS_TEMPLATES"].get(template)
    if not template_id:
        raise DeliveryFailed(f"no SMS template for {template!r} (SMS_TEMPLATES)")
    SMS_PROVIDERS[backend](current_app.config, phone, str(template_id), [str(p) for p in params])


def vapid_public_key() -> str | None:
    """The VAPID public key browsers subscribe with (base64url of the uncompressed point), or
    None where push is not set up."""
    private = current_app.config.get("VAPID_PRIVATE_KEY")
    if not private:
        return None
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
    from py_vapid import Vapid02, b64urlencode
    point = Vapid02.from_string(private).public_key.public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
    return b64urlencode(point)


def send_push(endpoint: str, p256dh: str, auth: str, data: str) -> None:
    """One encrypted message (aes128gcm) to one browser's push service, kept there a day."""
    from pywebpush import WebPushException, webpush
    config = current_app.config
    if not config.get("VAPID_PRIVATE_KEY"):
        raise DeliveryFailed("web push is not set up (VAPID_PRIVATE_KEY)")
    try:
        webpush({"endpoint": endpoint, "keys": {"p256dh": p256dh, "auth": auth}}, data=data,
                vapid_private_key=config["VAPID_PRIVATE_KEY"], vapid_claims={"sub": config["VAPID_SUBJECT"]},
                timeout=config["MAIL_TIMEOUT"], ttl=24 * 3600)
    except WebPushException as exc:
        status = getattr(exc.response, "status_code", None)
        if status in (404, 410):
            raise SubscriptionGone(f"push service answered {status}") from exc
        raise DeliveryFailed(f"push service answered {status}: {exc.message}"[:500]) from exc
    except Exception as exc:  # the connection's errors: try again later
        raise DeliveryFailed(f"{type(exc).__name__}: {exc}") from exc
