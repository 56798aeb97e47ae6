"""A volunteer's calendar feed: a private link on the profile page that calendar apps fetch without
signing in. It lists the positions the volunteer was accepted for (not those pending, declined,
withdrawn or in a cancelled project, nor anyone else's) at the times of the station's zone, with
the place, whom to call and the project's page; a new link ends the old one; nothing answers
without the exact token."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from html import unescape
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from icalendar import Calendar

from volunteer.accounts.models import User, Volunteer
from volunteer.accounts.vocabulary import AccountEvent
from volunteer.core.models import Event
from volunteer.core.time import utcnow
from volunteer.extensions import db
from volunteer.organisations.services import get_by_code
from volunteer.projects import services as projects
from volunteer.projects.models import Project
from volunteer.projects.vocabulary import ApplicationState, Category, ProjectState
from volunteer.stations import services as stations
from volunteer.stations.vocabulary import StationKind

UTC = timezone.utc
STARTS_ON, ENDS_ON = date.today() - timedelta(days=10), date.today() + timedelta(days=60)


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def _station(admin, name, address, zone):
    station = stations.create_station(admin, get_by_code("LX-A-1"), {
        "name": name, "kind": StationKind.POST, "address": address, "timezone": zone}, now=utcnow())
    db.session.flush()
    return station


def _project(manager, title, station, **values):
    project = projects.create_project(manager, get_by_code("LX-A"), {
        "title": title, "category": Category.ELDERLY, "starts_on": STARTS_ON, "ends_on": ENDS_ON,
        "station_ids": [station.id], **values}, now=utcnow())
    db.session.flush()
    project.submitted_by_id, project.state = manager.id, ProjectState.RECRUITING
    return project


def _applied(user, manager, project, title, decision=None, *, starts=None, ends=None, withdraw=False):
    position = projects.add_position(manager, project, {"title": title, "capacity": 5, "starts_at": starts,
                                                        "ends_at": ends}, now=utcnow())
    db.session.flush()
    application = projects.apply_for_position(user, position, now=utcnow())
    db.session.flush()
    if decision:
        projects.decide_application(manager, application, decision, now=utcnow())
    if withdraw:
        projects.withdraw_application(user, application, now=utcnow())
    return application


@pytest.fixture
def scene(app, world):
    """王小明 (town A) accepted for a tutor's post at a Xinjiang station (Urumqi time, UTC+6) and
    a carer's post at a Zhejiang one (Beijing time), and for a post without times; his other
    applications pending, declined, withdrawn, or in a project since cancelled. 李小红 (town B)
    accepted for a post of her own."""
    with app.app_context():
        admin, manager = db.session.get(User, world.city_admin.id), db.session.get(User, world.a_manager.id)
        volunteer, other = db.session.get(User, world.a_volunteer.user_id), db.session.get(User, world.b_volunteer.user_id)
        border = _station(admin, "边疆驿站", "喀什市人民路1号", "Asia/Urumqi")
        village = _station(admin, "甲村驿站", "甲村村委会一楼", "Asia/Shanghai")
        tutoring = _project(manager, "边疆助学", border, contact_name="刘老师", contact_phone="0998-1234567")
        caring = _project(manager, "社区助老服务", village, place="甲村文化礼堂")
        cancelled = _project(manager, "取消的项目", village)
        ok = ApplicationState.ACCEPTED
        tutor = _applied(volunteer, manager, tutoring, "支教员", ok,
                         starts=_utc("2027-03-15T03:00"), ends=_utc("2027-03-15T05:00"))
        carer = _applied(volunteer, manager, caring, "陪护员", ok,
                         starts=_utc("2027-03-15T01:00"), ends=_utc("2027-03-15T04:00"))
        whole = _applied(volunteer, manager, caring, "全程志愿者", ok)
        _applied(volunteer, manager, caring, "待定岗位")
        _applied(volunteer, manager, caring, "婉拒岗位", ApplicationState.DECLINED)
        _applied(volunteer, manager, caring, "撤回岗位", ok, withdraw=True)
        _applied(volunteer, manager, cancelled, "取消岗位", ok, starts=_utc("2027-03-16T01:00"))
        _applied(other, manager, caring, "乙的岗位", ok, starts=_utc("2027-03-17T01:00"))
        cancelled.state = ProjectState.CANCELLED
        db.session.commit()
        return SimpleNamespace(tutor=tutor.id, carer=carer.id, whole=whole.id, tutoring=tutoring.id,
                               caring=caring.id)


def make_link(browser) -> str:
    """Make a (new) link from the profile page; the feed's path the page then shows."""
    answer = browser.post_form("/me/calendar-link", {}, form_url="/me")
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/me#calendar")
    return shown_link(browser)


