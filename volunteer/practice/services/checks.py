"""The checks of typed text the practice forms share."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from volunteer.core.errors import FieldErrors


def text_field(errors: FieldErrors, data: dict, field: str, limit: int, *, required: bool, message=None) -> str | None:
    value = str(data.get(field) or "").strip()
    if "\x00" in value:
        errors.add(field, _l("This text holds a character that cannot be stored."))
    elif required and not value:
        errors.add(field, message or _l("Please fill this in."))
    elif len(value) > limit:
        errors.add(field, _l("At most %(n)s characters.", n=limit))
    return value or None
