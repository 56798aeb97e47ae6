"""Records stored before identifiers were normalised (NFKC: full-width and other script digits
become ASCII) that the rule would have refused as duplicates, or that no longer match the form
everything is compared in: listed for an admin to merge or correct by hand, never changed here."""
from __future__ import annotations

from collections import defaultdict

import sqlalchemy as sa

from volunteer.accounts.identity import mask_id_number, mask_phone, normalise_id_number, normalise_phone
from volunteer.accounts.models import User, Volunteer
from volunteer.core.crypto import decrypt_text
from volunteer.extensions import db


def _groups(rows, normalise) -> list[list[tuple[int, str]]]:
    """Rows (id, stored value) that share a normalised value with another, or whose stored value
    is not in normalised form."""
    by_value: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for row_id, stored in rows:
        by_value[normalise(stored)].append((row_id, stored))
    return [sorted(members) for value, members in sorted(by_value.items())
            if len(members) > 1 or any(stored != value for _id, stored in members)]


def lookalikes(execute=None) -> list[str]:
    """One line per group, masked as staff see them: the accounts whose phones, and the volunteers
    whose ID numbers, are one number once normalised. Read with ``execute`` (a migration's
    connection) or the session."""
    execute = execute or db.session.execute
    lines = []
    phones = execute(sa.select(User.id, User.phone).where(User.phone.is_not(None))).all()
    for group in _groups(phones, normalise_phone):
        lines.append("phone " + mask_phone(normalise_phone(group[0][1])) + ": accounts "
                     + ", ".join(str(user_id) for user_id, _stored in group))
    ids = [(volunteer_id, decrypt_text(encrypted)) for volunteer_id, encrypted in execute(
        sa.select(Volunteer.id, Volunteer.id_number_encrypted).where(Volunteer.id_number_encrypted.is_not(None)))]
    for group in _groups(ids, normalise_id_number):
        lines.append("ID number " + mask_id_number(normalise_id_number(group[0][1])) + ": volunteers "
                     + ", ".join(str(volunteer_id) for volunteer_id, _stored in group))
    return lines
