"""Where the reports' queries run: on the read-only engine of REPORTS_DATABASE_URL (a replica in
production) when it is set, else on the main one. The rollups are written by the ledger's own
transactions on the main engine; only their reading moves."""
from __future__ import annotations

from volunteer.extensions import db

REPLICA = "reports"  # the bind key create_app gives REPORTS_DATABASE_URL


def _on() -> dict:
    return {"bind": db.engines[REPLICA]} if REPLICA in db.engines else {}


def execute(stmt):
    return db.session.execute(stmt, bind_arguments=_on())


def scalar(stmt):
    return db.session.scalar(stmt, bind_arguments=_on())


def scalars(stmt):
    return db.session.scalars(stmt, bind_arguments=_on())
