"""The check-in rules of volunteer/checkin/services/scanning.py, one by one, with the time passed in."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.checkin.fixtures import DAY, local
from volunteer.accounts.models import User
from volunteer.checkin.models import Scan, ServiceSession
from volunteer.core.models import Event
from volunteer.core.time import utcnow
from volunteer.extensions import db
from volunteer.ledger.models import LedgerEntry
from volunteer.projects import services as projects
from volunteer.projects.models import Project
from volunteer.stations import codes
from volunteer.stations.models import Station


def rows(app, model, *where):
    with app.app_context():
        return db.session.scalars(sa.select(model).where(*where).order_by(model.id)).all()


def change(app, model, record_id, **values):
    """Set a record's fields directly (the rules are under test, not the forms that edit them)."""
    with app.app_context():
        record = db.session.get(model, record_id)
        for key, value in values.items():
            setattr(record, key, value)
        db.session.commit()


def set_station(app, station_id, **values):
    change(app, Station, station_id, **values)


def set_project(app, project_id, **values):
    change(app, Project, project_id, **values)


def test_first_scan_checks_in_and_the_second_checks_out_with_a_pending_entry(app, world, site, code, scan):
    text = code(site.station_id)
    first = scan(world.a_volunteer, text, local(9, 2))
    assert (first.action, first.status, first.state) == ("checked_in", 201, "open")
    second = scan(world.a_volunteer, text, local(11, 32, 40))
    assert (second.action, second.status, second.state, second.minutes) == ("checked_out", 200, "closed", 150)
    assert second.session_id == first.session_id
    [entry] = rows(app, LedgerEntry)
    assert (entry.minutes, entry.state, entry.source, entry.served_on) == (150, "pending", "checkin", DAY)
    assert (entry.session_id, entry.auto_closed, entry.outside_radius) == (first.session_id, False, False)


def test_the_same_scan_within_a_minute_changes_nothing(app, world, site, code, scan):
    text = code(site.station_id)
    opened = scan(world.a_volunteer, text, local(9, 0, 0))
    again = scan(world.a_volunteer, text, local(9, 0, 59))
    assert (again.action, again.status, again.session_id, again.state) == ("unchanged", 200, opened.session_id, "open")
    closed = scan(world.a_volunteer, text, local(9, 30))
    assert closed.action == "checked_out"
    after = scan(world.a_volunteer, text, local(9, 30, 30))
    assert (after.action, after.session_id, after.state) == ("unchanged", opened.session_id, "closed")
    assert len(rows(app, ServiceSession)) == 1 and len(rows(app, LedgerEntry)) == 1
    # a minute after the check-out, a scan is a new check-in
    assert scan(world.a_volunteer, text, local(9, 31, 1)).action == "checked_in"


def test_a_repeated_request_id_returns_the_first_answer_and_writes_nothing(app, world, site, code, scan):
    text = code(site.station_id)
    first = scan(world.a_volunteer, text, local(9, 0), request_id="phone-1")
    retry = scan(world.a_volunteer, text, local(10, 0), request_id="phone-1")
    assert (retry.action, retry.status, retry.session_id, retry.replayed) == ("checked_in", 201, first.session_id, True)
    assert len(rows(app, Scan)) == 1
    assert rows(app, ServiceSession)[0].state == "open"
    out = scan(world.a_volunteer, text, local(10, 0), request_id="phone-2")
    assert out.action == "checked_out"
    # the same request id from someone else is their own request
    other = scan(world.b_volunteer, text, local(10, 5), request_id="phone-1")
    assert other.action == "checked_in" and not other.replayed


@pytest.mark.parametrize("hour, minute", [(7, 59), (18, 0), (23, 30)])
def test_a_closed_station_refuses_check_in(app, world, site, code, scan, hour, minute):
    result = scan(world.a_volunteer, code(site.station_id), local(hour, minute))
    assert (result.action, result.status, result.code) == ("refused", 409, "station_closed")
    assert rows(app, ServiceSession) == []


def test_an_inactive_station_refuses_check_in(app, world, site, code, scan):
    set_station(app, site.station_id, active=False)
    assert scan(world.a_volunteer, code(site.station_id), local(9)).code == "station_closed"


