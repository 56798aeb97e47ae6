"""Use cases of stations: create and edit in scope, leads, listing."""
from __future__ import annotations

from datetime import datetime, time

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from volunteer.accounts.models import User
from volunteer.accounts.services import find_user_by_login
from volunteer.core import get_by_id, permissions
from volunteer.core.audit import changes, record_event
from volunteer.core.errors import FieldErrors, NotFound, ValidationFailed
from volunteer.core.time import DEFAULT_ZONE
from volunteer.extensions import db
from volunteer.organisations.models import Organisation
from volunteer.organisations.services import get_by_code
from volunteer.stations.coordinates import to_stored
from volunteer.stations.errors import AlreadyLead
from volunteer.stations.models import Station
from volunteer.stations.vocabulary import STORED_SYSTEM, CoordinateSystem, StationEvent, StationKind
from volunteer.stations.zones import is_known_zone

FIELDS = ("name", "kind", "address", "lat", "lng", "radius_m", "opens_at", "closes_at", "timezone",
          "require_rotating_code", "active")


def _number(errors: FieldErrors, field: str, value, low: float, high: float, *, integer=False):
    if value in (None, ""):
        return None
    try:
        number = int(value) if integer else float(value)
    except (TypeError, ValueError):
        errors.add(field, _l("Must be a whole number.") if integer else _l("Must be a number."))
        return None
    if not low <= number <= high:
        errors.add(field, _l("Must be between %(low)s and %(high)s.", low=low, high=high))
    return number


def _time(errors: FieldErrors, field: str, value):
    if value in (None, "") or isinstance(value, time):
        return value or None
    try:
        return time.fromisoformat(str(value))
    except ValueError:
        errors.add(field, _l("Must be a time (HH:MM)."))
        return None


def _point(errors: FieldErrors, data: dict) -> tuple[float | None, float | None]:
    """The station's point as it is kept (WGS-84), from a point given in ``coordinate_system``
    (WGS-84 when a client names none): a point copied from a Chinese map app is converted here, or
    every scan at the station would be measured against a place hundreds of metres away."""
    lat = _number(errors, "lat", data.get("lat"), -90, 90)
    lng = _number(errors, "lng", data.get("lng"), -180, 180)
    if "lat" in errors and lat is not None and lng is not None and abs(lng) <= 90 < abs(lat) <= 180:
        # AMap's coordinate picker, among others, writes "lng,lat": say so rather than give the bounds
        errors.fields["lat"] = [_l("This looks like a longitude: map apps often give the longitude first.")]
    if (lat is None) != (lng is None) and "lat" not in errors and "lng" not in errors:
        errors.add("lng", _l("Give both latitude and longitude, or neither."))
    system = data.get("coordinate_system", STORED_SYSTEM)
    if lat is None or lng is None or "lat" in errors or "lng" in errors:
        return lat, lng
    if system not in CoordinateSystem.values():
        errors.add("coordinate_system", _l("Please choose where these coordinates come from."))
        return lat, lng
    return to_stored(lat, lng, system)


def _clean(data: dict) -> dict:
    errors = FieldErrors()
    values = {}
    name = (data.get("name") or "").strip()
    if not name:
        errors.add("name", _l("Please enter a name."))
    elif len(name) > 120:
        errors.add("name", _l("At most %(n)s characters.", n=120))
    values["name"] = name
    values["kind"] = data.get("kind") or StationKind.SERVICE_STATION
    if values["kind"] not in StationKind.values():
        errors.add("kind", _l("Please choose a kind."))
    values["address"] = (data.get("address") or "").strip()[:200] or None
    values["lat"], values["lng"] = _point(errors, data)
    values["radius_m"] = _number(errors, "radius_m", data.get("radius_m"), 10, 5000, integer=True)
    if values["radius_m"] is not None and values["lat"] is None:
        errors.add("radius_m", _l("A radius needs coordinates."))
    values["opens_at"] = _time(errors, "opens_at", data.get("opens_at"))
    values["closes_at"] = _time(errors, "closes_at", data.get("closes_at"))
    if (values["opens_at"] is None) != (values["closes_at"] is None) and \
            "opens_at" not in errors and "closes_at" not in errors:
        errors.add("closes_at", _l("Give both the opening and the closing time, or neither."))
    values["timezone"] = (data.get("timezone") or DEFAULT_ZONE.key).strip()
    if not is_known_zone(values["timezone"]):
        errors.add("timezone", _l("Unknown time zone."))
    values["require_rotating_code"] = bool(data.get("require_rotating_code"))
    values["active"] = True if data.get("active") is None else bool(data.get("active"))
    errors.raise_if_any()
    return values


