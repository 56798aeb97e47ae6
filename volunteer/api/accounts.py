"""Accounts: tokens, the privacy notice, registration, the caller's own data."""
from __future__ import annotations

from flask import g
from flask_smorest import Blueprint

from volunteer.accounts import limits, privacy, services
from volunteer.api import BEARER
from volunteer.api.auth import api_user, login_required
from volunteer.api.checkin import dump_session
from volunteer.api.schemas import (
    MeSchema,
    PrivacySchema,
    TokenRequestSchema,
    TokenSchema,
    VolunteerCreatedSchema,
    VolunteerCreateSchema,
)
from volunteer.checkin.services import open_session_of
from volunteer.core.time import utcnow
from volunteer.extensions import db, limiter
from volunteer.ledger.services import totals_of

blp = Blueprint("accounts_api", __name__, url_prefix="/api/v1", description="Accounts")



@blp.route("/auth/token", methods=["POST"])
@limits.login_limits(limiter)
@blp.arguments(TokenRequestSchema)
@blp.response(200, TokenSchema)
@blp.alt_response(401, schema="Error", description="wrong login or password")
@blp.alt_response(429, schema="Error", description="too many attempts")
def create_token(body):
    """Sign in and get a bearer token."""
    user = services.authenticate(body["login"], body["password"])
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
    """Register as a volunteer."""
    volunteer = services.register_volunteer(body, now=utcnow())
    db.session.commit()
    return {"id": volunteer.id, "volunteer_no": volunteer.volunteer_no}


def _hours(volunteer) -> dict:
    if volunteer is None:
        return {"approved_hours": 0.0, "pending_hours": 0.0, "star_level": 0}
    totals = totals_of(volunteer.id)
    return {"approved_hours": round(totals["approved_minutes"] / 60, 2),
            "pending_hours": round(totals["pending_minutes"] / 60, 2), "star_level": totals["star_level"]}


def describe_me(user) -> dict:
    volunteer = user.volunteer
    return {
        "id": user.id,
        "name": volunteer.name if volunteer else user.display_name,
        "volunteer_no": volunteer.volunteer_no if volunteer else None,
        "phone_masked": user.phone_masked,
        "id_number_masked": volunteer.id_number_masked if volunteer else "",
        **_hours(volunteer),
        "open_session": dump_session(open_session_of(volunteer)) if volunteer else None,
        "roles": [{"role": m.role, "organisation_code": m.organisation.code} for m in user.memberships],
    }


@blp.route("/me", methods=["GET"])
@login_required
@blp.response(200, MeSchema)
@blp.doc(security=BEARER)
def me():
    """The caller's profile, masked as it is shown everywhere."""
    return describe_me(api_user())


@blp.route("/me/export", methods=["GET"])
@login_required
@blp.response(200)
@blp.doc(security=BEARER)
def export():
    """Everything held about the caller, unmasked: it is their own data."""
    return services.export_personal_data(api_user())
