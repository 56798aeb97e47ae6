"""The photo behind a manual entry (a sign-in sheet, a group photo): checked, re-encoded as JPEG
without its metadata, kept beside the entry, and shown to whoever decides on it."""
from __future__ import annotations

import hashlib
import io
from datetime import datetime

from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError

from volunteer.core.errors import FieldErrors, NotFound
from volunteer.extensions import db
from volunteer.ledger.models import LedgerEntry, SheetPhoto
from volunteer.ledger.services.access import get_entry_for

PHOTO_MAX_BYTES = 10 * 1024 * 1024
PHOTO_MAX_SIDE = 2000  # enough to read a handwritten sheet; a phone's 4000 px photo is shrunk
PHOTO_FORMATS = ("JPEG", "PNG", "WEBP")


def clean_photo(errors: FieldErrors, upload: bytes | None) -> tuple[bytes, int, int] | None:
    """The upload as our own JPEG (never the upload's bytes, so no location or other metadata
    goes on), or None with the reason in ``errors``; nothing uploaded is no photo."""
    if not upload:
        return None
    if len(upload) > PHOTO_MAX_BYTES:
        errors.add("photo", _l("The photo must be at most %(n)s MB.", n=PHOTO_MAX_BYTES // (1024 * 1024)))
        return None
    try:
        with Image.open(io.BytesIO(upload)) as image:
            if image.format not in PHOTO_FORMATS:
                raise UnidentifiedImageError()
            image.verify()
        with Image.open(io.BytesIO(upload)) as image:
            upright = ImageOps.exif_transpose(image).convert("RGB")
            upright.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE))
            out = io.BytesIO()
            upright.save(out, format="JPEG", quality=82, optimize=True)
            return out.getvalue(), upright.width, upright.height
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        errors.add("photo", _l("The photo must be a JPEG, PNG or WebP image."))
        return None


def keep_photo(entry: LedgerEntry, photo: tuple[bytes, int, int], *, now: datetime) -> SheetPhoto:
    jpeg, width, height = photo
    kept = SheetPhoto(entry_id=entry.id, jpeg=jpeg, sha256=hashlib.sha256(jpeg).hexdigest(), width=width,
                      height=height, created_at=now)
    db.session.add(kept)
    return kept


def photo_for(user, entry_id) -> bytes:
    """The photo, to those who may see the entry in their queue or ledger."""
    entry = get_entry_for(user, entry_id)
    photo = db.session.get(SheetPhoto, entry.id)
    if photo is None:
        raise NotFound()
    return photo.jpeg
