"""Shapes of the JSON API. They document the contract (served as OpenAPI) and parse input; the
business rules stay in the services, which report field errors in the caller's language."""
from flask_babel import lazy_gettext as _l
from marshmallow import EXCLUDE, Schema, fields, validate

from volunteer.core import MAX_ID


class BaseSchema(Schema):
    class Meta:
        unknown = EXCLUDE  # clients may send fields of newer versions


class ErrorBodySchema(BaseSchema):
    code = fields.String(required=True, metadata={"example": "validation_failed"})
    message = fields.String(required=True)
    fields = fields.Dict(keys=fields.String(), values=fields.List(fields.String()))


class ErrorSchema(BaseSchema):
    error = fields.Nested(ErrorBodySchema, required=True)


class PageArgsSchema(BaseSchema):
    page = fields.Integer(load_default=1, validate=validate.Range(
        min=1, max=1_000_000, error=_l("Must be between 1 and 1,000,000.")))
    per_page = fields.Integer(load_default=20, validate=validate.Range(
        min=1, max=100, error=_l("Must be between 1 and 100.")))


def record_id(**options):
    """An id a column can hold: a bigger one would fail in the database rather than be refused."""
    return fields.Integer(validate=validate.Range(min=1, max=MAX_ID, error=_l("Unknown id.")), **options)


class PageSchema(BaseSchema):
    page = fields.Integer()
    per_page = fields.Integer()
    total = fields.Integer()


class TokenRequestSchema(BaseSchema):
    login = fields.String(required=True, metadata={"description": "mobile number or e-mail"})
    password = fields.String(required=True, load_only=True)


class TokenSchema(BaseSchema):
    token = fields.String()
    expires_at = fields.DateTime()


class PrivacySchema(BaseSchema):
    version = fields.String()
    text = fields.String()


class GuardianSchema(BaseSchema):
    name = fields.String()
    phone = fields.String()
    consent = fields.Boolean()
    sensitive_consent = fields.Boolean(metadata={"description": "required under 14"})


class VolunteerCreateSchema(BaseSchema):
    name = fields.String(required=True)
    phone = fields.String(required=True)
    id_number = fields.String(required=True)
    password = fields.String(required=True, load_only=True)
    organisation_code = fields.String(required=True)
    consent_version = fields.String(required=True)
    email = fields.String()
    political_status = fields.String(metadata={"enum": ["masses", "league_member", "party_member"]})
    school_or_employer = fields.String()
    skills = fields.String()
    guardian = fields.Nested(GuardianSchema, allow_none=True,
                             metadata={"description": "required under 18"})


class VolunteerCreatedSchema(BaseSchema):
    id = fields.Integer()
    volunteer_no = fields.String()


class RoleSchema(BaseSchema):
    role = fields.String()
    organisation_code = fields.String()


class MeSchema(BaseSchema):
    id = fields.Integer()
    name = fields.String()
    volunteer_no = fields.String(allow_none=True)
    phone_masked = fields.String()
    id_number_masked = fields.String()
    approved_hours = fields.Float()
    pending_hours = fields.Float()
    star_level = fields.Integer()
    open_session = fields.Dict(allow_none=True)
    roles = fields.List(fields.Nested(RoleSchema))


class OrganisationSchema(BaseSchema):
    code = fields.String()
    name = fields.String()
    kind = fields.String()
    parent_code = fields.String(allow_none=True)


class OrganisationArgsSchema(PageArgsSchema):
    parent = fields.String(metadata={"description": "only the children of this organisation code"})


class OrganisationPageSchema(PageSchema):
    items = fields.List(fields.Nested(OrganisationSchema))


class ProjectArgsSchema(PageArgsSchema):
    state = fields.String()
    category = fields.String()
    organisation = fields.String(metadata={"description": "an organisation code: its whole subtree"})
    q = fields.String(metadata={"description": "text in the title or description"})
    starts_from = fields.Date(metadata={"description": "projects still running on or after this day"})
    ends_until = fields.Date(metadata={"description": "projects starting on or before this day"})
    scope = fields.String(validate=validate.OneOf(["mine"], error=_l("Only “mine” is allowed.")),
                          metadata={"description": "mine: only the projects of the caller's scope"})


