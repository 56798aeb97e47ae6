"""Deciding on pending entries, corrections, totals that follow, and their verification."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.checkin.fixtures import DAY, local
from volunteer.accounts.models import User
from volunteer.core.errors import DomainError
from volunteer.extensions import db
from volunteer.ledger import services as ledger
from volunteer.ledger.models import LedgerEntry, LedgerTotal


@pytest.fixture
def served(world, site, code, scan):
    """served(person, start, end) → the id of the pending entry of one session."""
    def make(person=None, start=(9, 0), end=(11, 30), day=DAY):
        person = person or world.a_volunteer
        scan(person, code(site.station_id), local(*start, day=day))
        out = scan(person, code(site.station_id), local(*end, day=day))
        assert out.action == "checked_out", out
        return out.session_id
    return make


def entry_of(session_id):
    return db.session.scalar(sa.select(LedgerEntry).where(LedgerEntry.session_id == session_id))


def decide(app, person, session_id, decision="approve", **options):
    """Decide as ``person``; the error code, or None, and the entry afterwards."""
    with app.app_context():
        actor = db.session.get(User, getattr(person, "user_id", None) or person.id)
        entry = entry_of(session_id)
        try:
            ledger.decide(actor, entry, decision, now=local(18), **options)
        except DomainError as exc:
            db.session.rollback()
            return exc.code, entry_of(session_id)
        db.session.commit()
        return None, entry_of(session_id)


def totals(app, person):
    with app.app_context():
        data = ledger.totals_of(person.id)
        return data["approved_minutes"], data["pending_minutes"]


def test_a_check_out_counts_as_pending_until_the_lead_approves(app, world, site, served):
    session_id = served()
    assert totals(app, world.a_volunteer) == (0, 150)
    error, entry = decide(app, site.lead, session_id)
    assert error is None
    assert (entry.state, entry.minutes, entry.credited_minutes, entry.rule_version) == ("approved", 150, 150,
                                                                                       "2020-quarter")
    assert entry.decided_by_id == site.lead.user_id
    assert totals(app, world.a_volunteer) == (150, 0)
    with app.app_context():
        assert ledger.verify() == []


def test_approving_with_adjusted_minutes_needs_a_reason_and_keeps_what_was_recorded(app, world, site, served):
    session_id = served(end=(11, 40))  # 160 minutes: credited as 2 h 30
    assert decide(app, site.lead, session_id, minutes=100)[0] == "validation_failed"
    error, entry = decide(app, site.lead, session_id, minutes=100, reason="午休 1 小时未服务")
    assert error is None
    assert (entry.minutes, entry.recorded_minutes, entry.credited_minutes, entry.reason) == (
        100, 160, 90, "午休 1 小时未服务")
    assert totals(app, world.a_volunteer) == (90, 0)


def test_rejecting_needs_a_reason_and_credits_nothing(app, world, site, served):
    session_id = served()
    assert decide(app, site.lead, session_id, "reject")[0] == "validation_failed"
    error, entry = decide(app, site.lead, session_id, "reject", reason="当天未到岗")
    assert (error, entry.state, entry.credited_minutes) == (None, "rejected", None)
    assert totals(app, world.a_volunteer) == (0, 0)


def test_a_decided_entry_cannot_be_decided_again(app, world, site, served):
    session_id = served()
    assert decide(app, site.lead, session_id)[0] is None
    assert decide(app, world.a_manager, session_id, "reject", reason="x")[0] == "already_decided"
    assert totals(app, world.a_volunteer) == (150, 0)


@pytest.mark.parametrize("who, expected", [("a_manager", None), ("a_admin", None), ("city_admin", None),
                                       ("b_admin", "not_found"), ("b_manager", "not_found"),
                                       ("b_volunteer", "not_found")])
def test_who_decides(app, world, site, served, who, expected):
    assert decide(app, getattr(world, who), served())[0] == expected


def test_nobody_decides_on_their_own_hours(app, world, site, served):
    session_id = served(person=site.lead)
    assert decide(app, site.lead, session_id)[0] == "own_hours"
    assert decide(app, world.a_manager, session_id)[0] is None


def test_more_than_8_hours_a_day_need_the_organisation_above(app, world, site, served, add_project):
    first = served(start=(8, 0), end=(13, 0))    # 5 h
    second = served(start=(13, 10), end=(17, 10))  # 4 h: 9 h on the day
    assert decide(app, site.lead, first)[0] is None
    assert decide(app, site.lead, second)[0] == "needs_higher_approval"
    assert decide(app, world.a_admin, second)[0] == "needs_higher_approval"  # LX-A is the project's own
    assert decide(app, world.city_admin, second)[0] is None                  # LX is the one above
    assert totals(app, world.a_volunteer) == (9 * 60, 0)


def test_corrections_keep_the_original_and_totals_follow(app, world, site, served):
    session_id = served()
    decide(app, site.lead, session_id)
    with app.app_context():
        manager = db.session.get(User, world.a_manager.id)
        original = entry_of(session_id)
        before = {c.name: getattr(original, c.name) for c in LedgerEntry.__table__.columns}
        with pytest.raises(DomainError) as no_reason:
            ledger.correct(manager, original, 90, "", now=local(19))
        assert no_reason.value.code == "validation_failed"
        correction = ledger.correct(manager, original, 90, "签退扫码晚了一小时", now=local(19))
        db.session.commit()
        again = entry_of(session_id)
        assert {c.name: getattr(again, c.name) for c in LedgerEntry.__table__.columns} == before
        assert (correction.corrects_id, correction.credited_minutes, correction.state) == (again.id, 90, "approved")
        with pytest.raises(DomainError) as twice:
            ledger.correct(manager, again, 60, "再改", now=local(19))
        assert twice.value.code == "already_corrected"
        db.session.rollback()
        ledger.correct(db.session.get(User, world.a_manager.id), db.session.get(LedgerEntry, correction.id),
                       120, "核实后为两小时", now=local(20))
        db.session.commit()
        assert ledger.verify() == []
    assert totals(app, world.a_volunteer) == (120, 0)


def test_the_database_refuses_to_change_an_approved_entry(app, world, site, served):
    session_id = served()
    decide(app, site.lead, session_id)
    with app.app_context():
        with pytest.raises(sa.exc.DatabaseError):
            db.session.execute(sa.update(LedgerEntry).where(LedgerEntry.session_id == session_id)
                               .values(minutes=600))
            db.session.flush()
        db.session.rollback()
        with pytest.raises(sa.exc.DatabaseError):
            db.session.execute(sa.delete(LedgerEntry).where(LedgerEntry.session_id == session_id))
        db.session.rollback()
        assert entry_of(session_id).minutes == 150


def test_verify_finds_a_tampered_total_and_the_command_fails(app, world, site, served):
    decide(app, site.lead, served())
    runner = app.test_cli_runner()
    assert runner.invoke(args=["ledger", "verify"]).exit_code == 0
    with app.app_context():
        db.session.execute(sa.update(LedgerTotal).values(approved_minutes=LedgerTotal.approved_minutes + 60))
        db.session.commit()
        assert len(ledger.verify()) == 1
    result = runner.invoke(args=["ledger", "verify"])
    assert result.exit_code == 1 and "210/0" in result.output and "150/0" in result.output


def decide_at_once(app, *calls, now) -> list[str]:
    """Each (person, session id, decision) decided in its own thread, released together: "ok" or
    the error code of each."""
    barrier = threading.Barrier(len(calls))
    results = []

    def run(person, session_id, decision):
        with app.app_context():
            actor = db.session.get(User, getattr(person, "user_id", None) or person.id)
            entry = entry_of(session_id)
            db.session.commit()  # the reads end here: on SQLite a transaction holds the write lock
            barrier.wait()
            try:
                ledger.decide(actor, entry, decision, reason="同时审核", now=now)
                db.session.commit()
                results.append("ok")
            except DomainError as exc:
                db.session.rollback()
                results.append(exc.code)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=call) for call in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sorted(results)


def test_two_leads_deciding_at_once_make_one_decision(app, world, site, served):
    session_id = served()
    results = decide_at_once(app, (site.lead, session_id, "approve"), (world.a_manager, session_id, "reject"),
                             now=local(18))
    assert results == ["already_decided", "ok"]  # a clean 409, never a database error
    with app.app_context():
        assert ledger.verify() == []
        entry = entry_of(session_id)
        assert entry.state in ("approved", "rejected")


def test_the_queue_flags_what_needs_a_second_look(app, world, site, code, scan, served):
    long_day = served(start=(8, 0), end=(17, 0))  # 9 h: over what a lead approves alone
    scan(world.b_volunteer, code(site.station_id), local(9), lat=30.27, lng=120.16)  # outside the radius
    scan(world.b_volunteer, code(site.station_id), local(21))  # the station closed at 18:00: auto-closed
    with app.app_context():
        entries = db.session.scalars(sa.select(LedgerEntry).order_by(LedgerEntry.id)).all()
        assert ledger.flags(entries[0], now=local(18)) == ["over_daily_limit"]
        assert ledger.flags(entries[1], now=local(21)) == ["auto_closed", "outside_radius"]
        # ten working days after the service it is still on time; the eleventh it is overdue
        assert "overdue" not in ledger.flags(entries[0], now=local(12, day=DAY + timedelta(days=14)))
        assert "overdue" in ledger.flags(entries[0], now=local(12, day=DAY + timedelta(days=15)))
    assert long_day


def test_two_approvals_at_once_cannot_pass_the_daily_limit_together(app, world, site, served):
    """Each 5 h alone is the lead's to approve, together 10 h need the organisation above: the
    second approval must see the first, however close together they come."""
    for day in range(3):
        on = DAY + timedelta(days=day)
        first, second = served(start=(8, 0), end=(13, 0), day=on), served(start=(13, 1), end=(18, 0), day=on)
        results = decide_at_once(app, (site.lead, first, "approve"), (world.a_manager, second, "approve"),
                                 now=local(19, day=on))
        assert results == ["needs_higher_approval", "ok"], day
    with app.app_context():
        assert ledger.verify() == []
