"""Leave granted and refused, no-shows marked once and excused by a lead, a scan attached to its
shift and measured against it, a cancelled shift telling everyone, reminders, planning rules."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from tests.checkin.fixtures import DAY, code, local, scan  # noqa: F401 (fixtures)
from tests.shifts.conftest import NOW, signed_up, user_of
from volunteer.accounts.models import User
from volunteer.core.errors import DomainError, NotFound, ValidationFailed
from volunteer.extensions import db
from volunteer.ledger.models import LedgerEntry
from volunteer.ledger.services.crediting import attends, max_minutes
from volunteer.notifications import services as notifications
from volunteer.notifications.models import Notice
from volunteer.notifications.vocabulary import NoticeKind
from volunteer.projects.models import Project
from volunteer.shifts import services as shifts
from volunteer.shifts.models import LeaveRequest, Shift, Signup
from volunteer.shifts.vocabulary import LeaveDecision, LeaveState, SignupState

MORNING = local(6, day=DAY)  # a Monday in the project's dates; the station opens at 08:00


def told(app, kind):
    with app.app_context():
        return db.session.scalars(sa.select(Notice.user_id).where(Notice.kind == kind).order_by(Notice.id)).all()


def state_of(app, signup_id):
    with app.app_context():
        return db.session.get(Signup, signup_id).state


def test_leave_refused_keeps_the_place_and_granted_gives_it_to_the_first_waiting(app, world, plan, factory):
    shift_id = plan(starts_in=6, capacity=1)  # past the 12-hour cutoff: leave, not cancelling
    holder, waiting = factory.volunteer("LX-A-1"), factory.volunteer("LX-A-1")
    mine = signed_up(app, holder, shift_id)
    signed_up(app, waiting, shift_id)
    with app.app_context():
        signup = db.session.get(Signup, mine.id)
        with pytest.raises(ValidationFailed):
            shifts.ask_leave(user_of(holder), signup, "  ", now=NOW)
        leave = shifts.ask_leave(user_of(holder), signup, "家中有事", now=NOW)
        db.session.commit()
        lead = db.session.get(User, plan.site.lead.user_id)
        shifts.decide_leave(lead, leave, LeaveDecision.REFUSE, now=NOW + timedelta(minutes=5))
        db.session.commit()
        assert db.session.get(Signup, mine.id).state == SignupState.CONFIRMED
        again = shifts.ask_leave(user_of(holder), db.session.get(Signup, mine.id), "孩子生病", now=NOW + timedelta(minutes=9))
        db.session.commit()
        # another town's admin cannot see it, let alone decide it
        with pytest.raises(NotFound):
            shifts.get_leave_for(db.session.get(User, world.b_admin.id), again.id)
        shifts.decide_leave(db.session.get(User, world.a_manager.id), again, LeaveDecision.GRANT, now=NOW + timedelta(minutes=10))
        db.session.commit()
        with pytest.raises(DomainError):  # decided once
            shifts.decide_leave(lead, again, LeaveDecision.REFUSE, now=NOW + timedelta(minutes=11))
        db.session.rollback()
        assert [r.state for r in db.session.scalars(sa.select(LeaveRequest).order_by(LeaveRequest.id))] == [
            LeaveState.REFUSED, LeaveState.GRANTED]
        states = dict(db.session.execute(sa.select(Signup.volunteer_id, Signup.state)).all())
    assert states == {holder.id: SignupState.ON_LEAVE, waiting.id: SignupState.OFFERED}
    assert told(app, NoticeKind.LEAVE_ASKED) == sorted([world.a_manager.id, plan.site.lead.user_id]) * 2
    assert told(app, NoticeKind.LEAVE_REFUSED) == [holder.user_id]
    assert told(app, NoticeKind.LEAVE_GRANTED) == [holder.user_id]
    assert told(app, NoticeKind.SHIFT_OFFERED) == [waiting.user_id]


def test_a_scan_during_the_shift_attaches_to_it_and_the_absent_are_marked_once(
        app, world, plan, factory, scan, code):  # noqa: F811
    with app.app_context():
        project = db.session.get(Project, plan.site.project_id)
        project.min_attendance_percent = 60
        db.session.commit()
    shift_id = plan(starts_in=3, hours=3, at=MORNING)  # 09:00–12:00
    came, missed = factory.volunteer("LX-A-1"), factory.volunteer("LX-A-1")
    signed_up(app, came, shift_id, at=MORNING)
    absent = signed_up(app, missed, shift_id, at=MORNING)
    scan(came, code(plan.site.station_id), local(9, 10, day=DAY))
    out = scan(came, code(plan.site.station_id), local(10, 0, day=DAY))
    with app.app_context():
        entry = db.session.scalar(sa.select(LedgerEntry).where(LedgerEntry.session_id == out.session_id))
        assert entry.session.shift_id == shift_id
        # 50 minutes of a 3-hour shift is below 60 %: measured against the shift, not the session;
        # and nobody may credit more than the 50 minutes checked in for (the shift is no cap)
        assert entry.attendance_minutes == 180 and not attends(entry.minutes, entry.project, entry.attendance_minutes)
        assert entry.activity_minutes is None and max_minutes(entry) == 50
        assert shifts.mark_no_shows(now=local(11, 59, day=DAY)) == 0  # not over yet
        assert shifts.mark_no_shows(now=local(12, 1, day=DAY)) == 1
        db.session.commit()
        assert shifts.mark_no_shows(now=local(13, day=DAY)) == 0  # once
        assert shifts.no_shows(missed.id, now=local(13, day=DAY)) == 1
        lead = db.session.get(User, plan.site.lead.user_id)
        with pytest.raises(NotFound):  # another town's admin
            shifts.excuse(db.session.get(User, world.b_admin.id), db.session.get(Signup, absent.id), now=local(14, day=DAY))
        shifts.excuse(lead, db.session.get(Signup, absent.id), now=local(14, day=DAY))
        db.session.commit()
        with pytest.raises(DomainError):
            shifts.excuse(lead, db.session.get(Signup, absent.id), now=local(15, day=DAY))
    assert state_of(app, absent.id) == SignupState.EXCUSED
    assert told(app, NoticeKind.SHIFT_MISSED) == [missed.user_id]
    assert told(app, NoticeKind.ABSENCE_EXCUSED) == [missed.user_id]
    with app.app_context():
        assert shifts.no_shows(missed.id, now=local(16, day=DAY)) == 0  # excused: no longer counted


def test_sign_ups_are_held_after_too_many_no_shows_where_set(app, plan, factory, monkeypatch):
    volunteer = factory.volunteer("LX-A-1")
    first = plan(starts_in=3, hours=2, at=MORNING)
    signed_up(app, volunteer, first, at=MORNING)
    with app.app_context():
        shifts.mark_no_shows(now=local(12, day=DAY))
        db.session.commit()
    later = plan(starts_in=30, hours=2, at=MORNING)
    monkeypatch.setitem(app.config, "SHIFT_NO_SHOW_LIMIT", 1)
    with pytest.raises(DomainError) as held:
        signed_up(app, volunteer, later, at=MORNING + timedelta(hours=7))
    assert held.value.code == "signups_held"
    monkeypatch.setitem(app.config, "SHIFT_NO_SHOW_LIMIT", None)
    assert signed_up(app, volunteer, later, at=MORNING + timedelta(hours=7)).state == SignupState.CONFIRMED


def test_who_should_be_here_now(app, plan, factory, scan, code):  # noqa: F811
    shift_id = plan(starts_in=3, hours=3, at=MORNING)
    came, late = factory.volunteer("LX-A-1", name="李到岗"), factory.volunteer("LX-A-1", name="王未到")
    signed_up(app, came, shift_id, at=MORNING)
    signed_up(app, late, shift_id, at=MORNING)
    scan(came, code(plan.site.station_id), local(9, 5, day=DAY))
    with app.app_context():
        assert shifts.expected_now(plan.site.station_id, now=local(8, day=DAY)) == []  # too early yet
        expected = shifts.expected_now(plan.site.station_id, now=local(9, 30, day=DAY))
        assert [(s.volunteer.name, s.attended_at is not None) for s in expected] == [("李到岗", True), ("王未到", False)]


def test_a_cancelled_shift_tells_everyone_signed_up(app, world, plan, factory):
    shift_id = plan(capacity=1)
    holder, waiting = factory.volunteer("LX-A-1"), factory.volunteer("LX-A-1")
    signed_up(app, holder, shift_id)
    signed_up(app, waiting, shift_id)
    with app.app_context():
        manager = db.session.get(User, world.a_manager.id)
        shift = shifts.get_shift_for_manager(manager, shift_id)
        with pytest.raises(ValidationFailed):
            shifts.cancel_shift(manager, shift, "", now=NOW)
        shifts.cancel_shift(manager, shift, "暴雨预警", now=NOW)
        db.session.commit()
        assert db.session.get(Shift, shift_id).held_count == 0
        assert set(db.session.scalars(sa.select(Signup.state))) == {SignupState.CANCELLED}
        words = [notifications.words_of(n)[1] for n in db.session.scalars(sa.select(Notice).where(
            Notice.kind == NoticeKind.SHIFT_CANCELLED))]
    assert told(app, NoticeKind.SHIFT_CANCELLED) == [holder.user_id, waiting.user_id]
    assert all("暴雨预警" in w for w in words)


def test_reminders_reach_the_confirmed_once_and_not_after_a_cancellation(app, world, plan, factory):
    shift_id = plan(starts_in=30, hours=2)
    other = plan(starts_in=40, hours=2)
    volunteer, gone = factory.volunteer("LX-A-1"), factory.volunteer("LX-A-1")
    signed_up(app, volunteer, shift_id)
    leaving = signed_up(app, gone, other)
    with app.app_context():
        shifts.cancel_signup(user_of(gone), db.session.get(Signup, leaving.id), now=NOW)
        db.session.commit()
        assert notifications.remind(now=NOW + timedelta(hours=7)) == 1  # 23 h before the first
        db.session.commit()
        assert notifications.remind(now=NOW + timedelta(hours=7, minutes=5)) == 0
        assert notifications.remind(now=NOW + timedelta(hours=29, minutes=5)) == 1  # the hour before
        db.session.commit()
        assert notifications.remind(now=NOW + timedelta(hours=39, minutes=5)) == 0  # the cancelled one
    assert told(app, NoticeKind.STARTS_TOMORROW) == [volunteer.user_id]
    assert told(app, NoticeKind.STARTS_SOON) == [volunteer.user_id]


def test_a_shift_changes_only_while_nobody_signed_up_and_patterns_cross_midnight(app, world, plan, factory):
    shift_id = plan(starts_in=48, hours=4, capacity=3)
    with app.app_context():
        manager = db.session.get(User, world.a_manager.id)
        shift = shifts.get_shift_for_manager(manager, shift_id)
        shifts.edit_shift(manager, shift, {"capacity": 5}, now=NOW)
        db.session.commit()
        assert db.session.get(Shift, shift_id).capacity == 5
    signed_up(app, factory.volunteer("LX-A-1"), shift_id)
    with app.app_context():
        manager = db.session.get(User, world.a_manager.id)
        with pytest.raises(DomainError) as refused:
            shifts.edit_shift(manager, shifts.get_shift_for_manager(manager, shift_id), {"capacity": 2}, now=NOW)
        assert refused.value.code == "shift_has_signups"
        position = db.session.get(Shift, shift_id).position
        nights = shifts.create_pattern(manager, position, {
            "first_day": "2027-04-01", "last_day": "2027-04-03", "start": "22:00", "end": "02:00", "capacity": 2,
            "station_id": str(plan.site.station_id)}, now=NOW)
        db.session.commit()
        assert [(s.minutes, s.starts_at.astimezone(s.zone).strftime("%m-%d %H:%M"),
                 s.ends_at.astimezone(s.zone).strftime("%m-%d %H:%M")) for s in nights] == [
            (240, "04-01 22:00", "04-02 02:00"), (240, "04-02 22:00", "04-03 02:00"), (240, "04-03 22:00", "04-04 02:00")]
        with pytest.raises(ValidationFailed) as bad:
            shifts.create_pattern(manager, position, {"first_day": "2027-04-01", "last_day": "2027-09-01",
                                                      "start": "25:00", "end": "02:00", "capacity": 0}, now=NOW)
        assert set(bad.value.fields) == {"last_day", "start", "capacity"}
        # nothing is planned to begin in the past: a begun shift could take nobody
        with pytest.raises(ValidationFailed) as past:
            shifts.create_pattern(manager, position, {"first_day": "2027-04-01", "last_day": "2027-04-02", "start": "08:00",
                                                      "end": "12:00", "capacity": 2}, now=local(9, day=date(2027, 4, 1)))
        assert set(past.value.fields) == {"first_day"}
        with pytest.raises(ValidationFailed) as begun:
            shifts.create_shift(manager, position, {"starts_at": NOW - timedelta(minutes=1),
                                                    "ends_at": NOW + timedelta(hours=1), "capacity": 2}, now=NOW)
        assert set(begun.value.fields) == {"starts_at"}
        # another town's manager does not see the position's shifts at all
        with pytest.raises(NotFound):
            shifts.get_shift_for_manager(db.session.get(User, world.b_manager.id), shift_id)


def test_a_lead_does_not_decide_their_own_leave_and_an_ended_sign_up_closes_its_request(app, world, plan):
    """The station's lead signed up themselves: someone else decides; a place given back takes
    its undecided leave request with it, and a leave undecided when the shift ends is no no-show."""
    shift_id = plan(starts_in=20, hours=2)
    lead = plan.site.lead
    mine = signed_up(app, lead, shift_id)
    with app.app_context():
        me = db.session.get(User, lead.user_id)
        leave = shifts.ask_leave(me, db.session.get(Signup, mine.id), "出差", now=NOW)
        db.session.commit()
        with pytest.raises(DomainError) as refused:
            shifts.decide_leave(me, leave, LeaveDecision.GRANT, now=NOW)
        assert refused.value.status == 403
        db.session.rollback()
        shifts.cancel_signup(me, db.session.get(Signup, mine.id), now=NOW)  # before the cutoff
        db.session.commit()
        assert db.session.get(LeaveRequest, leave.id).state == LeaveState.CLOSED
    other = plan(starts_in=3, hours=2, at=MORNING)
    waiting_leave = signed_up(app, lead, other, at=MORNING)
    with app.app_context():
        shifts.ask_leave(db.session.get(User, lead.user_id), db.session.get(Signup, waiting_leave.id), "病假",
                         now=local(8, day=DAY))
        db.session.commit()
        assert shifts.mark_no_shows(now=local(12, day=DAY)) == 0  # its leave is still to be decided
        pending = db.session.scalar(sa.select(LeaveRequest).where(LeaveRequest.signup_id == waiting_leave.id))
        shifts.decide_leave(db.session.get(User, world.a_manager.id), pending, LeaveDecision.GRANT, now=local(13, day=DAY))
        db.session.commit()
        assert db.session.get(Signup, waiting_leave.id).state == SignupState.ON_LEAVE


def test_a_begun_shift_is_not_cancelled_or_changed_and_its_waiting_list_closes(app, world, plan, factory):
    shift_id = plan(starts_in=2, hours=3, capacity=1, at=MORNING)
    holder, waiting = factory.volunteer("LX-A-1"), factory.volunteer("LX-A-1")
    signed_up(app, holder, shift_id, at=MORNING)
    queued = signed_up(app, waiting, shift_id, at=MORNING)
    begun = local(8, 30, day=DAY)
    with app.app_context():
        manager = db.session.get(User, world.a_manager.id)
        shift = shifts.get_shift_for_manager(manager, shift_id)
        for attempt in (lambda: shifts.cancel_shift(manager, shift, "太晚了", now=begun),
                        lambda: shifts.edit_shift(manager, shift, {"capacity": 2}, now=begun)):
            with pytest.raises(DomainError) as refused:
                attempt()
            assert refused.value.code in ("shift_started", "shift_has_signups")
            db.session.rollback()
        shifts.expire_offers(now=begun)
        db.session.commit()
        assert db.session.get(Signup, queued.id).state == SignupState.LAPSED
        assert db.session.get(Shift, shift_id).held_count == 1
    assert told(app, NoticeKind.OFFER_LAPSED) == []  # nothing was offered to them


def test_a_cancelled_shift_takes_no_sign_up(app, world, plan, factory):
    shift_id = plan()
    with app.app_context():
        manager = db.session.get(User, world.a_manager.id)
        shifts.cancel_shift(manager, shifts.get_shift_for_manager(manager, shift_id), "场地维修", now=NOW)
        db.session.commit()
    with pytest.raises(DomainError) as refused:
        signed_up(app, factory.volunteer("LX-A-1"), shift_id)
    assert refused.value.code == "shift_cancelled"
