"""The channels' own sending, shared by the outbox's deliveries (services/delivery.py) and the
one-time codes sent at once (direct.py): mail through Flask-Mailman with the settings as they are
now, text messages through SMS_BACKEND ("console" logs them; nothing is sent without one)."""
from __future__ import annotations

import logging

from flask import current_app
from markupsafe import escape

from volunteer.extensions import mail

log = logging.getLogger(__name__)


class DeliveryFailed(Exception):
    """A channel could not deliver now (a mail server down, a provider refusing, no address)."""


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


def send_sms(phone: str | None, text: str) -> None:
    backend = current_app.config.get("SMS_BACKEND")
    if not phone:
        raise DeliveryFailed("no phone number")
    if backend == "console":
        log.info("SMS to %s: %s", phone, text)
        return
    raise DeliveryFailed(f"no SMS provider named {backend!r}")