@pytest.mark.parametrize("change", [{"state": "recruiting"}, {"state": "suspended"}, {"state": "evaluating"},
                                    {"ends_on": DAY - timedelta(days=1)}, {"starts_on": DAY + timedelta(days=1)}])
def test_check_in_only_while_the_project_runs(app, world, site, code, scan, change):
    set_project(app, site.project_id, **change)
    result = scan(world.a_volunteer, code(site.station_id), local(9))
    assert (result.status, result.code) == (409, "project_not_running")


def accept_on_roster(app, world, project_id, volunteer):
    with app.app_context():
        manager = db.session.get(User, world.a_manager.id)
        project = db.session.get(Project, project_id)
        position = projects.add_position(manager, project, {"title": "陪伴员", "capacity": 5}, now=utcnow())
        db.session.flush()
        application = projects.apply_for_position(db.session.get(User, volunteer.user_id), position, now=utcnow())
        db.session.flush()
        projects.decide_application(manager, application, "accepted", now=utcnow())
        db.session.commit()


def test_a_roster_project_takes_only_accepted_volunteers(app, world, site, code, scan):
    set_project(app, site.project_id, roster_required=True)
    refused = scan(world.a_volunteer, code(site.station_id), local(9))
    assert (refused.status, refused.code) == (409, "not_on_roster")
    accept_on_roster(app, world, site.project_id, world.a_volunteer)
    assert scan(world.a_volunteer, code(site.station_id), local(9, 5)).action == "checked_in"


def test_the_volunteer_chooses_only_when_several_projects_run(app, world, site, code, scan, add_project):
    second = add_project(site, "垃圾分类宣传")
    add_project(site, "还在招募的项目", state="recruiting")
    roster_only = add_project(site, "名单项目", roster_required=True)
    text = code(site.station_id)
    asked = scan(world.a_volunteer, text, local(9))
    assert (asked.status, asked.code) == (422, "project_required")
    assert [p["title"] for p in asked.extra["projects"]] == ["垃圾分类宣传", "社区助老服务"]  # by title
    assert roster_only not in [p["id"] for p in asked.extra["projects"]]
    chosen = scan(world.a_volunteer, text, local(9, 1), project_id=second)
    assert chosen.action == "checked_in"
    assert rows(app, ServiceSession)[0].project_id == second


def test_a_project_the_volunteer_may_not_join_is_not_offered(app, world, site, code, scan, add_project):
    add_project(site, "名单项目", roster_required=True)
    result = scan(world.a_volunteer, code(site.station_id), local(9))
    assert result.action == "checked_in"
    assert rows(app, ServiceSession)[0].project_id == site.project_id


def test_a_chosen_project_must_run_at_the_station(app, world, site, code, scan, make_project, add_project):
    elsewhere = make_project(world, state="running", title="别处的项目").id
    result = scan(world.a_volunteer, code(site.station_id), local(9), project_id=elsewhere)
    assert (result.status, result.code) == (422, "validation_failed")
    paused = add_project(site, "暂停的项目", state="suspended")
    result = scan(world.a_volunteer, code(site.station_id), local(9), project_id=paused)
    assert (result.status, result.code) == (409, "project_not_running")
    missing = scan(world.a_volunteer, code(site.station_id), local(9), project_id=10**9)
    assert missing.code == "validation_failed"
    assert rows(app, ServiceSession) == [] and len(rows(app, Scan)) == 3


def test_at_most_three_sessions_per_project_and_day(app, world, site, code, scan, add_project):
    text = code(site.station_id)
    for n in range(3):
        assert scan(world.a_volunteer, text, local(9 + n)).action == "checked_in"
        assert scan(world.a_volunteer, text, local(9 + n, 30)).action == "checked_out"
    fourth = scan(world.a_volunteer, text, local(13))
    assert (fourth.status, fourth.code) == (409, "daily_limit_reached")
    assert "3" in fourth.message
    # another project the same day, and the same project the next day, are fine
    other = add_project(site, "垃圾分类宣传")
    assert scan(world.a_volunteer, text, local(14), project_id=other).action == "checked_in"
    assert scan(world.a_volunteer, text, local(15), project_id=other).action == "checked_out"
    assert scan(world.a_volunteer, text, local(9, day=DAY + timedelta(days=1)),
                project_id=site.project_id).action == "checked_in"