class PositionSchema(BaseSchema):
    id = fields.Integer()
    title = fields.String()
    capacity = fields.Integer()
    accepted = fields.Integer()
    places_left = fields.Integer()
    starts_at = fields.DateTime(allow_none=True)
    ends_at = fields.DateTime(allow_none=True)
    requirements = fields.String(allow_none=True)


class ProjectSchema(BaseSchema):
    id = fields.Integer()
    title = fields.String()
    organisation_code = fields.String()
    category = fields.String()
    level = fields.String(allow_none=True)
    description = fields.String()
    starts_on = fields.Date(allow_none=True)
    ends_on = fields.Date(allow_none=True)
    state = fields.String()
    roster_required = fields.Boolean()
    require_rotating_code = fields.Boolean()
    shift_minutes = fields.Integer(allow_none=True)
    min_attendance_percent = fields.Integer(allow_none=True)
    target_volunteers = fields.Integer(allow_none=True)
    target_hours = fields.Integer(allow_none=True)
    target_beneficiaries = fields.Integer(allow_none=True)
    station_ids = fields.List(fields.Integer())
    positions = fields.List(fields.Nested(PositionSchema))
    allowed_transitions = fields.List(fields.String())


class ProjectPageSchema(PageSchema):
    items = fields.List(fields.Nested(ProjectSchema))


class ProjectCreateSchema(BaseSchema):
    title = fields.String(required=True)
    organisation_code = fields.String(required=True)
    category = fields.String(required=True)
    description = fields.String(load_default="")
    level = fields.String(allow_none=True)
    starts_on = fields.String(allow_none=True, metadata={"format": "date"})
    ends_on = fields.String(allow_none=True, metadata={"format": "date"})
    station_ids = fields.List(fields.Integer(), load_default=list)
    roster_required = fields.Boolean(load_default=False)
    require_rotating_code = fields.Boolean(load_default=False)
    shift_minutes = fields.Integer(allow_none=True)
    min_attendance_percent = fields.Integer(allow_none=True)
    target_volunteers = fields.Integer(allow_none=True)
    target_hours = fields.Integer(allow_none=True)
    target_beneficiaries = fields.Integer(allow_none=True)


class TransitionRequestSchema(BaseSchema):
    to = fields.String(required=True)
    comment = fields.String(allow_none=True)


class PositionCreateSchema(BaseSchema):
    title = fields.String(required=True)
    capacity = fields.Integer(required=True)
    starts_at = fields.AwareDateTime(allow_none=True, default_timezone=None)
    ends_at = fields.AwareDateTime(allow_none=True, default_timezone=None)
    requirements = fields.String(allow_none=True)


class ApplicationRequestSchema(BaseSchema):
    note = fields.String(allow_none=True)


class ApplicationSchema(BaseSchema):
    id = fields.Integer()
    position_id = fields.Integer()
    project_id = fields.Integer()
    volunteer_id = fields.Integer()
    state = fields.String()
    note = fields.String(allow_none=True)
    created_at = fields.DateTime()
    decided_at = fields.DateTime(allow_none=True)


class DecisionRequestSchema(BaseSchema):
    decision = fields.String(required=True, metadata={"enum": ["accepted", "declined"]})


class ProjectApplicationsArgsSchema(PageArgsSchema):
    state = fields.String(validate=validate.OneOf(["pending", "accepted", "declined", "withdrawn"],
                                                  error=_l("Choose from pending, accepted, declined, withdrawn.")))


class ApplicationPageSchema(PageSchema):
    items = fields.List(fields.Nested(ApplicationSchema))


class StationArgsSchema(PageArgsSchema):
    organisation = fields.String(metadata={"description": "an organisation code: its whole subtree"})


class StationSchema(BaseSchema):
    id = fields.Integer()
    name = fields.String()
    kind = fields.String()
    organisation_code = fields.String()
    active = fields.Boolean()
    address = fields.String(allow_none=True)
    lat = fields.Float(allow_none=True)
    lng = fields.Float(allow_none=True)
    radius_m = fields.Integer(allow_none=True)
    opens_at = fields.String(allow_none=True, metadata={"example": "08:30"})
    closes_at = fields.String(allow_none=True, metadata={"example": "17:30"})
    timezone = fields.String()


