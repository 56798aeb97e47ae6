"""Accounts: tokens, password reset, the privacy notice, registration, the caller's own data."""
from __future__ import annotations

from flask import g
from flask_babel import gettext as _
from flask_smorest import Blueprint

from volunteer.accounts import limits, privacy, services
from volunteer.accounts.errors import ResetCodeRefused
from volunteer.api.auth import BEARER, api_user, login_required
from volunteer.api.schemas.accounts import (
    MeSchema,
    PasswordResetAnswerSchema,
    PasswordResetConfirmSchema,
    PasswordResetRequestSchema,
    PrivacySchema,
    TokenRequestSchema,
    TokenSchema,
    VolunteerCreatedSchema,
    VolunteerCreateSchema,
)
from volunteer.core.time import utcnow
from volunteer.extensions import db, limiter

blp = Blueprint("accounts_api", __name__, url_prefix="/api/v1", description="Accounts")


@blp.route("/auth/token", methods=["POST"])
@limits.login_limits(limiter)
@blp.arguments(TokenRequestSchema)
@blp.response(200, TokenSchema)
@blp.alt_response(401, schema="Error", description="wrong login or password")
@blp.alt_response(429, schema="Error", description="too many attempts")
def create_token(body):
    """Sign in and get a bearer token."""
    user = limits.authenticate_throttled(limiter, body["login"], body["password"])
    raw, row = services.issue_api_token(user, now=utcnow())
    db.session.commit()
    return {"token": raw, "expires_at": row.expires_at}


@blp.route("/auth/token", methods=["DELETE"])
@login_required
@blp.response(204)
@blp.doc(security=BEARER)
def revoke_token():
    """Revoke the token this request was made with."""
    if g.get("api_token") is not None:
        services.revoke_api_token(g.api_token, now=utcnow())
        db.session.commit()


@blp.route("/auth/password-reset", methods=["POST"])
@limits.reset_limits(limiter)
@blp.arguments(PasswordResetRequestSchema)
@blp.response(202, PasswordResetAnswerSchema)
@blp.alt_response(429, schema="Error", description="too many codes asked for this login, or from this address")
def request_password_reset(body):
    """Send a code to set a new password: by text message to the account's phone, or by e-mail with
    a link. The same answer whether or not an account has this login."""
    limits.count_code_request(limiter, body["login"])
    services.request_password_reset(body["login"], now=utcnow())
    db.session.commit()
    return {"message": services.code_sent_message()}


@blp.route("/auth/password-reset/confirm", methods=["POST"])
@limits.reset_limits(limiter)
@blp.arguments(PasswordResetConfirmSchema)
@blp.response(200, PasswordResetAnswerSchema)
@blp.alt_response(422, schema="Error", description="a wrong, used or expired code (``fields.code``), or a "
                                                   "password the rules refuse (``fields.new_password``)")
@blp.alt_response(429, schema="Error", description="too many attempts from this address")
def confirm_password_reset(body):
    """Set a new password with the code: every session and token of the account ends (sign in
    again with POST /api/v1/auth/token)."""
    try:
        services.reset_password(body["login"], body["code"], body["new_password"], now=utcnow())
    except ResetCodeRefused:
        db.session.commit()  # the wrong try counts against the code
        raise
    db.session.commit()
    return {"message": _("Your password has been reset. Every other device has been signed out.")}


@blp.route("/privacy", methods=["GET"])
@blp.response(200, PrivacySchema)
def privacy_notice():
    """The current privacy notice that registration consents to."""
    return privacy.current_notice()


@blp.route("/volunteers", methods=["POST"])
@limiter.limit(limits.registration_limit)
@blp.arguments(VolunteerCreateSchema)
@blp.response(201, VolunteerCreatedSchema)
@blp.alt_response(422, schema="Error", description="invalid fields, with messages per field")
@blp.alt_response(429, schema="Error", description="too many registrations from this address")
def register_volunteer(body):
    """Register as a volunteer; the answer's ``id`` is the volunteer profile (``volunteer_id``)."""
    volunteer = services.register_volunteer(body, now=utcnow())
    db.session.commit()
    return volunteer


@blp.route("/me", methods=["GET"])
@login_required
@blp.response(200, MeSchema)
@blp.doc(security=BEARER)
def me():
    """The caller's profile, masked as it is shown everywhere."""
    return api_user()


@blp.route("/me/export", methods=["GET"])
@login_required
@blp.response(200)
@blp.doc(security=BEARER)
def export():
    """Everything held about the caller, unmasked: it is their own data."""
    return services.export_personal_data(api_user())
