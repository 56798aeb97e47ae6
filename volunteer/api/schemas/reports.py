"""Shapes of the reports: the summary of an organisation's subtree for a period (F of API.md)."""
from __future__ import annotations

from marshmallow import fields

from volunteer.api.schemas.base import BaseSchema, Text, WholeNumber, day_text, enum, max_length
from volunteer.projects.vocabulary import Category, ProjectState


class SummaryArgsSchema(BaseSchema):
    organisation = Text(validate=max_length(40), metadata={"description": "An organisation's code; "
                                                                   "the caller's own by default."})
    from_ = day_text(data_key="from", attribute="from",
                     metadata={"description": "YYYY-MM-DD; this year's first day by default"})
    to = day_text(metadata={"description": "YYYY-MM-DD; today by default"})


class OrganisationRefSchema(BaseSchema):
    code = fields.String()
    name = fields.String()


class PeriodSchema(BaseSchema):
    from_ = fields.Date(data_key="from", attribute="start")
    to = fields.Date(attribute="end")


class FiguresSchema(BaseSchema):
    """The figures of DESIGN.md's "Figures"; hours with one decimal."""

    registered_volunteers = WholeNumber()
    active_volunteers = WholeNumber()
    person_times = WholeNumber()
    approved_hours = fields.Float()
    checkin_hours = fields.Float()
    manual_hours = fields.Float()
    pending_hours = fields.Float(metadata={"description": "What waits now, whatever the period"})
    projects_by_state = fields.Dict(keys=enum(ProjectState), values=WholeNumber())
    projects_by_category = fields.Dict(keys=enum(Category), values=WholeNumber())
    stations_active = WholeNumber()
    coverage = fields.Float(allow_none=True, metadata={"description": "A share from 0 to 1; null without "
                                                                      "villages or communities"})


class ChildSchema(BaseSchema):
    organisation = fields.Nested(OrganisationRefSchema)
    figures = fields.Function(lambda row: FiguresSchema().dump(row))


class MonthSchema(BaseSchema):
    month = fields.String(metadata={"example": "2027-03"})
    approved_hours = fields.Float()
    person_times = WholeNumber()
    active_volunteers = WholeNumber()


class SummarySchema(BaseSchema):
    organisation = fields.Nested(OrganisationRefSchema)
    period = fields.Nested(PeriodSchema)
    figures = fields.Nested(FiguresSchema)
    previous = fields.Nested(FiguresSchema, metadata={"description": "The same days a year earlier"})
    children = fields.List(fields.Nested(ChildSchema))
    by_month = fields.List(fields.Nested(MonthSchema))
