"""Station codes: what a station's QR code holds, and how a scan is checked.

A code is ``S<station id>.<key version>.<kind><step>.<signature>``: the kind is ``s`` (static,
for a printed poster) or ``r`` (rotating, shown on the station's screen, one per 30-second step).
The signature is an HMAC-SHA256 (itsdangerous) under a key made from the app's secret, the
station's own secret and the key version, so a code names one station only, cannot be made
without the server, and stops working when the version is bumped ("reset code"). A rotating code
is accepted for its step and the one before, so a photo sent home is dead within a minute.
"""
from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass
from datetime import datetime

import qrcode
import qrcode.image.svg
from flask import current_app, url_for
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, Signer

from volunteer.core import MAX_ID, permissions
from volunteer.core.audit import record_event
from volunteer.extensions import db
from volunteer.stations.errors import ExpiredCode, InvalidCode, RotatingCodeRequired
from volunteer.stations.models import Station
from volunteer.stations.vocabulary import CodeKind, StationEvent

STEP_SECONDS = 30
STATIC, ROTATING = CodeKind.STATIC, CodeKind.ROTATING
# The letter a code's text gives its kind.
LETTERS = {STATIC: "s", ROTATING: "r"}
KINDS = {letter: kind for kind, letter in LETTERS.items()}
_CODE_RE = re.compile(r"^S(\d{1,10})\.(\d{1,6})\.([sr])(\d{1,12})\.([A-Za-z0-9_-]{20,})$")


@dataclass(frozen=True)
class ReadCode:
    station: Station
    kind: CodeKind


def _signer(station: Station, version: int) -> Signer:
    secret = f"{current_app.config['SECRET_KEY']}:{station.secret}"
    return Signer(secret, salt=f"station-code:{station.id}:{version}", digest_method=hashlib.sha256)


def current_step(now: datetime) -> int:
    return int(now.timestamp()) // STEP_SECONDS


def make_code(station: Station, kind: CodeKind, now: datetime | None = None) -> str:
    """``now`` picks the step of a rotating code (a static one has none)."""
    if kind == ROTATING and now is None:
        raise ValueError("a rotating code is made for a moment")
    step = 0 if kind == STATIC else current_step(now)
    payload = f"S{station.id}.{station.key_version}.{LETTERS[kind]}{step}"
    return _signer(station, station.key_version).sign(payload).decode()


def code_url(code: str) -> str:
    """The URL a phone's camera opens; its path is all the scan needs."""
    return url_for("checkin.scan", code=code, _external=True)


def extract_code(text: str) -> str:
    """A scanner gives the whole URL, a client may send the bare code: accept both."""
    text = (text or "").strip()
    return text.rstrip("/").rsplit("/", 1)[-1] if "/" in text else text


def read_code(text: str, *, now: datetime, load_options=()) -> ReadCode:
    """The station and kind of a scanned code, or InvalidCode / ExpiredCode. ``load_options``
    load more with the station (check-in takes its running projects along)."""
    match = _CODE_RE.match(extract_code(text))
    if not match:
        raise InvalidCode()
    station_id, version, kind, step = int(match[1]), int(match[2]), KINDS[match[3]], int(match[4])
    station = db.session.get(Station, station_id, options=load_options) if station_id <= MAX_ID else None
    if station is None:
        raise InvalidCode()
    try:
        _signer(station, version).unsign(extract_code(text))
    except BadSignature:
        raise InvalidCode() from None
    # From here the station is known for sure: refusals name it, so the scan log can.
    error = None
    if version != station.key_version:
        error = InvalidCode(_l("This station's code has been replaced. Scan the new code at the station."))
    elif kind == STATIC:
        if step != 0:
            error = InvalidCode()
        elif station.require_rotating_code:
            error = RotatingCodeRequired()
    elif current_step(now) - step not in (0, 1):
        error = ExpiredCode()
    if error is not None:
        error.station = station
        raise error
    return ReadCode(station=station, kind=kind)


def reset_code(actor, station: Station, *, now: datetime) -> Station:
    """Revoke every code of the station at once (a lost or photographed poster)."""
    permissions.ensure(actor, "station.manage", station)
    before = station.key_version
    station.key_version = before + 1
    record_event(actor, StationEvent.CODE_RESET, station, before={"key_version": before},
                 after={"key_version": station.key_version}, now=now)
    return station


def qr_image(text: str, image_format: str = "svg") -> tuple[bytes, str]:
    """The QR code of ``text`` as SVG (vector) or PNG, with its content type."""
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=10, border=4)
    qr.add_data(text)
    qr.make(fit=True)
    buffer = io.BytesIO()
    if image_format == "png":
        qr.make_image().save(buffer, format="PNG")
        return buffer.getvalue(), "image/png"
    qr.make_image(image_factory=qrcode.image.svg.SvgPathImage).save(buffer)
    return buffer.getvalue(), "image/svg+xml"


def station_qr(station: Station, kind: CodeKind, image_format: str, *, now: datetime) -> tuple[bytes, str, str]:
    """The QR image of the station's current code of ``kind``: (image, content type, code URL)."""
    text = code_url(make_code(station, kind, now))
    body, content_type = qr_image(text, image_format)
    return body, content_type, text
