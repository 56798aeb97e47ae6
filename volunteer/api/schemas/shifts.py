"""Shapes of shifts, sign-ups and leave requests."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from marshmallow import fields, validate

from volunteer.api.schemas.base import (
    BaseSchema,
    NamedRefSchema,
    PageArgsSchema,
    ProjectRefSchema,
    Text,
    WholeNumber,
    enum,
    max_length,
    page_of,
    record_id,
)
from volunteer.shifts.services.planning import MAX_CAPACITY
from volunteer.shifts.vocabulary import LeaveState, SignupState


class ShiftCreateSchema(BaseSchema):
    starts_at = fields.AwareDateTime(required=True)
    ends_at = fields.AwareDateTime(required=True, metadata={"description": "after the start, within 24 hours"})
    capacity = WholeNumber(required=True, validate=validate.Range(
        min=1, max=MAX_CAPACITY, error=_l("Must be between %(low)s and %(high)s.", low=1, high=MAX_CAPACITY)))
    station_id = record_id(allow_none=True, load_default=None, metadata={"description": "one of the project's stations"})
    note = Text(allow_none=True, load_default=None, metadata={"description": "kept to 500 characters"})


class ShiftSchema(BaseSchema):
    id = WholeNumber()
    position_id = WholeNumber()
    project = fields.Nested(ProjectRefSchema, attribute="position.project")
    station = fields.Nested(NamedRefSchema, allow_none=True)
    starts_at = fields.DateTime()
    ends_at = fields.DateTime()
    capacity = WholeNumber()
    confirmed = WholeNumber(metadata={"description": "places taken (and offered to the waiting list)"})
    waiting = WholeNumber()
    note = fields.String(allow_none=True)


ShiftPageSchema = page_of(ShiftSchema, "ShiftPageSchema")


class ShiftArgsSchema(PageArgsSchema):
    station_id = record_id()
    project_id = record_id()
    from_ = fields.Date(data_key="from", attribute="from", metadata={"description": "shifts ending on or after this day"})
    to = fields.Date(metadata={"description": "shifts starting on or before this day"})
    open = fields.Boolean(load_default=False, metadata={"description": "true: only those open for sign-up now"})


class SignupRequestSchema(BaseSchema):
    request_id = Text(allow_none=True, load_default=None, validate=max_length(64),
                      metadata={"description": "the same id on a retry returns the first answer and writes nothing"})


class SignupSchema(BaseSchema):
    id = WholeNumber()
    shift_id = WholeNumber()
    state = enum(SignupState)
    position_in_queue = WholeNumber(allow_none=True, metadata={"description": "on the waiting list: from 1"})
    offered_until = fields.DateTime(allow_none=True, metadata={"description": "an offered place is taken by then"})


class LeaveRequestSchema(BaseSchema):
    reason = Text(required=True, blank=False, validate=max_length(500))


class LeaveSchema(BaseSchema):
    id = WholeNumber()
    signup_id = WholeNumber()
    state = enum(LeaveState)
    reason = fields.String()
    late = fields.Boolean(metadata={"description": "asked after the cancellation cutoff: a late cancellation"})
    created_at = fields.DateTime()
