"""What waits for a decision, counted as it changes: an entry recorded pending adds itself to its
project's organisation (``PendingCount``) and its service day there (``PendingDay``); a
decision takes it off. An organisation's queue, or a province's, is then the rows of the
organisations below it rather than every pending entry; the overdue ones are those whose day
is not among the last ones (crediting.overdue_cutoff). ``flask --app run ledger verify``
recounts both from the entries."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from volunteer.core.database import add_to
from volunteer.extensions import db
from volunteer.ledger.models import LedgerEntry, PendingCount, PendingDay
from volunteer.organisations.models import OrganisationAncestor
from volunteer.projects.models import Project


def count_waiting(organisation_id: int, served_on: date, minutes: int, step: int) -> None:
    """An entry of this organisation's projects begins to wait (step 1) or is decided (-1)."""
    amounts = {"entries": step, "minutes": step * minutes}
    add_to(PendingCount, {"organisation_id": organisation_id}, amounts)
    add_to(PendingDay, {"organisation_id": organisation_id, "served_on": served_on}, amounts)


def waiting_under(ids: list[int], cutoff: date | None, *, execute=None) -> dict[int, dict[str, int]]:
    """What waits on the projects of each organisation and those below it: pending entries, their
    minutes and how many are overdue (served on or before ``cutoff``; none without one). Read
    with ``execute`` (the reports' replica) or the session."""
    execute = execute or db.session.execute
    above = OrganisationAncestor

    def under(table, *where):
        return dict((row[0], row[1:]) for row in execute(
            sa.select(above.ancestor_id, sa.func.sum(table.entries), sa.func.sum(table.minutes))
            .join(table, table.organisation_id == above.organisation_id)
            .where(above.ancestor_id.in_(ids), *where).group_by(above.ancestor_id)))

    total = under(PendingCount)
    recent = under(PendingDay, PendingDay.served_on > cutoff) if cutoff is not None else {}
    found = {}
    for i in ids:
        entries, minutes = (int(n or 0) for n in total.get(i, (0, 0)))
        overdue = entries - int(recent.get(i, (0, 0))[0] or 0) if cutoff is not None else 0
        found[i] = {"entries": entries, "minutes": minutes, "overdue_entries": overdue}
    return found


def _recounted() -> tuple[sa.Select, sa.Select]:
    """Both counts as the entries say, as SELECTs: (organisation, entries, minutes) and
    (organisation, day, entries, minutes)."""
    pending = (sa.select(Project.organisation_id, LedgerEntry.served_on, LedgerEntry.minutes)
               .join(Project, Project.id == LedgerEntry.project_id).where(LedgerEntry.is_pending).subquery())
    counts = (sa.select(pending.c.organisation_id, sa.func.count(), sa.func.sum(pending.c.minutes))
              .group_by(pending.c.organisation_id))
    days = (sa.select(pending.c.organisation_id, pending.c.served_on, sa.func.count(), sa.func.sum(pending.c.minutes))
            .group_by(pending.c.organisation_id, pending.c.served_on))
    return counts, days


def rebuild_waiting() -> None:
    """Count both afresh from the entries, in the database (after a bulk load)."""
    counts, days = _recounted()
    db.session.execute(sa.delete(PendingDay))
    db.session.execute(sa.delete(PendingCount))
    db.session.execute(sa.insert(PendingCount).from_select(["organisation_id", "entries", "minutes"], counts))
    db.session.execute(sa.insert(PendingDay).from_select(["organisation_id", "served_on", "entries", "minutes"], days))


def verify_waiting() -> list[str]:
    """Every difference between the kept counts of what waits and a recount from the entries."""
    counts, days = _recounted()
    problems = []
    for label, stmt, table, key in (
            ("", counts, PendingCount, ("organisation_id",)),
            (" on", days, PendingDay, ("organisation_id", "served_on"))):
        width = len(key)
        want = {tuple(row[:width]): (int(row[width]), int(row[width + 1])) for row in db.session.execute(stmt)}
        have = {tuple(getattr(t, k) for k in key): (t.entries, t.minutes) for t in db.session.scalars(sa.select(table))}
        for k in sorted(set(want) | set(have), key=str):
            w, h = want.get(k, (0, 0)), have.get(k, (0, 0))
            if w != h:
                where = f"organisation {k[0]}" + (f"{label} {k[1]}" if width > 1 else "")
                problems.append(f"pending of {where}: kept {h[0]} entries/{h[1]} min, entries say {w[0]}/{w[1]}")
    return problems
