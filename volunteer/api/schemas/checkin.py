"""Shapes of check-in: a scan and what it came to, and a service session."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from marshmallow import fields, validate

from volunteer.api.schemas.base import BaseSchema, NamedRefSchema, ProjectRefSchema, Text, WholeNumber, enum, max_length
from volunteer.checkin.vocabulary import ScanAction, SessionSource, SessionState


class _ScanRequestSchema(BaseSchema):
    project_id = WholeNumber(allow_none=True, load_default=None)
    request_id = Text(allow_none=True, load_default=None, validate=max_length(64),
                      metadata={"description": "the same id on a retry returns the first answer and writes nothing"})
    scanned_at = fields.AwareDateTime(allow_none=True, load_default=None,
                                      metadata={"description": "when the code was read, if not just now"})


def _code_field(description: str):
    return Text(required=True, validate=[validate.Length(min=1, error=_l("This field may not be empty.")),
                                         max_length(500)], metadata={"description": description})


class CheckinRequestSchema(_ScanRequestSchema):
    code = _code_field("the text read from a station's QR code (the URL or the bare code)")
    lat = fields.Float(allow_none=True, load_default=None, validate=validate.Range(
        min=-90, max=90, error=_l("Must be between %(low)s and %(high)s.", low=-90, high=90)))
    lng = fields.Float(allow_none=True, load_default=None, validate=validate.Range(
        min=-180, max=180, error=_l("Must be between %(low)s and %(high)s.", low=-180, high=180)))


class KioskScanRequestSchema(_ScanRequestSchema):
    code = _code_field("the text read from a volunteer's personal QR code")


class SessionSchema(BaseSchema):
    id = WholeNumber()
    state = enum(SessionState)
    station = fields.Nested(NamedRefSchema)
    project = fields.Nested(ProjectRefSchema)
    checked_in_at = fields.DateTime()
    checked_out_at = fields.DateTime(allow_none=True)
    minutes = WholeNumber(allow_none=True)
    source = enum(SessionSource)
    auto_closed = fields.Boolean()
    outside_radius = fields.Boolean()


class ScanVolunteerSchema(BaseSchema):
    name = fields.String()
    volunteer_no = fields.String()


class CheckinResultSchema(BaseSchema):
    """Documents the answer; the endpoint writes it by hand (api.checkin.dump_session): it is the
    busiest one at the start of an event (bench/checkin.py)."""

    action = fields.String(metadata={"enum": [ScanAction.CHECKED_IN, ScanAction.CHECKED_OUT, ScanAction.UNCHANGED],
                                     "description": "a refusal is an error answer instead"})
    session = fields.Nested(SessionSchema)
    volunteer = fields.Nested(ScanVolunteerSchema)
    closed_session = fields.Nested(SessionSchema, allow_none=True, metadata={
        "description": "an open session elsewhere that this check-in closed (flagged for its lead)"})
