"""Stations: created and edited in scope with checked fields, leads assigned, listed publicly."""
from datetime import datetime, time, timezone

import pytest
import sqlalchemy as sa

from volunteer.core.models import Event
from volunteer.core.time import utcnow
from volunteer.extensions import db
from volunteer.stations.models import Station
from volunteer.stations.vocabulary import CoordinateSystem


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


STATION = {"name": "甲村志愿驿站", "organisation_code": "LX-A-1", "kind": "驿站", "address": "甲村村委会一楼",
           "lat": 30.25, "lng": 120.16, "radius_m": 200, "opens_at": "08:30", "closes_at": "17:30"}


def test_admin_creates_a_station_with_a_lead_through_the_api(app, client, world, api_token):
    response = client.post("/api/v1/stations", json={**STATION, "lead_user_ids": [world.a_volunteer.user_id]},
                           headers=bearer(api_token(world.a_admin)))
    assert response.status_code == 201, response.json
    body = response.json
    assert (body["organisation_code"], body["opens_at"], body["radius_m"]) == ("LX-A-1", "08:30", 200)
    with app.app_context():
        station = db.session.get(Station, body["id"])
        assert [u.id for u in station.leads] == [world.a_volunteer.user_id]
        assert station.key_version == 1 and len(station.secret) >= 40
        actions = db.session.scalars(sa.select(Event.action).where(Event.subject_type == "stations")).all()
        assert actions == ["station.created", "station.lead_added"]
    listed = client.get("/api/v1/stations?organisation=LX-A").json
    assert [s["name"] for s in listed["items"]] == ["甲村志愿驿站"]
    assert "secret" not in str(listed)
    assert client.get("/api/v1/stations?organisation=LX-B").json["total"] == 0


@pytest.mark.parametrize("who, expected", [("a_manager", 403), ("b_admin", 404), ("a_volunteer", 404)])
def test_only_an_admin_over_the_organisation_creates_stations(app, client, world, api_token, who, expected):
    response = client.post("/api/v1/stations", json=STATION, headers=bearer(api_token(getattr(world, who))))
    assert response.status_code == expected
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Station.id))) == 0


@pytest.mark.parametrize("change, field", [
    ({"name": ""}, "name"), ({"kind": "城堡"}, "kind"), ({"lat": 91}, "lat"), ({"lng": None}, "lng"),
    ({"radius_m": 5}, "radius_m"), ({"opens_at": "25:00"}, "opens_at"), ({"closes_at": None}, "closes_at"),
    ({"timezone": "Mars/Olympus"}, "timezone"), ({"lat": None, "lng": None}, "radius_m"),
])
def test_bad_station_fields_are_named(client, world, api_token, change, field):
    response = client.post("/api/v1/stations", json={**STATION, **change}, headers={
        **bearer(api_token(world.a_admin)), "Accept-Language": "en"})
    assert response.status_code == 422
    assert field in response.json["error"]["fields"]


def make_station(app, world, **values):
    from volunteer.accounts.models import User
    from volunteer.organisations.services import get_by_code
    from volunteer.stations import services
    with app.app_context():
        admin = db.session.get(User, world.city_admin.id)
        data = {k: v for k, v in STATION.items() if k != "organisation_code"}
        station = services.create_station(admin, get_by_code(values.pop("org", "LX-A-1")), {**data, **values}, now=utcnow())
        db.session.commit()
        return station.id


@pytest.mark.parametrize("who, view, edit", [
    ("a_admin", 200, 200), ("city_admin", 200, 200), ("a_manager", 200, 403),
    ("b_admin", 404, 404), ("b_manager", 404, 404), ("a_volunteer", 404, 404)])
def test_station_pages_per_role(app, world, signed_in, who, view, edit):
    station_id = make_station(app, world)
    person = signed_in(getattr(world, who))
    assert person.get(f"/stations/{station_id}").status_code == view
    assert person.get(f"/stations/{station_id}/edit").status_code == edit
    listing = person.get("/stations/")
    if who.startswith("a_") and who != "a_volunteer" or who == "city_admin":
        assert "甲村志愿驿站" in listing.get_data(as_text=True)
    elif who.startswith("b_"):
        assert "甲村志愿驿站" not in listing.get_data(as_text=True)


def test_a_lead_sees_their_station_and_the_admin_manages_leads(app, world, signed_in):
    station_id = make_station(app, world)
    admin = signed_in(world.a_admin)
    assert admin.post_form(f"/stations/{station_id}/leads", {"login": world.a_volunteer.phone},
                           form_url=f"/stations/{station_id}").status_code == 302
    lead = signed_in(world.a_volunteer)
    assert lead.get(f"/stations/{station_id}").status_code == 200
    assert "甲村志愿驿站" in lead.get("/").get_data(as_text=True)
    admin.post_form(f"/stations/{station_id}/leads/{world.a_volunteer.user_id}/remove", {},
                    form_url=f"/stations/{station_id}")
    assert lead.get(f"/stations/{station_id}").status_code == 404


def test_edit_is_logged_with_before_and_after(app, world, signed_in):
    station_id = make_station(app, world)
    admin = signed_in(world.a_admin)
    response = admin.post_form(f"/stations/{station_id}/edit", {
        "name": "甲村志愿驿站", "kind": "驿站", "address": "甲村文化礼堂", "lat": "30.25", "lng": "120.16",
        "coordinate_system": CoordinateSystem.WGS84, "radius_m": "300", "opens_at": "09:00", "closes_at": "18:00",
        "timezone": "Asia/Shanghai", "active": "y"})
    assert response.status_code == 302
    with app.app_context():
        event = db.session.scalar(sa.select(Event).where(Event.action == "station.updated"))
        assert event.before["radius_m"] == 200 and event.after["radius_m"] == 300
        assert event.after["opens_at"] == "09:00:00"


@pytest.mark.parametrize("opens, closes, local, expected", [
    ("08:30", "17:30", "08:29", False), ("08:30", "17:30", "08:30", True), ("08:30", "17:30", "17:29", True),
    ("08:30", "17:30", "17:30", False), ("20:00", "02:00", "23:00", True), ("20:00", "02:00", "01:59", True),
    ("20:00", "02:00", "02:00", False), (None, None, "03:00", True),
])
def test_opening_hours_in_the_stations_time_zone(opens, closes, local, expected):
    station = Station(name="x", kind="驿站", active=True, timezone="Asia/Urumqi",
                      opens_at=time.fromisoformat(opens) if opens else None,
                      closes_at=time.fromisoformat(closes) if closes else None)
    hour, minute = map(int, local.split(":"))
    # Urumqi is UTC+6 all year
    moment = datetime(2026, 11, 21, hour, minute, tzinfo=timezone.utc).replace(hour=(hour - 6) % 24)
    assert station.is_open_at(moment) is expected


def test_an_inactive_station_is_closed():
    assert Station(name="x", kind="驿站", active=False).is_open_at(datetime.now(timezone.utc)) is False
