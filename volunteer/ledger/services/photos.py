"""The photo behind a manual entry (a sign-in sheet, a group photo), cleaned by core.images: kept
beside the entry, and shown to whoever decides on it."""
from __future__ import annotations

import hashlib
from datetime import datetime

from volunteer.core.errors import NotFound
from volunteer.extensions import db
from volunteer.ledger.models import LedgerEntry, SheetPhoto
from volunteer.ledger.services.access import get_entry_for


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
