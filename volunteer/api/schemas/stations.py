"""Shapes of stations."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from marshmallow import fields, validate

from volunteer.api.schemas.base import BaseSchema, PageArgsSchema, Text, WholeNumber, enum, max_length, one_of, page_of
from volunteer.core.time import DEFAULT_ZONE
from volunteer.stations.vocabulary import STORED_SYSTEM, CodeKind, CoordinateSystem, StationKind

IMAGE_FORMATS = ("svg", "png")


def _clock(moment):
    return moment.strftime("%H:%M") if moment else None


class StationArgsSchema(PageArgsSchema):
    organisation = Text(metadata={"description": "an organisation code: its whole subtree"})


class StationSchema(BaseSchema):
    id = WholeNumber()
    name = fields.String()
    kind = enum(StationKind)
    organisation_code = fields.String(attribute="organisation.code")
    active = fields.Boolean()
    address = fields.String(allow_none=True)
    lat = fields.Float(allow_none=True)
    lng = fields.Float(allow_none=True)
    coordinate_system = fields.Function(lambda station: STORED_SYSTEM.value, metadata={
        "type": "string", "enum": [STORED_SYSTEM.value],
        "description": "lat and lng are always answered in WGS-84, the system of GPS and of a phone's location"})
    radius_m = WholeNumber(allow_none=True)
    opens_at = fields.Function(lambda station: _clock(station.opens_at), allow_none=True,
                               metadata={"type": "string", "example": "08:30"})
    closes_at = fields.Function(lambda station: _clock(station.closes_at), allow_none=True,
                                metadata={"type": "string", "example": "17:30"})
    timezone = fields.String()


StationPageSchema = page_of(StationSchema, "StationPageSchema")


class StationCreateSchema(BaseSchema):
    name = Text(required=True, blank=False, validate=max_length(120))
    organisation_code = Text(required=True)
    kind = enum(StationKind, required=True)
    address = Text(allow_none=True, metadata={"description": "kept to 200 characters"})
    # the service checks these (in its own words): the document gives the bounds
    lat = fields.Float(allow_none=True, metadata={"minimum": -90, "maximum": 90, "description": "with lng"})
    lng = fields.Float(allow_none=True, metadata={"minimum": -180, "maximum": 180, "description": "with lat"})
    coordinate_system = enum(CoordinateSystem, load_default=STORED_SYSTEM.value, metadata={
        "description": f"the system lat and lng are given in: {CoordinateSystem.WGS84} (GPS, a phone's location), "
                       f"{CoordinateSystem.GCJ02} (AMap, Tencent Maps, WeChat), {CoordinateSystem.BD09} (Baidu Maps); "
                       "the station keeps them converted to WGS-84 (no conversion outside China)"})
    radius_m = WholeNumber(allow_none=True, metadata={"minimum": 10, "maximum": 5000, "description": "with lat and lng"})
    opens_at = Text(allow_none=True, metadata={"example": "08:30", "description": "HH:MM, with closes_at"})
    closes_at = Text(allow_none=True, metadata={"example": "17:30", "description": "HH:MM, with opens_at"})
    timezone = Text(allow_none=True, metadata={"example": DEFAULT_ZONE.key,
                                               "description": f"an IANA time zone; {DEFAULT_ZONE.key} when left out"})
    require_rotating_code = fields.Boolean(load_default=False)
    lead_user_ids = fields.List(WholeNumber(), load_default=list)


class QrArgsSchema(BaseSchema):
    format = fields.String(load_default="svg", validate=validate.OneOf(IMAGE_FORMATS, error=_l("svg or png.")),
                           metadata={"enum": list(IMAGE_FORMATS)})
    kind = one_of(CodeKind, _l("static or rotating."), load_default=CodeKind.STATIC)