def _jsonable(values: dict) -> dict:
    return {k: v.isoformat() if isinstance(v, time) else v for k, v in values.items()}


def create_station(actor, organisation: Organisation | None, data: dict, *, now: datetime) -> Station:
    if organisation is None:
        raise ValidationFailed(fields={"organisation_code": [_l("Please choose your organisation.")]})
    permissions.ensure(actor, "station.manage", organisation)
    values = _clean(data)
    station = Station(organisation=organisation, created_at=now, **values)
    db.session.add(station)
    record_event(actor, StationEvent.CREATED, station, after={"name": station.name, "kind": station.kind}, now=now)
    for user_id in data.get("lead_user_ids") or []:
        user = get_by_id(User, user_id)
        if user is None or not user.is_active:
            raise ValidationFailed(fields={"lead_user_ids": [_l("Unknown person: %(id)s.", id=user_id)]})
        add_lead(actor, station, user, now=now)
    return station


def _gives_back_the_stored_point(station: Station, data: dict) -> bool:
    try:
        return station.lat is not None and (round(float(data.get("lat")), 7), round(float(data.get("lng")), 7)) \
            == (round(station.lat, 7), round(station.lng, 7))
    except (TypeError, ValueError):
        return False


def update_station(actor, station: Station, data: dict, *, now: datetime) -> Station:
    """Saved as given; the stored point given back unchanged needs no coordinate system (the edit
    form names none, so that a newly pasted point is never taken for one already converted)."""
    permissions.ensure(actor, "station.manage", station)
    if not data.get("coordinate_system") and _gives_back_the_stored_point(station, data):
        data = {**data, "coordinate_system": STORED_SYSTEM}
    values = _clean(data)
    before, after = changes(station, list(FIELDS), values)
    for key, value in values.items():
        setattr(station, key, value)
    system = data.get("coordinate_system", STORED_SYSTEM)
    if ("lat" in after or "lng" in after) and station.lat is not None and system != STORED_SYSTEM:
        after["coordinate_system"] = system  # the log says the point was converted, and from what
    if after:
        record_event(actor, StationEvent.UPDATED, station, before=_jsonable(before), after=_jsonable(after), now=now)
    return station


def add_lead(actor, station: Station, user: User, *, now: datetime) -> None:
    permissions.ensure(actor, "station.manage", station)
    if user in station.leads:
        raise AlreadyLead()
    station.leads.append(user)
    record_event(actor, StationEvent.LEAD_ADDED, station, after={"user_id": user.id}, now=now)


def add_lead_by_login(actor, station: Station, login: str, *, now: datetime) -> None:
    user = find_user_by_login(login)
    if user is None or not user.is_active:
        raise ValidationFailed(fields={"login": [_l("Nobody is registered with this mobile number or e-mail.")]})
    add_lead(actor, station, user, now=now)


def remove_lead(actor, station: Station, user_id: int, *, now: datetime) -> None:
    permissions.ensure(actor, "station.manage", station)
    user = next((u for u in station.leads if u.id == user_id), None)
    if user is None:
        raise NotFound()
    station.leads.remove(user)
    record_event(actor, StationEvent.LEAD_REMOVED, station, before={"user_id": user.id}, now=now)


def get_station_for(user, station_id, action: str = "station.view") -> Station:
    station = get_by_id(Station, station_id)
    if station is None:
        raise NotFound()
    if action == "station.view" and station.is_led_by(user):
        return station
    permissions.ensure(user, action, station)
    return station


def stations_in_scope(user, search: str | None = None) -> sa.Select:
    stmt = (sa.select(Station).join(Station.organisation)
            .where(permissions.in_scope(user, "station.view", Station.organisation_id))
            .order_by(Organisation.path, Station.name))
    if search:
        stmt = stmt.where(Station.name.contains(search.strip(), autoescape=True))
    return stmt


def public_stations(organisation_code: str | None = None) -> sa.Select:
    """Every station (their names and kinds are public: volunteers find them to serve)."""
    stmt = sa.select(Station).join(Station.organisation).order_by(Organisation.path, Station.name)
    if organisation_code:
        org = get_by_code(organisation_code)
        if org is None:
            raise NotFound()
        stmt = stmt.where(org.subtree())
    return stmt




def stations_for_projects(user) -> list[Station]:
    """The stations a project of the user's may run at: those in their scope, by name."""
    return db.session.scalars(sa.select(Station).where(
        permissions.in_scope(user, "station.view", Station.organisation_id)).order_by(Station.name)).all()
