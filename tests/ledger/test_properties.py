"""Property-based: any sequence of scans, stale closings, decisions, corrections and disputes leaves every
stored total and rollup equal to the recomputation, never changes an approved entry's row, and never
credits a session the system closed unless someone decided on it."""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.checkin.fixtures import local
from tests.conftest import empty_sqlite_tables
from volunteer.accounts.models import User
from volunteer.checkin import services as checkin
from volunteer.checkin.models import Scan, ServiceSession
from volunteer.cli import close_stale_sessions
from volunteer.core.errors import DomainError
from volunteer.core.models import Event
from volunteer.extensions import db
from volunteer.ledger import services as ledger
from volunteer.ledger.models import Dispute, LedgerEntry, LedgerTotal, PendingCount, PendingDay, SheetPhoto
from volunteer.reports import direct as reports
from volunteer.reports.models import ROLLUPS, RegisteredDay
from volunteer.stations import codes
from volunteer.stations.models import Station

OPERATIONS = st.lists(st.one_of(
    st.tuples(st.just("serve"), st.integers(0, 1), st.integers(1, 400)),  # check in, serve, check out
    st.tuples(st.just("scan"), st.integers(0, 1)),                        # a lone scan (may be left open)
    st.tuples(st.just("wait"), st.integers(1, 600)),                      # minutes pass
    st.tuples(st.just("close_stale"), st.just(0)),
    st.tuples(st.just("decide"), st.integers(0, 9), st.sampled_from(["approve", "reject"]),
              st.one_of(st.none(), st.integers(0, 900)), st.integers(0, 1)),  # entry, decision, minutes, who
    st.tuples(st.just("correct"), st.integers(0, 9), st.integers(0, 900)),
    st.tuples(st.just("dispute"), st.integers(0, 9)),                     # the entry's volunteer objects
    st.tuples(st.just("uphold"), st.integers(0, 9)),                      # the lead keeps the entry
), max_size=30)


# The rollups of the ledger; the registrations' follow the profiles, which stay.
LEDGER_ROLLUPS = [model for model in ROLLUPS if model is not RegisteredDay]


def _empty_ledger():
    if db.engine.dialect.name == "postgresql":
        db.session.execute(sa.text("TRUNCATE disputes, scans, ledger_sheet_photos, ledger_totals, ledger_pending_counts, "
                                   "ledger_pending_days, ledger_entries, service_sessions, events, "
                                   + ", ".join(m.__tablename__ for m in LEDGER_ROLLUPS)))
    else:
        empty_sqlite_tables(db.session.connection(), [m.__table__ for m in (
            *LEDGER_ROLLUPS, Dispute, Scan, SheetPhoto, LedgerTotal, PendingCount, PendingDay, LedgerEntry, ServiceSession, Event)])
    db.session.commit()


def _snapshot(entry: LedgerEntry) -> dict:
    return {c.name: getattr(entry, c.name) for c in LedgerEntry.__table__.columns}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations=OPERATIONS)
def test_any_sequence_keeps_the_ledger_honest(app, world, site, operations):
    with app.app_context():
        _empty_ledger()
        station = db.session.get(Station, site.station_id)
        text = codes.make_code(station, codes.STATIC)
        volunteers = [world.a_volunteer.user_id, world.b_volunteer.user_id]
        deciders = [site.lead.user_id, world.city_admin.id]
        now = local(8, 10)
        approved_rows: dict[int, dict] = {}
        for op in operations:
            kind = op[0]
            if kind == "wait":
                now += timedelta(minutes=op[1])
            elif kind == "serve":
                user = db.session.get(User, volunteers[op[1]])
                checkin.scan_station_code(user, text, now=now)
                now += timedelta(minutes=op[2])
                checkin.scan_station_code(user, text, now=now)
            elif kind == "scan":
                checkin.scan_station_code(db.session.get(User, volunteers[op[1]]), text, now=now)
            elif kind == "close_stale":
                close_stale_sessions(now)  # the cron command's loop
            elif kind == "uphold":
                disputes = db.session.scalars(sa.select(Dispute).order_by(Dispute.id)).all()
                if disputes:
                    try:
                        with db.session.begin_nested():
                            ledger.uphold(db.session.get(User, site.lead.user_id), disputes[op[1] % len(disputes)],
                                          "核实无误", now=now)
                    except DomainError:
                        pass
            else:
                # mostly the entries the operation applies to; now and then any entry (a refusal)
                wanted = {"decide": "pending", "correct": "approved"}.get(kind)
                entries = db.session.scalars(sa.select(LedgerEntry).where(LedgerEntry.state == wanted)
                                             .order_by(LedgerEntry.id)).all() if op[1] < 8 and wanted else \
                    db.session.scalars(sa.select(LedgerEntry).order_by(LedgerEntry.id)).all()
                if not entries:
                    continue
                entry = entries[op[1] % len(entries)]
                try:
                    with db.session.begin_nested():
                        if kind == "decide":
                            _, _, decision, minutes, who = op
                            ledger.decide(db.session.get(User, deciders[who]), entry, decision, minutes=minutes,
                                          reason="审核", now=now)
                        elif kind == "dispute":
                            ledger.open_dispute(entry.volunteer.user, entry.id, "时长不对", now=now)
                        else:
                            ledger.correct(db.session.get(User, world.city_admin.id), entry, op[2], "更正", now=now)
                except DomainError:
                    pass  # refusals are part of the game: they must change nothing
            db.session.commit()
            for entry in db.session.scalars(sa.select(LedgerEntry).where(LedgerEntry.state == "approved")):
                if entry.id in approved_rows:
                    assert _snapshot(entry) == approved_rows[entry.id], "an approved entry changed"
                else:
                    approved_rows[entry.id] = _snapshot(entry)
        assert ledger.verify() == []
        assert reports.verify() == []  # the dashboards' rollups followed every step
        for entry in db.session.scalars(sa.select(LedgerEntry).where(LedgerEntry.auto_closed.is_(True))):
            if entry.state != "approved":
                assert entry.credited_minutes is None and entry.minutes == 0
            else:
                assert entry.decided_by_id is not None
        for dispute in db.session.scalars(sa.select(Dispute)):
            # a dispute ends in an answer someone gave; a decided entry's dispute is no longer waiting
            if dispute.state == "resolved":
                assert dispute.resolution and dispute.resolved_by_id
            else:
                assert dispute.entry.decided_at is None or dispute.entry.decided_at <= dispute.created_at
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ServiceSession)
                                 .where(ServiceSession.state == "open")) <= 2
