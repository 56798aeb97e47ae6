"""A volunteer scans a station's code on a 360-px phone: signs in, lands checked in, scans again
and is checked out."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from volunteer.checkin.models import ServiceSession
from volunteer.extensions import db
from volunteer.stations.models import Station

pytestmark = pytest.mark.browser


def sessions(app):
    with app.app_context():
        return db.session.scalars(sa.select(ServiceSession).order_by(ServiceSession.id)).all()


def sign_in(page, person):
    page.fill("#login", person.login)
    page.fill("#password", person.password)
    page.click("main form button[type=submit]")


def test_scan_sign_in_checked_in_then_out(app, world, now_site, code, phone_page, monkeypatch):
    with app.app_context():  # a station without coordinates: nothing to ask
        station = db.session.get(Station, now_site.station_id)
        station.lat = station.lng = station.radius_m = None
        db.session.commit()
    page = phone_page
    url = f"/s/{code(now_site.station_id)}"
    page.goto(url)
    page.wait_for_url(re.compile(r"/login\?next="))
    sign_in(page, world.a_volunteer)
    result = page.locator("[data-testid=scan-result]")
    expect(result).to_have_attribute("data-outcome", "checked_in")
    expect(result).to_contain_text(re.compile(r"签到成功 \d\d:\d\d\s*· 社区助老服务"))
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert [s.state for s in sessions(app)] == ["open"]

    monkeypatch.setitem(app.config, "SCAN_REPEAT_SECONDS", 0)
    page.goto(url)  # the second scan, with the phone's camera again
    expect(result).to_have_attribute("data-outcome", "checked_out")
    expect(result).to_contain_text(re.compile(r"签退成功\s*· \d+ 分钟 · 待审核"))
    assert [s.state for s in sessions(app)] == ["closed"]


def test_location_is_asked_once_then_sent_with_each_scan(app, world, now_site, code, phone_page, monkeypatch):
    page = phone_page
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation({"latitude": 30.2502, "longitude": 120.1602})
    page.goto("/login")
    sign_in(page, world.a_volunteer)
    url = f"/s/{code(now_site.station_id)}"
    page.goto(url)
    # the station has coordinates: the volunteer decides before the first check-in
    consent = page.locator("input[name=share_location]")
    expect(consent).to_be_visible()
    consent.check()
    page.click("main form button[type=submit]")
    expect(page.locator("[data-testid=scan-result]")).to_have_attribute("data-outcome", "checked_in")
    [session] = sessions(app)
    assert session.distance_m is not None and session.distance_m < 60 and not session.outside_radius

    monkeypatch.setitem(app.config, "SCAN_REPEAT_SECONDS", 0)
    page.context.set_geolocation({"latitude": 30.27, "longitude": 120.16})
    page.goto(url)  # the choice is remembered on this phone: no question this time
    expect(page.locator("[data-testid=scan-result]")).to_have_attribute("data-outcome", "checked_out")
    [session] = sessions(app)
    assert session.outside_radius is True