def test_one_open_session_anywhere(app, world, site, code, scan, make_project):
    with app.app_context():
        admin = db.session.get(User, world.city_admin.id)
        from volunteer.organisations.services import get_by_code
        from volunteer.stations import services as stations
        other = stations.create_station(admin, get_by_code("LX-A-1"), {"name": "甲村青年之家", "kind": "青年之家"}, now=utcnow())
        db.session.flush()
        project = db.session.get(Project, site.project_id)
        project.stations.append(other)
        db.session.commit()
        other_id = other.id
    first = scan(world.a_volunteer, code(site.station_id), local(9))
    moved = scan(world.a_volunteer, code(other_id), local(10))
    assert (moved.action, moved.status, moved.closed_elsewhere) == ("checked_in", 201, first.session_id)
    sessions = rows(app, ServiceSession)
    assert [s.state for s in sessions] == ["closed", "open"]
    old = sessions[0]
    # closed by the system, credited nothing until the lead decides: never the way between stations
    assert (old.auto_closed, old.auto_close_reason, old.minutes) == (True, "superseded", None)
    [entry] = rows(app, LedgerEntry)
    assert (entry.session_id, entry.minutes, entry.auto_closed, entry.state) == (old.id, 0, True, "pending")
    assert [e.action for e in rows(app, Event, Event.action == "session.auto_closed")] == ["session.auto_closed"]


def test_the_database_refuses_a_second_open_session(app, world, site):
    with app.app_context():
        for _ in range(2):
            db.session.add(ServiceSession(volunteer_id=world.a_volunteer.id, station_id=site.station_id,
                                          project_id=site.project_id, checked_in_at=local(9), served_on=DAY))
        with pytest.raises(sa.exc.IntegrityError):
            db.session.flush()
        db.session.rollback()


def test_a_session_left_open_past_closing_is_closed_when_the_volunteer_next_scans(app, world, site, code, scan):
    text = code(site.station_id)
    opened = scan(world.a_volunteer, text, local(17))
    # the late scan meant to check out: the answer is the session the system closed, not a refusal
    late = scan(world.a_volunteer, text, local(18, 31))
    assert (late.action, late.status, late.session_id, late.minutes) == ("checked_out", 200, opened.session_id, None)
    [session] = rows(app, ServiceSession)
    assert (session.state, session.auto_closed, session.auto_close_reason) == ("closed", True, "station_closed")
    assert session.checked_out_at == local(18) and session.minutes is None
    assert rows(app, LedgerEntry)[0].minutes == 0
    again = scan(world.a_volunteer, text, local(18, 40))
    assert (again.status, again.code) == (409, "station_closed")


def test_check_out_still_counts_just_after_closing(app, world, site, code, scan):
    text = code(site.station_id)
    scan(world.a_volunteer, text, local(17))
    out = scan(world.a_volunteer, text, local(18, 20))
    assert (out.action, out.minutes) == ("checked_out", 80)


def test_a_session_longer_than_allowed_is_closed(app, world, site, code, scan):
    set_station(app, site.station_id, opens_at=None, closes_at=None)
    text = code(site.station_id)
    scan(world.a_volunteer, text, local(7))
    again = scan(world.a_volunteer, text, local(19, 1))  # 12 h is the longest
    assert (again.action, again.minutes) == ("checked_out", None)
    first = rows(app, ServiceSession)[0]
    assert (first.auto_close_reason, first.checked_out_at, first.minutes) == ("max_length", local(19), None)
    assert scan(world.a_volunteer, text, local(19, 3)).action == "checked_in"


