"""The page a station's QR code opens: sign in first, then check in and out in one glance."""
from __future__ import annotations

import re

import sqlalchemy as sa

from tests.checkin.fixtures import around_today
from tests.conftest import csrf_from
from volunteer.checkin.models import Scan, ServiceSession
from volunteer.extensions import db


def form_fields(html: str) -> dict:
    fields = {"csrf_token": csrf_from(html)}
    fields["request_id"] = re.search(r'name="request_id" type="hidden" value="([^"]*)"', html).group(1)
    project = re.search(r'type="hidden" name="project_id" value="(\d+)"', html)
    if project:
        fields["project_id"] = project.group(1)
    return fields


def sessions(app):
    with app.app_context():
        return db.session.scalars(sa.select(ServiceSession).order_by(ServiceSession.id)).all()


def test_anonymous_scan_goes_to_sign_in_and_comes_back(client, world, now_site, code):
    text = code(now_site.station_id)
    response = client.get(f"/s/{text}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/login?next=/s/{text}")
    login_page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "甲村志愿驿站" in login_page  # "sign in to check in at …"
    assert f"next=/s/{text}" in login_page.replace("%2F", "/")  # the registration link keeps the way back


def test_scan_page_checks_in_then_out(app, world, now_site, code, signed_in, monkeypatch):
    person = signed_in(world.a_volunteer)
    url = f"/s/{code(now_site.station_id)}"
    page = person.get(url)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'data-auto="1"' in html and "社区助老服务" in html
    assert "Share my location" not in html and "共享" in html  # the station has coordinates: consent asked
    fields = form_fields(html)
    checked_in = person.client.post(url, data=fields)
    result = checked_in.get_data(as_text=True)
    assert checked_in.status_code == 201
    assert re.search(r"签到成功 \d\d:\d\d\s*· 社区助老服务", result), result
    # a reload re-sends the same request: the same answer, nothing new
    again = person.client.post(url, data=fields)
    assert again.status_code == 201 and len(sessions(app)) == 1
    # a fresh scan at once changes nothing
    repeat = person.client.post(url, data=form_fields(person.get(url).get_data(as_text=True)))
    assert repeat.status_code == 200 and "已签到" in repeat.get_data(as_text=True)

    monkeypatch.setitem(app.config, "SCAN_REPEAT_SECONDS", 0)
    out_page = person.get(url).get_data(as_text=True)
    assert "签退" in out_page
    out = person.client.post(url, data=form_fields(out_page))
    text = out.get_data(as_text=True)
    assert out.status_code == 200
    assert re.search(r"签退成功\s*· 0 分钟 · 待审核", text), text
    assert [s.state for s in sessions(app)] == ["closed"]


def test_a_bad_code_says_so_without_signing_in(client, world, now_site):
    response = client.get("/s/S1.1.s0.notsignednotsignednotsigned")
    assert response.status_code == 400
    assert "签到码无效" in response.get_data(as_text=True)


def test_the_volunteer_chooses_a_project_when_several_run(app, world, now_site, code, signed_in, add_project):

    other = add_project(now_site, "垃圾分类宣传", **around_today())
    person = signed_in(world.a_volunteer)
    url = f"/s/{code(now_site.station_id)}"
    html = person.get(url).get_data(as_text=True)
    assert 'data-auto="0"' in html and "垃圾分类宣传" in html and "社区助老服务" in html
    unanswered = person.client.post(url, data=form_fields(html))
    assert unanswered.status_code == 422 and "请选择" in unanswered.get_data(as_text=True)
    chosen = person.client.post(url, data={**form_fields(html), "project_id": str(other)})
    assert chosen.status_code == 201 and "垃圾分类宣传" in chosen.get_data(as_text=True)
    assert sessions(app)[0].project_id == other


def test_shared_location_outside_the_radius_is_flagged_on_the_answer(app, world, now_site, code, signed_in):
    person = signed_in(world.a_volunteer)
    url = f"/s/{code(now_site.station_id)}"
    fields = form_fields(person.get(url).get_data(as_text=True))
    response = person.client.post(url, data={**fields, "share_location": "y", "lat": "30.27", "lng": "120.16"})
    assert response.status_code == 201
    assert "站长" in response.get_data(as_text=True)
    assert sessions(app)[0].outside_radius is True


def test_staff_without_a_volunteer_profile_are_told_to_register(world, now_site, code, signed_in):
    response = signed_in(world.a_manager).get(f"/s/{code(now_site.station_id)}")
    assert response.status_code == 403
    assert "注册" in response.get_data(as_text=True)


def test_refusals_are_shown_and_stored(app, world, now_site, code, signed_in):
    from volunteer.projects.models import Project
    with app.app_context():
        db.session.get(Project, now_site.project_id).roster_required = True
        db.session.commit()
    person = signed_in(world.a_volunteer)
    url = f"/s/{code(now_site.station_id)}"
    response = person.client.post(url, data=form_fields(person.get(url).get_data(as_text=True)))
    assert response.status_code == 409
    assert 'data-code="not_on_roster"' in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(Scan.reason)) == "not_on_roster"


def test_a_rotating_code_survives_signing_in_but_not_longer(app, world, now_site, code, browser, monkeypatch):
    from datetime import datetime, timedelta, timezone

    from volunteer.stations import codes
    from volunteer.web import checkin as views
    seen = datetime.now(timezone.utc).replace(microsecond=0)
    clock = {"now": seen}
    monkeypatch.setattr(views, "utcnow", lambda: clock["now"])
    url = f"/s/{code(now_site.station_id, codes.ROTATING, seen)}"
    assert browser.get(url).status_code == 302  # to sign in first
    clock["now"] = seen + timedelta(minutes=3)  # signing in took a while: the code itself expired
    browser.login(world.a_volunteer.login, world.a_volunteer.password)
    page = browser.get(url)
    assert page.status_code == 200
    checked_in = browser.client.post(url, data=form_fields(page.get_data(as_text=True)))
    assert checked_in.status_code == 201
    # the same browser, later than the ticket lasts: the code has to be scanned afresh
    clock["now"] = seen + timedelta(minutes=6)
    late = browser.get(url)
    assert late.status_code == 400 and "过期" in late.get_data(as_text=True)
