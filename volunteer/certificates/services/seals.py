"""Seals: an organisation's seal image (a PNG with transparency, checked and re-encoded) and the
person in charge who signs its certificates."""
from __future__ import annotations

import hashlib
import io
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from PIL import Image, UnidentifiedImageError

from volunteer.certificates.models import Seal
from volunteer.certificates.vocabulary import CertificateEvent
from volunteer.core import permissions
from volunteer.core.audit import record_event
from volunteer.core.errors import FieldErrors, NotFound
from volunteer.extensions import db
from volunteer.organisations.models import Organisation

SEAL_MAX_BYTES = 1024 * 1024
SEAL_MAX_SIDE = 2000
SEAL_MIN_SIDE = 100


def seal_settings_for(user, code: str) -> tuple[Organisation, Seal | None]:
    """The organisation whose seal the user manages, and its seal if it has one."""
    organisation = db.session.scalar(sa.select(Organisation).where(Organisation.code == (code or "")[:32]))
    if organisation is None:
        raise NotFound()
    permissions.ensure(user, "certificate.issue", organisation)
    return organisation, db.session.get(Seal, organisation.id)


def seal_png_for(user, code: str) -> bytes:
    """The stored (re-encoded) image, to the organisation's admins only."""
    _organisation, seal = seal_settings_for(user, code)
    if seal is None or seal.png is None:
        raise NotFound()
    return seal.png


def clean_seal(errors: FieldErrors, upload: bytes | None, field: str = "seal") -> tuple[bytes, int, int] | None:
    """A seal image as our own PNG (never the upload's bytes) with its width and height, or None
    with the reason in ``errors``; nothing uploaded is no new image. A unit's seal is checked alike."""
    if not upload:
        return None
    if len(upload) > SEAL_MAX_BYTES:
        errors.add(field, _l("The seal image must be at most 1 MB."))
        return None
    transparent = _l("The seal must be a PNG image with a transparent background.")
    if not upload.startswith(b"\x89PNG\r\n\x1a\n"):
        errors.add(field, transparent)
        return None
    try:
        with Image.open(io.BytesIO(upload)) as image:
            image.verify()
        with Image.open(io.BytesIO(upload)) as image:
            width, height = image.size
            if image.format != "PNG":
                raise UnidentifiedImageError()
            if not (SEAL_MIN_SIDE <= width <= SEAL_MAX_SIDE and SEAL_MIN_SIDE <= height <= SEAL_MAX_SIDE):
                errors.add(field, _l("The seal must be between %(low)s and %(high)s pixels on each side.",
                                     low=SEAL_MIN_SIDE, high=SEAL_MAX_SIDE))
                return None
            if "A" not in image.getbands() and "transparency" not in image.info:
                errors.add(field, transparent)
                return None
            out = io.BytesIO()
            image.convert("RGBA").save(out, format="PNG", optimize=True)
            return out.getvalue(), width, height
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        errors.add(field, transparent)
        return None


def set_seal(actor, organisation: Organisation, upload: bytes | None, person_in_charge: str | None, *,
             now: datetime) -> Seal:
    """A PNG with transparency, checked and re-encoded (what is stored is our own PNG, never the
    upload's bytes); and the person in charge who signs the organisation's certificates."""
    permissions.ensure(actor, "certificate.issue", organisation)
    errors = FieldErrors()
    cleaned = clean_seal(errors, upload)
    person = (person_in_charge or "").strip()[:80] or None
    errors.raise_if_any()
    seal = db.session.get(Seal, organisation.id) or Seal(organisation_id=organisation.id)
    if cleaned is not None:
        png, seal.width, seal.height = cleaned
        seal.png, seal.sha256 = png, hashlib.sha256(png).hexdigest()
    seal.person_in_charge = person
    seal.updated_by_id, seal.updated_at = actor.id, now
    db.session.add(seal)
    db.session.flush()
    record_event(actor, CertificateEvent.SEAL_UPDATED, organisation,
                 after={"sha256": seal.sha256, "person_in_charge": person}, now=now)
    return seal


