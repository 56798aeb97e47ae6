"""Photos people upload (a sign-in sheet, a practice log's): checked, and re-encoded as our own
JPEG so that nothing of the upload's metadata (where a phone took it) is kept."""
from __future__ import annotations

import io

from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError

from volunteer.core.errors import FieldErrors

PHOTO_MAX_BYTES = 10 * 1024 * 1024
PHOTO_MAX_SIDE = 2000  # enough to read a handwritten sheet; a phone's 4000 px photo is shrunk
PHOTO_FORMATS = ("JPEG", "PNG", "WEBP")
PHOTO_MAX_PIXELS = 50_000_000  # a 48-megapixel phone's photo; beyond it, decoding alone would cost a worker too much


def clean_photo(errors: FieldErrors, upload: bytes | None, field: str = "photo") -> tuple[bytes, int, int] | None:
    """The upload as our own JPEG (never the upload's bytes), with its width and height, or None
    with the reason in ``errors`` under ``field``; nothing uploaded is no photo."""
    if not upload:
        return None
    if len(upload) > PHOTO_MAX_BYTES:
        errors.add(field, _l("The photo must be at most %(n)s MB.", n=PHOTO_MAX_BYTES // (1024 * 1024)))
        return None
    try:
        with Image.open(io.BytesIO(upload)) as image:
            if image.format not in PHOTO_FORMATS or image.width * image.height > PHOTO_MAX_PIXELS:
                raise UnidentifiedImageError()
            image.verify()
        with Image.open(io.BytesIO(upload)) as image:
            upright = ImageOps.exif_transpose(image).convert("RGB")
            upright.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE))
            out = io.BytesIO()
            upright.save(out, format="JPEG", quality=82, optimize=True)
            return out.getvalue(), upright.width, upright.height
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        errors.add(field, _l("The photo must be a JPEG, PNG or WebP image."))
        return None
