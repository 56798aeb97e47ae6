"""The totals kept beside the entries (per volunteer, project and year), upserted in the same
transaction as each change, and their verification against a recomputation from the entries;
a project's figures of service from the ledger."""
from __future__ import annotations

import sqlalchemy as sa
from flask import current_app

from volunteer.core.database import add_to, year_of
from volunteer.extensions import db
from volunteer.ledger import rules
from volunteer.ledger.models import LedgerEntry, LedgerTotal
from volunteer.ledger.services.waiting import rebuild_waiting, verify_waiting


def add_to_totals(volunteer_id: int, project_id: int, year: int, *, approved: int = 0, pending: int = 0) -> None:
    """Move a volunteer's totals by these amounts, atomically (core.database.add_to)."""
    add_to(LedgerTotal, {"volunteer_id": volunteer_id, "project_id": project_id, "year": year},
           {"approved_minutes": approved, "pending_minutes": pending})


def totals_of(volunteer_id: int) -> dict:
    """Approved (credited) and pending minutes, in all and by year and project, from the totals."""
    rows = db.session.scalars(sa.select(LedgerTotal).where(LedgerTotal.volunteer_id == volunteer_id)).all()
    approved = sum(r.approved_minutes for r in rows)
    thresholds = tuple(current_app.config["STAR_THRESHOLDS_HOURS"])
    return {"approved_minutes": approved, "pending_minutes": sum(r.pending_minutes for r in rows),
            "star_level": rules.star_level(approved, thresholds),
            "to_next_star": rules.minutes_to_next_star(approved, thresholds), "rows": rows}


def projects_served(totals: dict, limit: int) -> tuple[list[tuple[int, dict]], int]:
    """Of a volunteer's totals (totals_of), the projects they served, the most recent first (by
    the last year served, then the hours): (project id, its year and minutes) for the first
    ``limit``, and how many projects in all."""
    served: dict[int, dict] = {}
    for row in totals["rows"]:
        mine = served.setdefault(row.project_id, {"year": row.year, "approved_minutes": 0, "pending_minutes": 0})
        mine["year"] = max(mine["year"], row.year)
        mine["approved_minutes"] += row.approved_minutes
        mine["pending_minutes"] += row.pending_minutes
    recent = sorted(served.items(), key=lambda item: (item[1]["year"], item[1]["approved_minutes"]), reverse=True)
    return recent[:limit], len(served)


def recompute() -> dict[tuple[int, int, int], tuple[int, int]]:
    """The totals as the entries say: (volunteer, project, year) → (approved, pending)."""
    return {(v, p, int(y)): (int(a or 0), int(n or 0)) for v, p, y, a, n in db.session.execute(_recomputed())}


def _recomputed() -> sa.Select:
    """The totals as the entries say, as one SELECT: (volunteer, project, year, approved, pending)."""
    year = year_of(LedgerEntry.served_on)
    approved = sa.case((LedgerEntry.counts_toward_hours, LedgerEntry.credited_minutes), else_=0)
    pending = sa.case((LedgerEntry.is_pending, LedgerEntry.minutes), else_=0)
    return (sa.select(LedgerEntry.volunteer_id, LedgerEntry.project_id, year, sa.func.sum(approved),
                      sa.func.sum(pending))
            .where(sa.or_(LedgerEntry.counts_toward_hours, LedgerEntry.is_pending))
            .group_by(LedgerEntry.volunteer_id, LedgerEntry.project_id, year))


def rebuild_totals() -> None:
    """Fill the totals, and the counts of what waits, afresh from the entries, in the database
    (after a bulk load)."""
    db.session.execute(sa.delete(LedgerTotal))
    db.session.execute(sa.insert(LedgerTotal).from_select(
        ["volunteer_id", "project_id", "year", "approved_minutes", "pending_minutes"], _recomputed()))
    rebuild_waiting()


def verify() -> list[str]:
    """Every difference between the stored totals, or the counts of what waits, and a
    recomputation from the entries."""
    expected = recompute()
    stored = {(t.volunteer_id, t.project_id, t.year): (t.approved_minutes, t.pending_minutes)
              for t in db.session.scalars(sa.select(LedgerTotal))}
    problems = []
    for key in sorted(set(expected) | set(stored)):
        want, have = expected.get(key, (0, 0)), stored.get(key, (0, 0))
        if want != have:
            problems.append(f"volunteer {key[0]}, project {key[1]}, {key[2]}: stored approved/pending "
                            f"{have[0]}/{have[1]} min, entries say {want[0]}/{want[1]} min")
    return problems + verify_waiting()




def project_figures(project) -> dict:
    """A project's service as the ledger counts it: the volunteers with hours and the approved
    hours from the totals kept beside them (its person-times are the reports'). Answers
    ``signals.project_figures_requested``."""
    volunteers = db.session.scalar(sa.select(sa.func.count(sa.distinct(LedgerEntry.volunteer_id)))
                                   .where(LedgerEntry.project_id == project.id, LedgerEntry.counts_toward_hours))
    minutes = db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(LedgerTotal.approved_minutes), 0))
                                .where(LedgerTotal.project_id == project.id))
    return {"volunteers": volunteers, "approved_hours": round(minutes / 60, 1)}