class StationPageSchema(PageSchema):
    items = fields.List(fields.Nested(StationSchema))


class StationCreateSchema(BaseSchema):
    name = fields.String(required=True)
    organisation_code = fields.String(required=True)
    kind = fields.String(required=True)
    address = fields.String(allow_none=True)
    lat = fields.Float(allow_none=True)
    lng = fields.Float(allow_none=True)
    radius_m = fields.Integer(allow_none=True)
    opens_at = fields.String(allow_none=True)
    closes_at = fields.String(allow_none=True)
    timezone = fields.String(allow_none=True)
    require_rotating_code = fields.Boolean(load_default=False)
    lead_user_ids = fields.List(fields.Integer(), load_default=list)


class QrArgsSchema(BaseSchema):
    format = fields.String(load_default="svg", validate=validate.OneOf(["svg", "png"], error=_l("svg or png.")))
    kind = fields.String(load_default="static", validate=validate.OneOf(["static", "rotating"],
                                                                     error=_l("static or rotating.")))


class _ScanRequestSchema(BaseSchema):
    project_id = fields.Integer(allow_none=True, load_default=None)
    request_id = fields.String(allow_none=True, load_default=None, validate=validate.Length(
        max=64, error=_l("At most %(n)s characters.")),
        metadata={"description": "the same id on a retry returns the first answer and writes nothing"})
    scanned_at = fields.AwareDateTime(allow_none=True, load_default=None,
                                      metadata={"description": "when the code was read, if not just now"})


def _code_field(description: str):
    return fields.String(required=True, validate=validate.Length(min=1, max=500, error=_l("At most %(n)s characters.")),
                         metadata={"description": description})


class CheckinRequestSchema(_ScanRequestSchema):
    code = _code_field("the text read from a station's QR code (the URL or the bare code)")
    lat = fields.Float(allow_none=True, load_default=None, validate=validate.Range(
        min=-90, max=90, error=_l("Must be between %(low)s and %(high)s.", low=-90, high=90)))
    lng = fields.Float(allow_none=True, load_default=None, validate=validate.Range(
        min=-180, max=180, error=_l("Must be between %(low)s and %(high)s.", low=-180, high=180)))


class KioskScanRequestSchema(_ScanRequestSchema):
    code = _code_field("the text read from a volunteer's personal QR code")


class NamedRefSchema(BaseSchema):
    id = fields.Integer()
    name = fields.String()


class ProjectRefSchema(BaseSchema):
    id = fields.Integer()
    title = fields.String()


class SessionSchema(BaseSchema):
    id = fields.Integer()
    state = fields.String(metadata={"enum": ["open", "closed"]})
    station = fields.Nested(NamedRefSchema)
    project = fields.Nested(ProjectRefSchema)
    checked_in_at = fields.DateTime()
    checked_out_at = fields.DateTime(allow_none=True)
    minutes = fields.Integer(allow_none=True)
    source = fields.String(metadata={"enum": ["self_scan", "kiosk", "manual"]})
    auto_closed = fields.Boolean()
    outside_radius = fields.Boolean()


class ScanVolunteerSchema(BaseSchema):
    name = fields.String()
    volunteer_no = fields.String()


class CheckinResultSchema(BaseSchema):
    action = fields.String(metadata={"enum": ["checked_in", "checked_out", "unchanged"]})
    session = fields.Nested(SessionSchema)
    volunteer = fields.Nested(ScanVolunteerSchema)
    closed_session = fields.Nested(SessionSchema, allow_none=True, metadata={
        "description": "an open session elsewhere that this check-in closed (flagged for its lead)"})


class LedgerArgsSchema(PageArgsSchema):
    state = fields.String(validate=validate.OneOf(["pending", "approved", "rejected"],
                                                  error=_l("pending, approved or rejected.")))
    station_id = record_id()
    project_id = record_id()
    volunteer_id = record_id()


