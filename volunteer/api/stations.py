"""Stations: the public list, and creation by an admin of the organisation."""
from __future__ import annotations

from flask import Response
from flask_smorest import Blueprint

from volunteer.api.auth import BEARER, api_user, login_required
from volunteer.api.schemas.stations import (
    QrArgsSchema,
    StationArgsSchema,
    StationCreateSchema,
    StationPageSchema,
    StationSchema,
)
from volunteer.core.pagination import paginate
from volunteer.core.time import utcnow
from volunteer.extensions import db
from volunteer.organisations import services as organisations
from volunteer.stations import codes, services
from volunteer.stations.vocabulary import CodeKind

blp = Blueprint("stations_api", __name__, url_prefix="/api/v1", description="Stations")


@blp.route("/stations", methods=["GET"])
@blp.arguments(StationArgsSchema, location="query")
@blp.response(200, StationPageSchema)
def list_stations(args):
    """Every station, or those of an organisation's subtree."""
    stmt = services.public_stations(args.get("organisation"))
    return paginate(stmt, args["page"], args["per_page"])


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
    return station


@blp.route("/stations/<int:station_id>/qr", methods=["GET"])
@login_required
@blp.arguments(QrArgsSchema, location="query")
@blp.doc(security=BEARER, responses={"200": {"description": "the QR image; its text is what `code` takes",
                                             "content": {"image/svg+xml": {}, "image/png": {}}}})
def station_qr(args, station_id):
    """The station's static or current rotating code as a QR image (staff over it, its leads)."""
    station = services.get_station_for(api_user(), station_id)
    body, content_type, text = codes.station_qr(station, CodeKind(args["kind"]), args["format"], now=utcnow())
    return Response(body, mimetype=content_type, headers={"X-Code-Text": text})
