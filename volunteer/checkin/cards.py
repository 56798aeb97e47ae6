"""A volunteer's personal QR code, for check-in at a station lead's kiosk when they have no phone.

The code is ``V<volunteer id>.<card version>.<signature>`` (HMAC-SHA256 under the app's secret):
it cannot be made without the server, and "replace my card" bumps the version so a lost card
stops working at once. It carries no personal data.
"""
from __future__ import annotations

import hashlib
import re
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, Signer

from volunteer.accounts.identity import identifier, normalise_phone
from volunteer.accounts.models import User, Volunteer
from volunteer.checkin.errors import InvalidCard
from volunteer.checkin.vocabulary import CheckinEvent
from volunteer.core import get_by_id
from volunteer.core.audit import record_event
from volunteer.extensions import db

_CARD_RE = re.compile(r"^V(\d{1,10})\.(\d{1,6})\.([A-Za-z0-9_-]{20,})$")


def _signer(volunteer_id: int, version: int) -> Signer:
    return Signer(current_app.config["SECRET_KEY"], salt=f"volunteer-card:{volunteer_id}:{version}",
                  digest_method=hashlib.sha256)


def volunteer_by_number(typed: str | None) -> Volunteer | None:
    """The open profile whose volunteer number or phone a lead typed at the kiosk (a lost card,
    no phone): full-width digits and a lower-case number are the same number."""
    text = identifier(typed or "").strip()[:48]
    if not text:
        return None
    volunteer = db.session.scalar(sa.select(Volunteer).where(Volunteer.volunteer_no == text.upper()))
    if volunteer is None:
        volunteer = db.session.scalar(sa.select(Volunteer).join(User, Volunteer.user_id == User.id)
                                      .where(User.phone == normalise_phone(text)))
    return volunteer if volunteer is not None and volunteer.is_active else None


def card_code(volunteer: Volunteer) -> str:
    payload = f"V{volunteer.id}.{volunteer.card_version}"
    return _signer(volunteer.id, volunteer.card_version).sign(payload).decode()


def read_card(text: str) -> Volunteer:
    """The volunteer whose current card this is, or InvalidCard."""
    # Scanner guns type what they read; some add spaces or a keyboard layout's full stop.
    text = (text or "").strip().replace("。", ".")
    match = _CARD_RE.match(text)
    if not match:
        raise InvalidCard()
    volunteer_id, version = int(match[1]), int(match[2])
    try:
        _signer(volunteer_id, version).unsign(text)
    except BadSignature:
        raise InvalidCard() from None
    volunteer = get_by_id(Volunteer, volunteer_id)
    if volunteer is None or not volunteer.is_active:
        raise InvalidCard()
    if version != volunteer.card_version:
        raise InvalidCard(_l("This card has been replaced by a newer one."))
    return volunteer


def replace_card(user, *, now: datetime) -> Volunteer:
    """The volunteer revokes their card (lost, photographed) and gets a new code."""
    volunteer = user.volunteer
    before = volunteer.card_version
    volunteer.card_version = before + 1
    record_event(user, CheckinEvent.CARD_REPLACED, volunteer, before={"card_version": before},
                 after={"card_version": volunteer.card_version}, now=now)
    return volunteer
