"""The station form on a phone: the time zone is chosen from a list (China's first), number fields
bring up the number keys, a new station from a map app's point is kept where the place is; and the
station's public screen shows the code without the signed-in lead's menu."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from tests.stations.test_coordinates import XIDAN_GCJ, XIDAN_WGS, metres
from tests.stations.test_stations import make_station
from volunteer.extensions import db
from volunteer.stations.models import Station
from volunteer.stations.vocabulary import CoordinateSystem, StationKind

ZH = {"Accept-Language": "zh-CN"}


def options(page: str, select: str) -> list[tuple[str, bool, str]]:
    """(value, selected, text) of each option of the named select."""
    box = re.search(rf'<select[^>]*name="{select}"[^>]*>(.*?)</select>', page, re.S)[1]
    return [(m[2], bool(m[1]), m[3]) for m in re.finditer(r'<option( selected)? value="([^"]*)">([^<]*)</option>', box)]


def input_tag(page: str, name: str) -> str:
    return re.search(rf'<input[^>]*name="{name}"[^>]*>', page)[0]


def test_the_time_zone_is_chosen_from_a_list_with_beijing_time_first(world, signed_in):
    page = signed_in(world.a_admin).get("/stations/new", headers=ZH).get_data(as_text=True)
    zones = options(page, "timezone")
    assert zones[0] == ("Asia/Shanghai", True, "北京时间（中国标准时间） · Asia/Shanghai")
    assert [value for value, _, _ in zones[1:5]] == ["Asia/Urumqi", "Asia/Hong_Kong", "Asia/Macau", "Asia/Taipei"]
    assert ("Europe/London", False, "英国时间 · Europe/London") in zones
    assert len(zones) > 300 and len({value for value, _, _ in zones}) == len(zones)


def test_number_fields_bring_up_the_number_keys(world, signed_in):
    page = signed_in(world.a_admin).get("/stations/new").get_data(as_text=True)
    for name in ("lat", "lng"):
        assert 'inputmode="decimal"' in input_tag(page, name)
    assert 'inputmode="numeric"' in input_tag(page, "radius_m")
    for name in ("opens_at", "closes_at"):
        assert 'type="time"' in input_tag(page, name)


NEW_STATION = {"organisation_code": "LX-A-1", "name": "西单志愿驿站", "kind": StationKind.POST, "radius_m": "100",
               "opens_at": "", "closes_at": "", "timezone": "Asia/Shanghai", "active": "y"}


def test_a_new_station_from_an_amap_point_is_kept_at_the_true_place(app, world, signed_in):
    admin = signed_in(world.a_admin)
    response = admin.post_form("/stations/new", {
        **NEW_STATION, "lat": str(XIDAN_GCJ[0]), "lng": str(XIDAN_GCJ[1]),
        "coordinate_system": CoordinateSystem.GCJ02}, headers=ZH)
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        station = db.session.scalar(sa.select(Station))
        assert metres((station.lat, station.lng), XIDAN_WGS) < 0.2
    page = admin.get(response.location, headers=ZH).get_data(as_text=True)
    assert "（WGS-84）" in page and f"纬度 {XIDAN_GCJ[0]:.6f}，经度 {XIDAN_GCJ[1]:.6f} · GCJ-02：高德地图" in page


def test_a_new_station_asks_where_its_coordinates_come_from(app, world, signed_in):
    admin = signed_in(world.a_admin)
    page = admin.get("/stations/new", headers=ZH).get_data(as_text=True)
    systems = options(page, "coordinate_system")
    # nothing chosen for the admin: the wrong guess would put the station hundreds of metres off
    assert systems[0] == ("", False, "请选择地图或设备…") and not any(selected for _, selected, _ in systems)
    assert [value for value, _, _ in systems[1:]] == list(CoordinateSystem)
    assert "百度地图" in systems[3][2] and "高德地图" in systems[2][2] and "手机浏览器" in systems[1][2]
    response = admin.post_form("/stations/new", {**NEW_STATION, "lat": "39.9", "lng": "116.4", "coordinate_system": ""},
                               headers=ZH)
    assert response.status_code == 200 and "请选择这组坐标的来源。" in response.get_data(as_text=True)
    # without coordinates there is nothing to ask
    assert admin.post_form("/stations/new", {**NEW_STATION, "radius_m": "", "lat": "", "lng": "",
                                             "coordinate_system": ""}).status_code == 302


def test_a_time_zone_that_does_not_exist_is_refused_on_the_web(app, world, signed_in):
    admin = signed_in(world.a_admin)
    response = admin.post_form("/stations/new", {**NEW_STATION, "radius_m": "", "lat": "", "lng": "",
                                                 "timezone": "Asia/Beijing"}, headers=ZH)
    assert response.status_code == 200 and "未知时区。" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Station.id))) == 0


@pytest.mark.parametrize("zone, expected", [("Asia/Urumqi", 201), ("PRC", 201), ("Asia/Beijing", 422), ("", 201)])
def test_the_api_takes_any_iana_zone_and_nothing_else(client, world, api_token, zone, expected):
    from volunteer.core.time import DEFAULT_ZONE
    response = client.post("/api/v1/stations", json={
        "name": "甲村志愿驿站", "organisation_code": "LX-A-1", "kind": StationKind.POST, "timezone": zone},
        headers={"Authorization": f"Bearer {api_token(world.a_admin)}"})
    assert response.status_code == expected
    if expected == 201:
        assert response.json["timezone"] == (zone or DEFAULT_ZONE.key)
    else:
        assert "timezone" in response.json["error"]["fields"]


def test_a_station_keeps_an_older_zone_name_on_its_form(app, world, signed_in):
    """A zone the list leaves out (an alias a client sent) is still the one selected."""
    station_id = make_station(app, world, timezone="PRC")
    page = signed_in(world.a_admin).get(f"/stations/{station_id}/edit").get_data(as_text=True)
    assert ("PRC", True, "PRC") in options(page, "timezone")


def test_the_station_screen_shows_the_code_and_nothing_of_the_leads(app, world, signed_in):
    station_id = make_station(app, world)
    page = signed_in(world.a_admin).get(f"/stations/{station_id}/display", headers=ZH).get_data(as_text=True)
    assert 'id="rotating-qr"' in page and "甲村志愿驿站" in page and "扫码" in page
    # no staff menu, no sign-out, no language switch for a passer-by to press, no form at all
    for absent in ("<nav", "<header", 'data-testid="logout"', "退出登录", "/logout", "<form"):
        assert absent not in page
    assert '<html lang="zh-CN">' in page and "js/display.js" in page and "pico.min.css" in page


def test_the_station_page_names_its_time_zone(app, world, signed_in):
    station_id = make_station(app, world, timezone="Asia/Urumqi")
    page = signed_in(world.a_admin).get(f"/stations/{station_id}", headers=ZH).get_data(as_text=True)
    assert "新疆时间（乌鲁木齐） · Asia/Urumqi" in page


def test_a_point_pasted_over_the_stored_one_must_say_its_system(app, world, signed_in):
    station_id = make_station(app, world)
    admin = signed_in(world.a_admin)
    with app.app_context():
        station = db.session.get(Station, station_id)
        stored = (station.lat, station.lng)
    page = admin.get(f"/stations/{station_id}/edit").get_data(as_text=True)
    assert not any(selected for _value, selected, _label in options(page, "coordinate_system") if _value)
    base = {"name": "甲村志愿驿站", "kind": StationKind.POST, "radius_m": "200", "timezone": "Asia/Shanghai",
            "coordinate_system": ""}
    # saved back unchanged: no system needed, the point does not move
    same = admin.post_form(f"/stations/{station_id}/edit", {**base, "lat": str(stored[0]), "lng": str(stored[1])})
    assert same.status_code == 302
    # a new point pasted without saying where it comes from is refused, nothing moves
    moved = admin.post_form(f"/stations/{station_id}/edit", {**base, "lat": str(XIDAN_GCJ[0]),
                                                              "lng": str(XIDAN_GCJ[1])}, headers=ZH)
    assert moved.status_code == 200 and "请选择" in moved.get_data(as_text=True)
    with app.app_context():
        station = db.session.get(Station, station_id)
        assert (station.lat, station.lng) == stored
