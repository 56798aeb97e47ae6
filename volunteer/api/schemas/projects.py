"""Shapes of projects, positions and applications."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from marshmallow import fields, validate

from volunteer.api.auth import api_user
from volunteer.api.schemas.base import BaseSchema, PageArgsSchema, Text, WholeNumber, enum, max_length, one_of, page_of
from volunteer.projects import services
from volunteer.projects.vocabulary import APPLICATION_DECISIONS, ApplicationState, Category, Level, ProjectState


class ProjectArgsSchema(PageArgsSchema):
    state = one_of(ProjectState, _l("Please choose from the list."))
    category = one_of(Category, _l("Please choose a category."))
    organisation = Text(metadata={"description": "an organisation code: its whole subtree"})
    q = Text(metadata={"description": "text in the title or description"})
    starts_from = fields.Date(metadata={"description": "projects still running on or after this day"})
    ends_until = fields.Date(metadata={"description": "projects starting on or before this day"})
    scope = fields.String(validate=validate.OneOf(["mine"], error=_l("Only “mine” is allowed.")),
                          metadata={"description": "mine: only the projects of the caller's scope", "enum": ["mine"]})


class PositionSchema(BaseSchema):
    id = WholeNumber()
    title = fields.String()
    capacity = WholeNumber()
    accepted = WholeNumber(attribute="accepted_count")
    places_left = WholeNumber()
    starts_at = fields.DateTime(allow_none=True)
    ends_at = fields.DateTime(allow_none=True)
    requirements = fields.String(allow_none=True)
    is_full = fields.Boolean(metadata={"description": "every place is taken: nobody more may apply"})


class ProjectSchema(BaseSchema):
    id = WholeNumber()
    title = fields.String()
    organisation_code = fields.String(attribute="organisation.code")
    category = enum(Category)
    level = enum(Level, allow_none=True)
    description = fields.String()
    starts_on = fields.Date(allow_none=True)
    ends_on = fields.Date(allow_none=True)
    state = enum(ProjectState)
    roster_required = fields.Boolean()
    require_rotating_code = fields.Boolean()
    shift_minutes = WholeNumber(allow_none=True)
    min_attendance_percent = WholeNumber(allow_none=True)
    target_volunteers = WholeNumber(allow_none=True)
    target_hours = WholeNumber(allow_none=True)
    target_beneficiaries = WholeNumber(allow_none=True)
    place = fields.String(allow_none=True)
    contact_name = fields.String(allow_none=True)
    contact_phone = fields.String(allow_none=True)
    station_ids = fields.Function(lambda project: [s.id for s in project.stations],
                                  metadata={"type": "array", "items": {"type": "integer"}})
    positions = fields.List(fields.Nested(PositionSchema))
    allowed_transitions = fields.Function(
        lambda project: services.allowed_transitions(api_user(), project),
        metadata={"type": "array", "items": {"type": "string", "enum": list(ProjectState.values())},
                  "description": "the states the caller may move the project to now"})


ProjectPageSchema = page_of(ProjectSchema, "ProjectPageSchema")


def _count(low: int, high: int, **metadata) -> WholeNumber:
    """A number the service checks (in its own words): the document gives its bounds."""
    return WholeNumber(allow_none=True, metadata={"minimum": low, "maximum": high, **metadata})


class ProjectCreateSchema(BaseSchema):
    title = Text(required=True, blank=False, validate=max_length(200))
    organisation_code = Text(required=True)
    category = enum(Category, required=True)
    description = Text(load_default="", metadata={"description": "kept to its first 20,000 characters"})
    level = enum(Level, allow_none=True)
    starts_on = fields.String(allow_none=True, metadata={"format": "date"})
    ends_on = fields.String(allow_none=True, metadata={"format": "date"})
    station_ids = fields.List(WholeNumber(), load_default=list)
    roster_required = fields.Boolean(load_default=False)
    require_rotating_code = fields.Boolean(load_default=False)
    shift_minutes = _count(1, 1440, description="needed with min_attendance_percent")
    min_attendance_percent = _count(1, 100)
    target_volunteers = _count(0, 10_000_000)
    target_hours = _count(0, 10_000_000)
    target_beneficiaries = _count(0, 10_000_000)
    place = Text(allow_none=True, validate=max_length(200),
                 metadata={"description": "where volunteers go, besides the stations; published"})
    contact_name = Text(allow_none=True, validate=max_length(60), metadata={"description": "published"})
    contact_phone = Text(allow_none=True, validate=max_length(30),
                         metadata={"description": "a work phone (digits, hyphens, spaces); published"})


class TransitionRequestSchema(BaseSchema):
    to = enum(ProjectState, required=True)
    comment = Text(allow_none=True, metadata={"description": "required to reject; kept to 2,000 characters"})


class PositionCreateSchema(BaseSchema):
    title = Text(required=True, blank=False, validate=max_length(120))
    capacity = WholeNumber(required=True, metadata={"minimum": 1, "maximum": 100_000})
    starts_at = fields.AwareDateTime(allow_none=True, default_timezone=None)
    ends_at = fields.AwareDateTime(allow_none=True, default_timezone=None)
    requirements = Text(allow_none=True, metadata={"description": "kept to 2,000 characters"})


class ApplicationRequestSchema(BaseSchema):
    note = Text(allow_none=True, metadata={"description": "kept to 500 characters"})


class ApplicationSchema(BaseSchema):
    id = WholeNumber()
    position_id = WholeNumber()
    project_id = WholeNumber(attribute="position.project_id")
    volunteer_id = WholeNumber()
    state = enum(ApplicationState)
    note = fields.String(allow_none=True)
    created_at = fields.DateTime()
    decided_at = fields.DateTime(allow_none=True)


class DecisionRequestSchema(BaseSchema):
    decision = fields.String(required=True, metadata={"enum": [d.value for d in APPLICATION_DECISIONS]})


class ProjectApplicationsArgsSchema(PageArgsSchema):
    state = one_of(ApplicationState, _l("Choose from pending, accepted, declined, withdrawn."))


ApplicationPageSchema = page_of(ApplicationSchema, "ApplicationPageSchema")