def test_close_stale_command_closes_and_flags_and_can_run_twice(app, world, site, code, scan):
    text = code(site.station_id)
    scan(world.a_volunteer, text, local(10))
    scan(world.b_volunteer, text, local(17, 50))
    runner = app.test_cli_runner()
    early = runner.invoke(args=["sessions", "close-stale", "--now", local(18, 10).isoformat()])
    assert early.exit_code == 0 and "0" in early.output
    result = runner.invoke(args=["sessions", "close-stale", "--now", local(18, 31).isoformat()])
    assert result.exit_code == 0, result.output
    assert "2" in result.output
    assert [s.auto_close_reason for s in rows(app, ServiceSession)] == ["station_closed", "station_closed"]
    assert runner.invoke(args=["sessions", "close-stale", "--now", local(19).isoformat()]).exit_code == 0
    assert len(rows(app, LedgerEntry)) == 2


def test_a_session_across_midnight(app, world, site, code, scan):
    set_station(app, site.station_id, opens_at=local(20).time(), closes_at=local(2).time())
    text = code(site.station_id)
    assert scan(world.a_volunteer, text, local(23)).action == "checked_in"
    out = scan(world.a_volunteer, text, local(1, 30, day=DAY + timedelta(days=1)))
    assert (out.action, out.minutes) == ("checked_out", 150)
    assert rows(app, LedgerEntry)[0].served_on == DAY


def test_a_station_in_another_time_zone_uses_its_own_hours_and_date(app, world, site, code, scan):
    from zoneinfo import ZoneInfo
    london = ZoneInfo("Europe/London")
    set_station(app, site.station_id, timezone="Europe/London")
    text = code(site.station_id)
    # 09:00 in Shanghai is 01:00 in London: closed there
    assert scan(world.a_volunteer, text, local(9)).code == "station_closed"
    opened = scan(world.a_volunteer, text, local(17, 30, zone=london))
    assert opened.action == "checked_in"
    assert rows(app, ServiceSession)[0].served_on == DAY


@pytest.mark.parametrize("kind_code", ["station", "project"])
def test_rotating_code_required(app, world, site, code, scan, kind_code):
    if kind_code == "station":
        set_station(app, site.station_id, require_rotating_code=True)
    else:
        set_project(app, site.project_id, require_rotating_code=True)
    refused = scan(world.a_volunteer, code(site.station_id), local(9))
    assert (refused.status, refused.code) == (400, "rotating_code_required")
    accepted = scan(world.a_volunteer, code(site.station_id, codes.ROTATING, local(9, 1)), local(9, 1, 20))
    assert accepted.action == "checked_in"


def test_forged_reset_foreign_and_old_codes_are_refused_and_stored(app, world, site, code, scan, make_project):
    good = code(site.station_id)
    forged = good[:-3] + ("xyz" if not good.endswith("xyz") else "abc")
    assert scan(world.a_volunteer, forged, local(9)).code == "invalid_code"
    two_steps_old = code(site.station_id, codes.ROTATING, local(9))
    result = scan(world.a_volunteer, two_steps_old, local(9, 1, 0))
    assert (result.status, result.code) == (400, "expired_code")
    one_step_old = scan(world.a_volunteer, two_steps_old, local(9, 0, 45))
    assert one_step_old.action == "checked_in"
    with app.app_context():
        codes.reset_code(db.session.get(User, world.city_admin.id), db.session.get(Station, site.station_id), now=utcnow())
        db.session.commit()
    assert scan(world.b_volunteer, good, local(9, 2)).code == "invalid_code"
    stored = rows(app, Scan)
    assert [(s.outcome, s.reason) for s in stored] == [
        ("refused", "invalid_code"), ("refused", "expired_code"), ("checked_in", None), ("refused", "invalid_code")]
    assert stored[0].station_id is None and stored[1].station_id == site.station_id
    assert all(s.received_at is not None and s.scanned_at is not None for s in stored)


def test_scan_time_and_receive_time_are_both_kept(app, world, site, code, scan):
    scan(world.a_volunteer, code(site.station_id), local(9, 5), scanned_at=local(9, 4, 30))
    [stored] = rows(app, Scan)
    assert (stored.scanned_at, stored.received_at) == (local(9, 4, 30), local(9, 5))


