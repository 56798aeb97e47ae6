"""Gap-tolerant named sequences, safe under concurrent use.

One ``INSERT … ON CONFLICT DO UPDATE … RETURNING`` both creates and increments the counter, so
two registrations at the same moment never get the same number (PostgreSQL locks the row; SQLite
serialises writers)."""
from __future__ import annotations

from volunteer.core.database import insert
from volunteer.core.models import Counter
from volunteer.extensions import db


def next_value(name: str) -> int:
    stmt = insert(Counter).values(name=name, value=1)
    stmt = stmt.on_conflict_do_update(
        index_elements=[Counter.name], set_={"value": Counter.value + 1}
    ).returning(Counter.value)
    return db.session.execute(stmt).scalar_one()
