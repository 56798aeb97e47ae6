"""Shapes of accounts: tokens, password reset, registration, the caller's own profile, the organisation tree."""
from __future__ import annotations

from marshmallow import fields, pre_dump

from volunteer.accounts import privacy
from volunteer.accounts.vocabulary import PoliticalStatus
from volunteer.api.schemas.base import BaseSchema, PageArgsSchema, Text, WholeNumber, enum, max_length, page_of
from volunteer.api.schemas.checkin import SessionSchema
from volunteer.checkin.services import open_session_of
from volunteer.ledger.services import totals_of
from volunteer.organisations.vocabulary import OrganisationKind, Role


class TokenRequestSchema(BaseSchema):
    login = Text(required=True, metadata={"description": "mobile number or e-mail"})
    password = Text(required=True, load_only=True)


class TokenSchema(BaseSchema):
    token = fields.String()
    expires_at = fields.DateTime()


class PasswordResetRequestSchema(BaseSchema):
    login = Text(required=True, metadata={"description": "the mobile number or e-mail of the account"})


class PasswordResetConfirmSchema(BaseSchema):
    login = Text(required=True, metadata={"description": "the mobile number or e-mail the code was asked for"})
    code = Text(required=True, metadata={"description": "the code received by text message or e-mail"})
    # the service says what is wrong with a password, in the caller's language
    new_password = Text(required=True, load_only=True, metadata={
        "minLength": 8, "maxLength": 128, "description": "letters and digits"})


class PasswordResetAnswerSchema(BaseSchema):
    message = fields.String(metadata={"description": "what to tell the person, in their language"})


class PrivacySchema(BaseSchema):
    version = fields.String()
    text = fields.String()


class GuardianSchema(BaseSchema):
    name = Text(validate=max_length(40))
    phone = Text()
    consent = fields.Boolean()
    sensitive_consent = fields.Boolean(metadata={"description": "required under 14"})


class VolunteerCreateSchema(BaseSchema):
    name = Text(required=True, blank=False, validate=max_length(40))
    phone = Text(required=True, metadata={"description": "11 digits starting with 13 to 19"})
    id_number = Text(required=True, metadata={"description": "the 18 characters of a resident ID card"})
    # the service says what is wrong with a password, in the caller's language
    password = Text(required=True, load_only=True, metadata={
        "minLength": 8, "maxLength": 128, "description": "letters and digits"})
    organisation_code = Text(required=True)
    consent_version = fields.String(required=True, metadata={
        "enum": [privacy.CURRENT_VERSION], "description": "the version of GET /api/v1/privacy"})
    email = Text()
    political_status = enum(PoliticalStatus)
    school_or_employer = Text()
    skills = Text()
    guardian = fields.Nested(GuardianSchema, allow_none=True,
                             metadata={"description": "required under 18"})


class VolunteerCreatedSchema(BaseSchema):
    """A volunteer profile: ``id`` is what every ``volunteer_id`` field takes."""

    id = WholeNumber()
    volunteer_no = fields.String()


class RoleSchema(BaseSchema):
    role = enum(Role)
    organisation_code = fields.String(attribute="organisation.code")


class MeSchema(BaseSchema):
    """The caller (a user): ``id`` is the account, ``volunteer_id`` their volunteer profile."""

    id = WholeNumber()
    volunteer_id = WholeNumber(allow_none=True, metadata={
        "description": "the volunteer profile (what every volunteer_id field takes); null for staff without one"})
    name = fields.String()
    volunteer_no = fields.String(allow_none=True)
    phone_masked = fields.String()
    id_number_masked = fields.String()
    approved_hours = fields.Float()
    pending_hours = fields.Float()
    star_level = WholeNumber()
    open_session = fields.Nested(SessionSchema, allow_none=True)
    roles = fields.List(fields.Nested(RoleSchema))

    @pre_dump
    def gather(self, user, **kwargs) -> dict:
        """What the profile says of the user's volunteer side, their hours and any open session."""
        volunteer = user.volunteer
        totals = totals_of(volunteer.id) if volunteer else {"approved_minutes": 0, "pending_minutes": 0,
                                                             "star_level": 0}
        return {
            "id": user.id, "volunteer_id": volunteer.id if volunteer else None,
            "name": volunteer.name if volunteer else user.display_name,
            "volunteer_no": volunteer.volunteer_no if volunteer else None, "phone_masked": user.phone_masked,
            "id_number_masked": volunteer.id_number_masked if volunteer else "",
            "approved_hours": round(totals["approved_minutes"] / 60, 2),
            "pending_hours": round(totals["pending_minutes"] / 60, 2), "star_level": totals["star_level"],
            "open_session": open_session_of(volunteer) if volunteer else None, "roles": user.memberships,
        }


class OrganisationSchema(BaseSchema):
    code = fields.String()
    name = fields.String()
    kind = enum(OrganisationKind)
    parent_code = fields.Function(lambda org: org.parent.code if org.parent else None, allow_none=True,
                                  metadata={"type": "string"})


class OrganisationArgsSchema(PageArgsSchema):
    parent = Text(metadata={"description": "only the children of this organisation code"})


OrganisationPageSchema = page_of(OrganisationSchema, "OrganisationPageSchema")
