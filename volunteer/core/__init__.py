"""What every domain shares: errors, time, audit log, permissions, crypto, pagination."""

import sqlalchemy as sa

from volunteer.extensions import db

MAX_ID = 2**31 - 1  # integer primary keys; a larger number in a URL can only be absent


def get_by_id(model, record_id):
    """The row with this id, or None (also for ids no column could hold)."""
    if not isinstance(record_id, int) or not 0 < record_id <= MAX_ID:
        return None
    return db.session.get(model, record_id)


def flush_unique(error) -> None:
    """Flush in a savepoint; if a unique constraint refuses it (someone did the same thing at the
    same moment), raise ``error`` instead, leaving the session usable."""
    try:
        with db.session.begin_nested():
            db.session.flush()
    except sa.exc.IntegrityError:
        raise error from None