def test_only_volunteers_check_in(app, world, site, code, scan):
    result = scan(world.a_manager, code(site.station_id), local(9))
    assert (result.status, result.code) == (403, "not_a_volunteer")
    assert rows(app, Scan)[0].reason == "not_a_volunteer"


@pytest.mark.parametrize("lat, lng, outside, distance", [
    (30.2505, 120.1605, False, range(50, 80)),      # ~70 m away
    (30.2600, 120.1600, True, range(1100, 1120)),   # ~1.1 km away: flagged, not refused
])
def test_location_is_checked_against_the_radius(app, world, site, code, scan, lat, lng, outside, distance):
    result = scan(world.a_volunteer, code(site.station_id), local(9), lat=lat, lng=lng)
    assert (result.action, result.outside) == ("checked_in", outside)
    session = rows(app, ServiceSession)[0]
    assert session.distance_m in distance


def test_without_location_nothing_is_flagged(app, world, site, code, scan):
    result = scan(world.a_volunteer, code(site.station_id), local(9))
    assert result.outside is False and rows(app, ServiceSession)[0].distance_m is None


def test_a_project_that_requires_the_screen_code_refuses_the_poster_at_check_out_too(app, world, site, code, scan):
    set_project(app, site.project_id, require_rotating_code=True)
    assert scan(world.a_volunteer, code(site.station_id, codes.ROTATING, local(9)), local(9)).action == "checked_in"
    # a photo of the poster, scanned from home
    from_home = scan(world.a_volunteer, code(site.station_id), local(17))
    assert (from_home.status, from_home.code) == (400, "rotating_code_required")
    assert rows(app, ServiceSession)[0].state == "open" and rows(app, LedgerEntry) == []
    out = scan(world.a_volunteer, code(site.station_id, codes.ROTATING, local(17, 5)), local(17, 5))
    assert (out.action, out.minutes) == ("checked_out", 485)


def test_a_retry_gets_the_first_answer_after_the_rotating_code_expired(app, world, site, code, scan):
    text = code(site.station_id, codes.ROTATING, local(9))
    first = scan(world.a_volunteer, text, local(9), request_id="lost-answer")
    retry = scan(world.a_volunteer, text, local(9, 5), request_id="lost-answer")
    assert (retry.action, retry.status, retry.session_id, retry.replayed) == ("checked_in", 201, first.session_id, True)
    assert scan(world.a_volunteer, text, local(9, 5), request_id="new").code == "expired_code"


def test_a_code_seen_before_signing_in_stays_good_for_that_scan(app, world, site, code, scan):
    text = code(site.station_id, codes.ROTATING, local(9))
    late = scan(world.a_volunteer, text, local(9, 3), code_seen_at=local(9, 0, 10))
    assert late.action == "checked_in"
    assert rows(app, ServiceSession)[0].checked_in_at == local(9, 3)  # the session starts at the scan


def test_project_dates_are_judged_in_the_stations_zone(app, world, site, code, scan):
    from zoneinfo import ZoneInfo
    set_station(app, site.station_id, timezone="Europe/London", opens_at=None, closes_at=None)
    set_project(app, site.project_id, ends_on=DAY)
    # 23:30 on the last day in London is already the next day in Shanghai
    late_evening = local(23, 30, zone=ZoneInfo("Europe/London"))
    assert scan(world.a_volunteer, code(site.station_id), late_evening).action == "checked_in"


def test_distances_are_forgotten_after_the_retention_period(app, world, site, code, scan):
    scan(world.a_volunteer, code(site.station_id), local(9), lat=30.27, lng=120.16)
    with app.app_context():
        from volunteer.checkin.services import forget_locations
        assert forget_locations(now=local(9) + timedelta(days=89)) == 0
        assert forget_locations(now=local(9) + timedelta(days=91)) == 1
        db.session.commit()
    session = rows(app, ServiceSession)[0]
    assert session.distance_m is None and session.outside_radius is True  # the flag for the lead stays
    assert rows(app, Scan)[0].distance_m is None
    assert app.test_cli_runner().invoke(args=["sessions", "forget-locations"]).exit_code == 0