def shown_link(browser) -> str | None:
    html = browser.get("/me").get_data(as_text=True)
    found = re.search(r'value="([^"]+)" data-testid="calendar-url"', html)
    if found is None:
        return None
    url = unescape(found.group(1))
    webcal = unescape(re.search(r'href="([^"]+)" data-testid="add-to-calendar"', html).group(1))
    assert webcal == "webcal://" + url.split("://", 1)[1]
    return urlsplit(url).path


def fetch(client, path) -> Calendar:
    answer = client.get(path)
    assert answer.status_code == 200, answer.status_code
    assert answer.mimetype == "text/calendar"
    return Calendar.from_ical(answer.get_data())


def events_by_position(calendar: Calendar) -> dict[str, object]:
    return {str(event["SUMMARY"]).split("：")[-1]: event for event in calendar.events}


def test_the_feed_lists_accepted_positions_at_the_station_s_time(app, client, signed_in, world, scene):
    path = make_link(signed_in(world.a_volunteer))
    calendar = fetch(client, path)  # a calendar app: not signed in
    assert "PRODID" in calendar and str(calendar["VERSION"]) == "2.0"
    assert calendar["REFRESH-INTERVAL"].dt == timedelta(hours=1) and str(calendar["X-PUBLISHED-TTL"]) == "PT1H"
    events = events_by_position(calendar)
    assert sorted(events) == ["全程志愿者", "支教员", "陪护员"]

    tutor = events["支教员"]
    assert tutor.start == _utc("2027-03-15T03:00") and tutor.end == _utc("2027-03-15T05:00")
    assert (tutor.start.tzinfo.key, tutor.start.hour, tutor.end.hour) == ("Asia/Urumqi", 9, 11)
    assert "DTSTART;TZID=Asia/Urumqi:20270315T090000" in calendar.to_ical().decode()
    assert str(tutor["SUMMARY"]) == "边疆助学：支教员"
    assert str(tutor["LOCATION"]) == "边疆驿站（喀什市人民路1号）"
    assert "刘老师 0998-1234567" in str(tutor["DESCRIPTION"])
    assert str(tutor["URL"]) == f"http://localhost/projects/{scene.tutoring}"

    carer = events["陪护员"]
    assert carer.start == _utc("2027-03-15T01:00") and carer.end == _utc("2027-03-15T04:00")
    assert (carer.start.tzinfo.key, carer.start.hour, carer.end.hour) == ("Asia/Shanghai", 9, 12)
    assert str(carer["LOCATION"]) == "甲村文化礼堂 · 甲村驿站（甲村村委会一楼）"
    # a calendar app converts TZID times with the VTIMEZONE the feed carries for each zone
    assert {str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")} == {"Asia/Urumqi", "Asia/Shanghai"}

    # without times: the project's dates as whole days (DTEND is the day after the last)
    whole = events["全程志愿者"]
    assert (whole.start, whole.end) == (STARTS_ON, ENDS_ON + timedelta(days=1))


def test_pending_declined_withdrawn_cancelled_and_others_positions_are_not_in_it(client, signed_in, world, scene):
    text = client.get(make_link(signed_in(world.a_volunteer))).get_data(as_text=True)
    for title in ("待定岗位", "婉拒岗位", "撤回岗位", "取消岗位", "取消的项目", "乙的岗位"):
        assert title not in text


def test_each_event_keeps_its_uid_from_one_fetch_to_the_next(app, client, signed_in, world, scene):
    path = make_link(signed_in(world.a_volunteer))
    first = {str(e["UID"]) for e in fetch(client, path).events}
    with app.app_context():  # accepted for one more: the others keep their UIDs
        manager = db.session.get(User, world.a_manager.id)
        _applied(db.session.get(User, world.a_volunteer.user_id), manager, db.session.get(Project, scene.caring),
                 "新岗位", ApplicationState.ACCEPTED, starts=_utc("2027-04-01T01:00"))
        db.session.commit()
    second = {str(e["UID"]) for e in fetch(client, path).events}
    assert len(first) == 3 and first < second and len(second) == 4
    assert f"application-{scene.tutor}@localhost" in first


def test_a_new_link_ends_the_old_one(app, client, signed_in, world, scene):
    browser = signed_in(world.a_volunteer)
    assert shown_link(browser) is None  # nothing until the volunteer asks for a link
    old = make_link(browser)
    assert shown_link(browser) == old  # the page shows the same link again
    new = make_link(browser)
    assert new != old
    assert client.get(old).status_code == 404
    assert len(fetch(client, new).events) == 3
    with app.app_context():
        made = db.session.scalars(sa.select(Event).where(Event.action == AccountEvent.CALENDAR_LINK_MADE)).all()
        assert [(e.actor_id, e.subject_id) for e in made] == [(world.a_volunteer.user_id,) * 2] * 2


def test_nothing_answers_without_the_exact_token(app, client, signed_in, world, scene):
    mine = make_link(signed_in(world.a_volunteer))
    theirs_browser = signed_in(world.b_volunteer)
    theirs = make_link(theirs_browser)
    token = mine.removeprefix("/calendar/").removesuffix(".ics")
    wrong = token[:-1] + ("0" if token[-1] != "0" else "1")
    for path in (f"/calendar/{wrong}.ics", "/calendar/unknown.ics", f"/calendar/{token.upper()}.ics",
                 f"/calendar/{'a' * 300}.ics"):
        assert client.get(path).status_code == 404, path
    # a session opens nothing: another volunteer signed in with a wrong token still gets 404
    assert theirs_browser.get(f"/calendar/{wrong}.ics").status_code == 404
    # each token opens its own volunteer's feed only
    assert "乙的岗位" in client.get(theirs).get_data(as_text=True)
    assert "乙的岗位" not in client.get(mine).get_data(as_text=True)


def test_a_closed_account_s_feed_answers_404(app, client, signed_in, world, scene):
    path = make_link(signed_in(world.a_volunteer))
    with app.app_context():
        db.session.get(Volunteer, world.a_volunteer.id).closed_at = utcnow()
        db.session.commit()
    assert client.get(path).status_code == 404


def test_staff_without_a_volunteer_profile_see_no_calendar(signed_in, world):
    manager = signed_in(world.a_manager)
    assert 'data-testid="calendar-feed"' not in manager.get("/me").get_data(as_text=True)
    assert manager.post_form("/me/calendar-link", {}, form_url="/me").status_code == 403


def test_the_feed_is_rate_limited_per_address(app, client, signed_in, world, scene, monkeypatch):
    path = make_link(signed_in(world.a_volunteer))
    monkeypatch.setitem(app.config, "CALENDAR_FEED_RATE_LIMIT", "3 per minute")
    assert [client.get(path).status_code for _ in range(4)] == [200, 200, 200, 429]
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "10.9.9.9"
    assert other.get(path).status_code == 200


def test_the_feed_is_in_the_volunteer_s_language(app, client, signed_in, world, scene):
    path = make_link(signed_in(world.a_volunteer))
    with app.app_context():
        db.session.get(User, world.a_volunteer.user_id).locale = "en"
        db.session.commit()
    tutor = next(e for e in fetch(client, path).events if "支教员" in str(e["SUMMARY"]))
    assert str(tutor["SUMMARY"]) == "边疆助学: 支教员"
    assert "Contact: 刘老师 0998-1234567" in str(tutor["DESCRIPTION"])



def test_links_are_under_public_url_where_it_is_set(app, client, signed_in, world, scene, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_URL", "https://zyfw.example.cn/")
    browser = signed_in(world.a_volunteer)
    path = make_link(browser)
    assert 'value="https://zyfw.example.cn/calendar/' in browser.get("/me").get_data(as_text=True)
    tutor = events_by_position(fetch(client, path))["支教员"]
    assert str(tutor["URL"]) == f"https://zyfw.example.cn/projects/{scene.tutoring}"
    assert str(tutor["UID"]) == f"application-{scene.tutor}@zyfw.example.cn"


def test_a_suspended_project_s_positions_are_tentative(app, client, signed_in, world, scene):
    path = make_link(signed_in(world.a_volunteer))
    with app.app_context():
        db.session.get(Project, scene.tutoring).state = ProjectState.SUSPENDED
        db.session.commit()
    events = events_by_position(fetch(client, path))
    assert (str(events["支教员"]["STATUS"]), str(events["陪护员"]["STATUS"])) == ("TENTATIVE", "CONFIRMED")
