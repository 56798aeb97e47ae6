"""The totals kept beside the entries (per volunteer, project and year), upserted in the same
transaction as each change, and their verification against a recomputation from the entries;
a project's figures of service from the ledger."""
from __future__ import annotations

import sqlalchemy as sa
from flask import current_app

from volunteer.core.database import insert
from volunteer.extensions import db
from volunteer.ledger import rules
from volunteer.ledger.models import LedgerEntry, LedgerTotal
from volunteer.ledger.vocabulary import EntryState


def add_to_totals(volunteer_id: int, project_id: int, year: int, *, approved: int = 0, pending: int = 0) -> None:
    """Move a volunteer's totals by these amounts, atomically: an UPDATE of the row, or an upsert
    when there is none yet (an INSERT may not carry a negative amount, even one that would only
    reach an existing row)."""
    if not approved and not pending:
        return
    key = (LedgerTotal.volunteer_id == volunteer_id, LedgerTotal.project_id == project_id, LedgerTotal.year == year)
    moved = db.session.execute(
        sa.update(LedgerTotal).where(*key)
        .values(approved_minutes=LedgerTotal.approved_minutes + approved,
                pending_minutes=LedgerTotal.pending_minutes + pending)
        .execution_options(synchronize_session=False)).rowcount
    if moved:
        return
    stmt = insert(LedgerTotal).values(volunteer_id=volunteer_id, project_id=project_id, year=year,
                                               approved_minutes=approved, pending_minutes=pending)
    db.session.execute(stmt.on_conflict_do_update(
        index_elements=["volunteer_id", "project_id", "year"],
        set_={"approved_minutes": LedgerTotal.approved_minutes + stmt.excluded.approved_minutes,
              "pending_minutes": LedgerTotal.pending_minutes + stmt.excluded.pending_minutes}))


def totals_of(volunteer_id: int) -> dict:
    """Approved (credited) and pending minutes, in all and by year and project, from the totals."""
    rows = db.session.scalars(sa.select(LedgerTotal).where(LedgerTotal.volunteer_id == volunteer_id)).all()
    approved = sum(r.approved_minutes for r in rows)
    return {"approved_minutes": approved, "pending_minutes": sum(r.pending_minutes for r in rows),
            "star_level": rules.star_level(approved, tuple(current_app.config["STAR_THRESHOLDS_HOURS"])),
            "rows": rows}


def _year_of(column):
    if db.engine.dialect.name == "postgresql":
        return sa.cast(sa.extract("year", column), sa.Integer)
    return sa.cast(sa.func.strftime("%Y", column), sa.Integer)


def recompute() -> dict[tuple[int, int, int], tuple[int, int]]:
    """The totals as the entries say: (volunteer, project, year) → (approved, pending)."""
    year = _year_of(LedgerEntry.served_on)
    result: dict[tuple[int, int, int], list[int]] = {}
    approved = db.session.execute(
        sa.select(LedgerEntry.volunteer_id, LedgerEntry.project_id, year, sa.func.sum(LedgerEntry.credited_minutes))
        .where(LedgerEntry.counts_toward_hours)
        .group_by(LedgerEntry.volunteer_id, LedgerEntry.project_id, year))
    for volunteer_id, project_id, y, minutes in approved:
        result.setdefault((volunteer_id, project_id, int(y)), [0, 0])[0] = int(minutes or 0)
    pending = db.session.execute(
        sa.select(LedgerEntry.volunteer_id, LedgerEntry.project_id, year, sa.func.sum(LedgerEntry.minutes))
        .where(LedgerEntry.state == EntryState.PENDING).group_by(LedgerEntry.volunteer_id, LedgerEntry.project_id, year))
    for volunteer_id, project_id, y, minutes in pending:
        result.setdefault((volunteer_id, project_id, int(y)), [0, 0])[1] = int(minutes or 0)
    return {key: (a, p) for key, (a, p) in result.items()}


def verify() -> list[str]:
    """Every difference between the stored totals and a recomputation from the entries."""
    expected = recompute()
    stored = {(t.volunteer_id, t.project_id, t.year): (t.approved_minutes, t.pending_minutes)
              for t in db.session.scalars(sa.select(LedgerTotal))}
    problems = []
    for key in sorted(set(expected) | set(stored)):
        want, have = expected.get(key, (0, 0)), stored.get(key, (0, 0))
        if want != have:
            problems.append(f"volunteer {key[0]}, project {key[1]}, {key[2]}: stored approved/pending "
                            f"{have[0]}/{have[1]} min, entries say {want[0]}/{want[1]} min")
    return problems




def project_figures(project) -> dict:
    """A project's service as the ledger counts it: the volunteers with hours, the entries that
    count (person-times: a corrected entry counts once, as corrected) and the approved hours from
    the totals kept beside them. Answers ``signals.project_figures_requested``."""
    credited = db.session.execute(
        sa.select(sa.func.count(sa.distinct(LedgerEntry.volunteer_id)), sa.func.count())
        .where(LedgerEntry.project_id == project.id, LedgerEntry.counts_toward_hours)).one()
    minutes = db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(LedgerTotal.approved_minutes), 0))
                                .where(LedgerTotal.project_id == project.id))
    return {"volunteers": credited[0], "person_times": credited[1], "approved_hours": round(minutes / 60, 1)}
