"""Stations: the public list, and creation by an admin of the organisation."""
from __future__ import annotations

from flask import Response
from flask_smorest import Blueprint

from volunteer.api import BEARER
from volunteer.api.auth import api_user, login_required
from volunteer.api.schemas import QrArgsSchema, StationArgsSchema, StationCreateSchema, StationPageSchema, StationSchema
from volunteer.core.pagination import paginate
from volunteer.core.time import utcnow
from volunteer.extensions import db
from volunteer.organisations import services as organisations
from volunteer.stations import codes, services

blp = Blueprint("stations_api", __name__, url_prefix="/api/v1", description="Stations")


def dump_station(station) -> dict:
    return {"id": station.id, "name": station.name, "kind": station.kind,
            "organisation_code": station.organisation.code, "active": station.active,
            "address": station.address, "lat": station.lat, "lng": station.lng, "radius_m": station.radius_m,
            "opens_at": station.opens_at.strftime("%H:%M") if station.opens_at else None,
            "closes_at": station.closes_at.strftime("%H:%M") if station.closes_at else None,
            "timezone": station.timezone}


@blp.route("/stations", methods=["GET"])
@blp.arguments(StationArgsSchema, location="query")
@blp.response(200, StationPageSchema)
def list_stations(args):
    """Every station, or those of an organisation's subtree."""
    stmt = services.public_stations(args.get("organisation"))
    return paginate(stmt, args["page"], args["per_page"]).as_api(dump_station)


@blp.route("/stations", methods=["POST"])
@login_required
@blp.arguments(StationCreateSchema)
@blp.response(201, StationSchema)
@blp.alt_response(422, schema="Error")
@blp.alt_response(403, schema="Error")
@blp.doc(security=BEARER)
def create_station(body):
    """Create a station (league admin of the organisation or above)."""
    organisation = organisations.get_by_code(str(body.pop("organisation_code")))
    station = services.create_station(api_user(), organisation, body, now=utcnow())
    db.session.commit()
    return dump_station(station)


@blp.route("/stations/<int:station_id>/qr", methods=["GET"])
@login_required
@blp.arguments(QrArgsSchema, location="query")
@blp.doc(security=BEARER, responses={"200": {"description": "the QR image; its text is what `code` takes",
                                             "content": {"image/svg+xml": {}, "image/png": {}}}})
def station_qr(args, station_id):
    """The station's static or current rotating code as a QR image (staff over it, its leads)."""
    station = services.get_station_for(api_user(), station_id)
    kind = codes.STATIC if args["kind"] == "static" else codes.ROTATING
    body, content_type, text = codes.station_qr(station, kind, args["format"], utcnow())
    return Response(body, mimetype=content_type, headers={"X-Code-Text": text})
