"""A station's point given as a map app shows it is kept in WGS-84, the system a phone's location
comes in, so the distance check measures the right place.

The known pairs are published ones: the WGS-84 / GCJ-02 pairs of eviltransform's tests (Shanghai,
Shenzhen, and Beijing's Xidan) and of coordtransform's (by Tiananmen), the GCJ-02 / BD-09 pair of
coordtransform's, and Beijing railway station in GCJ-02 and BD-09 from the R package baidumap's
documentation (to five decimals, about a metre)."""
from __future__ import annotations

import math
import re

import pytest
import sqlalchemy as sa

from tests.checkin.fixtures import local
from volunteer.checkin.models import ServiceSession
from volunteer.core.models import Event
from volunteer.extensions import db
from volunteer.stations import coordinates
from volunteer.stations.models import Station
from volunteer.stations.vocabulary import CoordinateSystem, StationKind

WGS84, GCJ02, BD09 = CoordinateSystem.WGS84, CoordinateSystem.GCJ02, CoordinateSystem.BD09

WGS_GCJ = [  # (WGS-84 lat, lng), (GCJ-02 lat, lng)
    ((31.1774276, 121.5272106), (31.17530398364597, 121.531541859215)),     # Shanghai
    ((22.543847, 113.912316), (22.540796131694766, 113.9171764808363)),     # Shenzhen
    ((39.911954, 116.377817), (39.91334545536069, 116.38404722455657)),     # Beijing, Xidan
    ((39.915, 116.404), (39.91640428150164, 116.41024449916938)),            # Beijing, by Tiananmen
]
GCJ_BD = [  # (GCJ-02 lat, lng), (BD-09 lat, lng), metres the published figures allow
    ((39.915, 116.404), (39.92133699351021, 116.41036949371029), 0.01),
    ((39.90245, 116.42703), (39.90851, 116.43351), 1.5),                     # Beijing railway station
]
XIDAN_WGS, XIDAN_GCJ = WGS_GCJ[2]


def metres(a, b) -> float:
    lat1, lng1, lat2, lng2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lng2 - lng1) / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(h))


@pytest.mark.parametrize("wgs, gcj", WGS_GCJ)
def test_known_points_convert_both_ways_to_within_a_metre(wgs, gcj):
    assert metres(coordinates.from_wgs84(*wgs, GCJ02), gcj) < 0.01
    assert metres(coordinates.to_wgs84(*gcj, GCJ02), wgs) < 0.05  # the way back, by iteration
    # the offset is what breaks an unconverted point: hundreds of metres
    assert 300 < metres(wgs, gcj) < 700


@pytest.mark.parametrize("gcj, bd, tolerance", GCJ_BD)
def test_baidu_points_convert_both_ways(gcj, bd, tolerance):
    assert metres(coordinates.gcj02_to_bd09(*gcj), bd) < tolerance
    wgs = coordinates.to_wgs84(*bd, BD09)
    assert metres(coordinates.from_wgs84(*wgs, GCJ02), gcj) < tolerance
    assert metres(coordinates.from_wgs84(*wgs, BD09), bd) < 0.01


@pytest.mark.parametrize("system", [GCJ02, BD09])
@pytest.mark.parametrize("point", [(18.25, 109.5), (45.75, 126.65), (43.8, 87.6), (29.65, 91.1), (30.25, 120.16)])
def test_every_conversion_comes_back_to_its_point(system, point):
    """Sanya, Harbin, Urumqi, Lhasa, Hangzhou: the iteration finds the point back to a centimetre."""
    there = coordinates.from_wgs84(*point, system)
    assert metres(coordinates.to_wgs84(*there, system), point) < 0.01


@pytest.mark.parametrize("point", [(51.5007, -0.1246), (40.6892, -74.0445), (-33.8568, 151.2153), (35.6586, 139.7454)])
@pytest.mark.parametrize("system", list(CoordinateSystem))
def test_outside_china_nothing_moves(point, system):
    """London, New York, Sydney, Tokyo: the apps show WGS-84 there."""
    assert coordinates.to_wgs84(*point, system) == point
    assert coordinates.from_wgs84(*point, system) == point


STATION_FORM = {"name": "西单志愿驿站", "kind": StationKind.POST, "address": "", "radius_m": "50",
                "opens_at": "08:00", "closes_at": "18:00", "timezone": "Asia/Shanghai", "active": "y"}


def stored_point(app, station_id):
    with app.app_context():
        station = db.session.get(Station, station_id)
        return station.lat, station.lng


@pytest.mark.parametrize("system, outside, distance", [
    (GCJ02, False, range(0, 2)),      # converted: the phone at the true place is at the station
    (WGS84, True, range(540, 570)),   # the same numbers taken for GPS ones: the phone is half a km off
])
def test_a_point_picked_in_a_map_app_lets_a_phone_at_the_true_place_check_in_nearby(
        app, world, site, signed_in, code, scan, system, outside, distance):
    admin = signed_in(world.a_admin)
    response = admin.post_form(f"/stations/{site.station_id}/edit", {
        **STATION_FORM, "lat": str(XIDAN_GCJ[0]), "lng": str(XIDAN_GCJ[1]), "coordinate_system": system})
    assert response.status_code == 302
    if system == GCJ02:
        assert metres(stored_point(app, site.station_id), XIDAN_WGS) < 0.2
    # a phone's browser reports WGS-84: the volunteer stands at the place the map app showed
    result = scan(world.a_volunteer, code(site.station_id), local(9), lat=XIDAN_WGS[0], lng=XIDAN_WGS[1])
    assert (result.action, result.outside) == ("checked_in", outside)
    with app.app_context():
        assert db.session.scalar(sa.select(ServiceSession.distance_m)) in distance


