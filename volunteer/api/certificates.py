"""Certificates: issue, list one's own, download, revoke, and the public verification."""
from __future__ import annotations

from flask import Response, request
from flask_smorest import Blueprint

from volunteer.accounts.models import Volunteer
from volunteer.api.auth import BEARER, api_user, login_required
from volunteer.api.schemas.base import PageArgsSchema
from volunteer.api.schemas.certificates import (
    CertificateIssueSchema,
    CertificatePageSchema,
    CertificateSchema,
    ReasonSchema,
    VerificationArgsSchema,
    VerificationSchema,
)
from volunteer.certificates import limits, services
from volunteer.core import get_by_id
from volunteer.core.errors import NotFound
from volunteer.core.pagination import Page, paginate
from volunteer.core.time import utcnow
from volunteer.extensions import db, limiter
from volunteer.projects.models import Project

blp = Blueprint("certificates_api", __name__, url_prefix="/api/v1", description="Certificates")


@blp.route("/certificates", methods=["POST"])
@login_required
@blp.arguments(CertificateIssueSchema)
@blp.response(201, CertificateSchema)
@blp.alt_response(409, schema="Error", description="`no_approved_hours`")
@blp.doc(security=BEARER)
def issue(body):
    """A league admin over the volunteer issues a certificate of their approved hours."""
    volunteer = get_by_id(Volunteer, body["volunteer_id"])
    if volunteer is None:
        raise NotFound()
    project = None
    if body.get("project_id") is not None:
        project = get_by_id(Project, body["project_id"])
        if project is None:
            raise NotFound()
    certificate = services.issue_certificate(api_user(), volunteer, base_url=request.url_root, project=project,
                                             period_from=body.get("from"), period_to=body.get("to"), now=utcnow())
    db.session.commit()
    return certificate


@blp.route("/me/certificates", methods=["GET"])
@login_required
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, CertificatePageSchema)
@blp.doc(security=BEARER)
def mine(args):
    """The caller's certificates, newest first."""
    volunteer = api_user().volunteer
    if volunteer is None:
        return Page(items=[], page=1, per_page=args["per_page"], total=0)
    return paginate(services.certificates_of(volunteer.id), args["page"], args["per_page"])


@blp.route("/certificates/<serial>/pdf", methods=["GET"])
@login_required
@blp.response(200, content_type="application/pdf")
@blp.doc(security=BEARER)
def pdf(serial):
    """The PDF as issued: for the volunteer, or staff over them."""
    certificate = services.get_certificate_for(api_user(), serial)
    return Response(services.pdf_of(certificate), mimetype="application/pdf",
                    headers={"Content-Disposition": f"inline; filename={certificate.serial}.pdf"})


@blp.route("/certificates/<serial>/revoke", methods=["POST"])
@login_required
@blp.arguments(ReasonSchema)
@blp.response(200, CertificateSchema)
@blp.alt_response(409, schema="Error", description="`already_revoked`")
@blp.doc(security=BEARER)
def revoke(body, serial):
    """A league admin revokes a certificate with a reason; it then verifies as revoked."""
    certificate = services.get_certificate_for(api_user(), serial)
    services.revoke(api_user(), certificate, body.get("reason"), now=utcnow())
    db.session.commit()
    return certificate


@blp.route("/verify/<serial>", methods=["GET"])
@limits.verification_limits(limiter)
@blp.arguments(VerificationArgsSchema, location="query")
@blp.response(200, VerificationSchema)
def verify(args, serial):
    """Anyone: with the code from the certificate's QR code, its masked name, hours, issuer, date
    and status; a wrong code answers ``valid: false`` and nothing else."""
    return services.verify(serial, args.get("code"))
