"""The shifts' pages: a manager changes a shift nobody signed up for from its roster; the list
filters by station; the station's page shows its lead who should be here now, and nobody else;
beside an application its manager sees the shifts missed and the late leave; the roster marks
leave asked after the cancellation cutoff."""
from __future__ import annotations

import re
from datetime import timedelta

import sqlalchemy as sa

from tests.conftest import csrf_from
from tests.shifts.conftest import NOW, signed_up, user_of
from volunteer.accounts.models import User
from volunteer.core.models import Event
from volunteer.core.time import utcnow
from volunteer.extensions import db
from volunteer.projects import services as projects
from volunteer.projects.models import Project
from volunteer.shifts import services as shifts
from volunteer.shifts.models import Shift, Signup
from volunteer.shifts.vocabulary import LeaveDecision, ShiftEvent


def test_a_manager_changes_a_shift_until_someone_signs_up(app, world, plan, signed_in, factory):
    shift_id = plan(capacity=3)
    manager = signed_in(world.a_manager)
    page = manager.get(f"/shifts/{shift_id}/roster").get_data(as_text=True)
    assert 'data-testid="edit-shift-form"' in page
    starts = re.search(r'name="edit-starts_at"[^>]*value="([^"]+)"', page).group(1)
    ends = re.search(r'name="edit-ends_at"[^>]*value="([^"]+)"', page).group(1)
    done = manager.client.post(f"/shifts/{shift_id}/edit", data={
        "csrf_token": csrf_from(page), "edit-starts_at": starts, "edit-ends_at": ends, "edit-capacity": "6",
        "edit-station_id": str(plan.site.station_id), "edit-note": "带好水杯"}, follow_redirects=True)
    assert "班次已修改" in done.get_data(as_text=True)
    with app.app_context():
        shift = db.session.get(Shift, shift_id)
        assert shift.capacity == 6 and shift.note == "带好水杯"
        assert shift.starts_at.astimezone(shift.zone).strftime("%Y-%m-%dT%H:%M") == starts  # unchanged
    signed_up(app, factory.volunteer("LX-A-1"), shift_id)
    assert 'data-testid="edit-shift-form"' not in manager.get(f"/shifts/{shift_id}/roster").get_data(as_text=True)
    refused = manager.client.post(f"/shifts/{shift_id}/edit", data={
        "csrf_token": csrf_from(page), "edit-starts_at": starts, "edit-ends_at": ends, "edit-capacity": "2"},
        follow_redirects=True)
    assert "已有志愿者报名该班次" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Shift, shift_id).capacity == 6


def test_the_list_offers_the_stations_of_its_shifts(app, plan, client):
    plan(starts_in=30)
    page = client.get("/shifts/").get_data(as_text=True)
    assert re.search(rf'<option value="{plan.site.station_id}"[^>]*>甲村志愿驿站</option>', page)
    assert "甲村志愿驿站" in client.get(f"/shifts/?station_id={plan.site.station_id}").get_data(as_text=True)


def test_the_station_page_shows_its_lead_who_should_be_here(app, world, plan, factory, signed_in):
    now = utcnow()
    shift_id = plan(starts_in=0.25, hours=2, at=now)  # begins in 15 minutes: due now
    volunteer = factory.volunteer("LX-A-1", name="钱应到")
    signed_up(app, volunteer, shift_id, at=now)
    url = f"/stations/{plan.site.station_id}"
    assert "钱应到" in signed_in(plan.site.lead).get(url).get_data(as_text=True)
    assert "钱应到" not in signed_in(world.a_volunteer).get(url).get_data(as_text=True)


def test_a_manager_deciding_applications_sees_missed_shifts_and_late_leave(app, world, plan, signed_in, factory):
    missed, late, steady = (factory.volunteer("LX-A-1", name=name) for name in ("孙缺勤", "周临时", "吴守时"))
    yesterday = plan(starts_in=2, hours=2, at=NOW - timedelta(days=1))  # ended 20 hours ago
    signed_up(app, missed, yesterday, at=NOW - timedelta(days=1))
    soon = plan(starts_in=6, hours=2)  # within the 12-hour cutoff: leave, not cancelling
    place = signed_up(app, late, soon)
    with app.app_context():
        shifts.mark_no_shows(now=NOW)
        leave = shifts.ask_leave(user_of(late), db.session.get(Signup, place.id), "单位临时加班", now=NOW)
        assert leave.late
        shifts.decide_leave(db.session.get(User, world.a_manager.id), leave, LeaveDecision.GRANT, now=NOW)
        manager = db.session.get(User, world.a_manager.id)
        position = projects.add_position(manager, db.session.get(Project, plan.site.project_id),
                                         {"title": "周末陪护", "capacity": 5}, now=NOW)
        db.session.flush()
        for person in (missed, late, steady):
            projects.apply_for_position(user_of(person), position, now=NOW)
        db.session.commit()
    roster = signed_in(world.a_manager).get(f"/shifts/{soon}/roster").get_data(as_text=True)
    assert "晚于取消截止时间" not in roster  # the granted leave is no longer open there
    page = signed_in(world.a_manager).get(f"/projects/{plan.site.project_id}").get_data(as_text=True)
    rows = {name: row for row in re.findall(r'<tr data-testid="application">(.*?)</tr>', page, re.S)
            for name in ("孙缺勤", "周临时", "吴守时") if name in row}
    assert 'data-testid="missed-shifts"' in rows["孙缺勤"] and "缺勤 1 次" in rows["孙缺勤"]
    assert 'data-testid="late-leave"' in rows["周临时"] and "1 次" in rows["周临时"]
    assert 'data-testid="late-leave"' not in rows["孙缺勤"] and 'data-testid="missed-shifts"' not in rows["周临时"]
    assert "missed-shifts" not in rows["吴守时"] and "late-leave" not in rows["吴守时"]
    # the volunteer's own page of the project shows none of it
    assert "缺勤" not in signed_in(missed).get(f"/projects/{plan.site.project_id}").get_data(as_text=True)


def test_the_roster_says_when_leave_is_asked_after_the_cutoff(app, world, plan, signed_in, factory):
    early_shift, late_shift = plan(starts_in=48), plan(starts_in=6)
    person = factory.volunteer("LX-A-1")
    for shift_id, reason in ((early_shift, "提前请假"), (late_shift, "临时请假")):
        place = signed_up(app, person, shift_id)
        with app.app_context():
            shifts.ask_leave(user_of(person), db.session.get(Signup, place.id), reason, now=NOW)
            db.session.commit()
    manager = signed_in(world.a_manager)
    assert 'data-testid="late"' not in manager.get(f"/shifts/{early_shift}/roster").get_data(as_text=True)
    assert "晚于取消截止时间" in manager.get(f"/shifts/{late_shift}/roster").get_data(as_text=True)
    with app.app_context():
        asked = db.session.scalars(sa.select(Event).where(Event.action == ShiftEvent.LEAVE_ASKED).order_by(Event.id)).all()
        assert [(e.after or {}).get("late", False) for e in asked] == [False, True]