def test_the_station_page_states_the_system_and_where_the_point_is_in_map_apps(app, world, site, signed_in):
    admin = signed_in(world.a_admin)
    admin.post_form(f"/stations/{site.station_id}/edit", {
        **STATION_FORM, "lat": "39.90851", "lng": "116.43351", "coordinate_system": BD09})
    page = admin.get(f"/stations/{site.station_id}", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    lat, lng = stored_point(app, site.station_id)
    assert f"纬度 {lat:.6f}，经度 {lng:.6f}（WGS-84）" in page
    shown = {system: (float(a), float(b)) for a, b, system in re.findall(
        r"纬度 ([\d.]+)，经度 ([\d.]+) · (GCJ-02|BD-09)：", page)}
    # as Baidu Maps gives it: the point the admin typed; as AMap gives it: the published pair's
    assert "百度地图" in page and "高德地图" in page
    assert metres(shown["BD-09"], (39.90851, 116.43351)) < 0.2
    assert metres(shown["GCJ-02"], (39.90245, 116.42703)) < 1.5
    with app.app_context():
        event = db.session.scalar(sa.select(Event).where(Event.action == "station.updated"))
        assert event.after["coordinate_system"] == BD09
    form = admin.get(f"/stations/{site.station_id}/edit").get_data(as_text=True)
    assert f'value="{lat}"' in form and '<option selected value="">' in form  # no system: a point pasted over it must say its own


def test_saving_the_edit_form_unchanged_keeps_the_point(app, world, site, signed_in):
    admin = signed_in(world.a_admin)
    admin.post_form(f"/stations/{site.station_id}/edit", {
        **STATION_FORM, "lat": str(XIDAN_GCJ[0]), "lng": str(XIDAN_GCJ[1]), "coordinate_system": GCJ02})
    first = stored_point(app, site.station_id)
    # the form shows the stored point with WGS-84 chosen: sent back as it is, nothing moves
    response = admin.post_form(f"/stations/{site.station_id}/edit", {
        **STATION_FORM, "lat": str(first[0]), "lng": str(first[1]), "coordinate_system": WGS84})
    assert response.status_code == 302
    assert stored_point(app, site.station_id) == first


def test_a_point_without_its_system_is_refused_on_the_web(app, world, site, signed_in):
    before = stored_point(app, site.station_id)
    admin = signed_in(world.a_admin)
    response = admin.post_form(f"/stations/{site.station_id}/edit", {
        **STATION_FORM, "lat": "39.9", "lng": "116.4", "coordinate_system": ""},
        headers={"Accept-Language": "zh-CN"})
    assert response.status_code == 200
    assert "请选择这组坐标的来源" in response.get_data(as_text=True)
    assert stored_point(app, site.station_id) == before


def test_a_longitude_typed_first_is_named(app, world, site, signed_in):
    """AMap's coordinate picker writes "116.38,39.91": said so, rather than "between -90 and 90"."""
    admin = signed_in(world.a_admin)
    response = admin.post_form(f"/stations/{site.station_id}/edit", {
        **STATION_FORM, "lat": "116.384047", "lng": "39.913345", "coordinate_system": GCJ02},
        headers={"Accept-Language": "zh-CN"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "经度写在前面" in page and "-90" not in page


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


API_STATION = {"name": "北京站志愿驿站", "organisation_code": "LX-A-1", "kind": StationKind.POST, "radius_m": 100}


def test_the_api_converts_a_baidu_point_and_answers_in_wgs84(app, client, world, api_token):
    response = client.post("/api/v1/stations", json={
        **API_STATION, "lat": 39.90851, "lng": 116.43351, "coordinate_system": BD09},
        headers=bearer(api_token(world.a_admin)))
    assert response.status_code == 201, response.json
    body = response.json
    assert body["coordinate_system"] == WGS84
    assert metres(coordinates.from_wgs84(body["lat"], body["lng"], GCJ02), (39.90245, 116.42703)) < 1.5


def test_the_api_takes_a_point_without_a_system_as_wgs84(client, world, api_token):
    response = client.post("/api/v1/stations", json={**API_STATION, "lat": 39.911954, "lng": 116.377817},
                           headers=bearer(api_token(world.a_admin)))
    assert (response.json["lat"], response.json["lng"]) == (39.911954, 116.377817)


@pytest.mark.parametrize("system", ["", "baidu", "GCJ02"])
def test_the_api_refuses_an_unknown_system(client, world, api_token, system):
    response = client.post("/api/v1/stations", json={
        **API_STATION, "lat": 39.9, "lng": 116.4, "coordinate_system": system}, headers=bearer(api_token(world.a_admin)))
    assert response.status_code == 422 and "coordinate_system" in response.json["error"]["fields"]
