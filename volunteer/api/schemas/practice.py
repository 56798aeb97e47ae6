"""Shapes of practice programmes for a student's phone: programmes open now, their posts, an
application with its ranked choices and where each stands, an offer's answer, weekly logs."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from marshmallow import fields, validate

from volunteer.api.schemas.base import (
    BaseSchema,
    JsonBoolean,
    NamedRefSchema,
    PageArgsSchema,
    Text,
    WholeNumber,
    day_text,
    enum,
    max_length,
    one_of,
    page_of,
    record_id,
)
from volunteer.api.schemas.reports import OrganisationRefSchema
from volunteer.practice.vocabulary import MAX_CHOICES, PostChoiceState, PostKind, Season, StudentApplicationState


class ProgrammeSchema(BaseSchema):
    id = WholeNumber()
    name = fields.String()
    season = enum(Season)
    organisation = fields.Nested(OrganisationRefSchema)
    applications_open_on = fields.Date()
    applications_close_on = fields.Date()
    practice_starts_on = fields.Date()
    practice_ends_on = fields.Date()
    rules = fields.String(allow_none=True)


class PracticePostSchema(BaseSchema):
    id = WholeNumber()
    title = fields.String()
    post_kind = enum(PostKind)
    unit = fields.Nested(NamedRefSchema)
    organisation = fields.Nested(OrganisationRefSchema, attribute="unit.organisation")
    places = WholeNumber()
    places_left = WholeNumber()
    place_of_work = fields.String()
    starts_on = fields.Date()
    ends_on = fields.Date()
    duties = fields.String()
    requirements = fields.String(allow_none=True)


PostPageSchema = page_of(PracticePostSchema, "PracticePostPageSchema")


class PostArgsSchema(PageArgsSchema):
    kind = one_of(PostKind, _l("Unknown kind of post."))
    organisation = Text(validate=max_length(32),
                        metadata={"description": "code of an organisation: posts of units under it"})
    q = Text(validate=max_length(60), metadata={"description": "words in the title, the unit's name or the duties"})


class ApplyRequestSchema(BaseSchema):
    school_name = Text(required=True, blank=False, validate=max_length(120))
    student_number = Text(required=True, blank=False, validate=max_length(40))
    major = Text(required=True, blank=False, validate=max_length(80))
    grade = Text(required=True, blank=False, validate=max_length(20))
    hometown = Text(required=True, metadata={"description": "code of the organisation of your hometown"})
    choices = fields.List(record_id(), required=True, validate=validate.Length(min=1, max=MAX_CHOICES),
                          metadata={"description": "post ids, first choice first"})
    guardian_consent = JsonBoolean(load_default=False,
                                   metadata={"description": "required true when the student is under 18"})


class PostChoiceSchema(BaseSchema):
    id = WholeNumber()
    rank = WholeNumber(allow_none=True, metadata={"description": "1 to 3; null when the league placed the student"})
    state = enum(PostChoiceState)
    post = fields.Nested(PracticePostSchema)
    interview_at = fields.DateTime(allow_none=True)
    interview_place = fields.String(allow_none=True)
    can_be_answered = fields.Boolean(metadata={"description": "an offer the student may accept or decline now"})


class StudentApplicationSchema(BaseSchema):
    id = WholeNumber()
    programme = fields.Nested(NamedRefSchema)
    state = enum(StudentApplicationState)
    school_name = fields.String()
    student_number = fields.String()
    major = fields.String()
    grade = fields.String()
    hometown = fields.Nested(OrganisationRefSchema)
    placed_post_id = WholeNumber(allow_none=True)
    choices = fields.List(fields.Nested(PostChoiceSchema))


class PracticeLogRequestSchema(BaseSchema):
    week_of = day_text(required=True, metadata={"description": "the Monday of a week of the post that has begun"})
    log_text = Text(required=True, blank=False, validate=max_length(5000))


class PracticeLogSchema(BaseSchema):
    id = WholeNumber()
    week_of = fields.Date()
    log_text = fields.String()
    photos = WholeNumber(metadata={"description": "how many photos it holds (added on the web page)"})
    comment = fields.String(allow_none=True, metadata={"description": "the supervisor's"})
    commented_at = fields.DateTime(allow_none=True)
    is_editable = fields.Boolean(metadata={"description": "false once the supervisor has commented"})