class LedgerEntrySchema(BaseSchema):
    id = fields.Integer()
    volunteer_id = fields.Integer()
    project = fields.Nested(ProjectRefSchema)
    station = fields.Nested(NamedRefSchema, allow_none=True)
    session_id = fields.Integer(allow_none=True)
    minutes = fields.Integer()
    recorded_minutes = fields.Integer(allow_none=True)
    credited_minutes = fields.Integer(allow_none=True)
    state = fields.String(metadata={"enum": ["pending", "approved", "rejected"]})
    source = fields.String(metadata={"enum": ["checkin", "manual", "correction"]})
    served_on = fields.Date()
    decided_by = fields.Integer(allow_none=True)
    decided_at = fields.DateTime(allow_none=True)
    reason = fields.String(allow_none=True)
    corrects_id = fields.Integer(allow_none=True)
    flags = fields.List(fields.String())


class DisputeSchema(BaseSchema):
    id = fields.Integer()
    entry_id = fields.Integer()
    note = fields.String()
    state = fields.String(metadata={"enum": ["open", "resolved"]})
    resolution = fields.String(allow_none=True, metadata={"enum": ["decided", "corrected", "upheld"]})
    resolution_note = fields.String(allow_none=True)
    resolved_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()


class DisputeRequestSchema(BaseSchema):
    note = fields.String(required=True, validate=validate.Length(max=2000, error=_l("At most %(n)s characters.")))


class MyLedgerEntrySchema(LedgerEntrySchema):
    disputes = fields.List(fields.Nested(DisputeSchema))


class MyLedgerPageSchema(PageSchema):
    items = fields.List(fields.Nested(MyLedgerEntrySchema))


class LedgerPageSchema(PageSchema):
    items = fields.List(fields.Nested(LedgerEntrySchema))


class ManualEntrySchema(BaseSchema):
    volunteer_id = fields.Integer(required=True)
    project_id = fields.Integer(required=True)
    minutes = fields.Integer(required=True)
    served_on = fields.Date(required=True)
    reason = fields.String(required=True, validate=validate.Length(max=2000, error=_l("At most %(n)s characters.")))
    activity = fields.String(validate=validate.Length(max=200, error=_l("At most %(n)s characters.")))
    activity_minutes = fields.Integer(allow_none=True)


class LedgerDecisionSchema(BaseSchema):
    decision = fields.String(required=True, validate=validate.OneOf(["approve", "reject"],
                                                                    error=_l("Choose approve or reject.")))
    minutes = fields.Integer(allow_none=True, load_default=None)
    reason = fields.String(allow_none=True, load_default=None,
                           validate=validate.Length(max=2000, error=_l("At most %(n)s characters.")))


class CorrectionSchema(BaseSchema):
    minutes = fields.Integer(required=True)
    reason = fields.String(required=True, validate=validate.Length(max=2000, error=_l("At most %(n)s characters.")))


class CertificateIssueSchema(BaseSchema):
    volunteer_id = record_id(required=True)
    project_id = record_id(allow_none=True)
    from_ = fields.Date(data_key="from", attribute="from", allow_none=True)
    to = fields.Date(allow_none=True)


class CertificateSchema(BaseSchema):
    serial = fields.String()
    hours = fields.Float()
    status = fields.String(metadata={"enum": ["valid", "revoked"]})
    issued_at = fields.DateTime()
    issuer = fields.String()
    period = fields.List(fields.String())
    needs_review = fields.Boolean()
    pdf_url = fields.String()
    verify_url = fields.String()


class CertificatePageSchema(PageSchema):
    items = fields.List(fields.Nested(CertificateSchema))


class ReasonSchema(BaseSchema):
    reason = fields.String(required=True, validate=validate.Length(max=2000, error=_l("At most %(n)s characters.")))


class VerificationArgsSchema(BaseSchema):
    code = fields.String(load_default=None)  # any text: a code of the wrong shape is simply not valid


class VerificationSchema(BaseSchema):
    valid = fields.Boolean(required=True)
    status = fields.String(metadata={"enum": ["valid", "revoked"]})
    name_masked = fields.String()
    hours = fields.Float()
    issuer = fields.String()
    issued_at = fields.String()
