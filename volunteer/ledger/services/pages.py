"""What the ledger's own pages show, each gathered in one call: the approval queue and a
volunteer's hours (a page of entries costs a fixed number of queries, whatever its size)."""
from __future__ import annotations

from datetime import datetime

from volunteer.core.pagination import paginate
from volunteer.extensions import db
from volunteer.ledger.services.access import ensure_decides_somewhere, entries_in_scope
from volunteer.ledger.services.decisions import may_correct
from volunteer.ledger.services.disputes import disputes_in_scope, disputes_of
from volunteer.ledger.services.listing import (
    corrected_among,
    entries_of,
    filter_entries,
    flags_for,
    project_titles,
    with_details,
)
from volunteer.ledger.services.totals import totals_of
from volunteer.ledger.vocabulary import EntryState

QUEUE_DISPUTES = 100


def queue_page(user, *, page, now: datetime) -> dict:
    """The pending entries the user decides on with their flags, and the open disputes."""
    ensure_decides_somewhere(user)
    stmt = filter_entries(entries_in_scope(user), {"state": EntryState.PENDING}, now=now)
    entries = paginate(with_details(stmt), page, 50)
    disputes = db.session.scalars(disputes_in_scope(user).limit(QUEUE_DISPUTES)).all()
    return {"page": entries, "flags": flags_for(entries.items, now=now), "disputes": disputes,
            "may_correct": {d.id: may_correct(user, d.entry) for d in disputes}}


def hours_page(volunteer_id: int, *, page) -> dict:
    """A volunteer's own hours: totals by year and project, a page of entries, their disputes."""
    entries = paginate(with_details(entries_of(volunteer_id)), page, 30)
    totals = totals_of(volunteer_id)
    ids = [e.id for e in entries.items]
    return {"page": entries, "totals": totals, "projects": project_titles({row.project_id for row in totals["rows"]}),
            "disputes": disputes_of(volunteer_id, ids), "corrected": corrected_among(ids)}
