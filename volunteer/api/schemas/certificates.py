"""Shapes of certificates and their public verification."""
from __future__ import annotations

from flask import request, url_for
from marshmallow import fields

from volunteer.api.schemas.base import BaseSchema, Text, enum, max_length, page_of, record_id
from volunteer.certificates import services
from volunteer.certificates.vocabulary import CertificateKind, CertificateStatus


class CertificateIssueSchema(BaseSchema):
    volunteer_id = record_id(required=True)
    project_id = record_id(allow_none=True)
    from_ = fields.Date(data_key="from", attribute="from", allow_none=True)
    to = fields.Date(allow_none=True)


class CertificateSchema(BaseSchema):
    serial = fields.String()
    kind = enum(CertificateKind, metadata={"description": "a service certificate states hours; a practice one a post"})
    hours = fields.Float()
    status = enum(CertificateStatus)
    issued_at = fields.DateTime()
    issuer = fields.Function(lambda certificate: certificate.snapshot["issuer"], metadata={"type": "string"})
    period = fields.Function(lambda certificate: certificate.snapshot["period"],
                             metadata={"type": "array", "items": {"type": "string", "format": "date"}})
    needs_review = fields.Boolean(metadata={"description": "hours behind it were corrected after issue"})
    pdf_url = fields.Function(lambda certificate: url_for("certificates_api.pdf", serial=certificate.serial,
                                                          _external=True), metadata={"type": "string"})
    verify_url = fields.Function(lambda certificate: services.verify_url(request.url_root, certificate),
                                 metadata={"type": "string"})


CertificatePageSchema = page_of(CertificateSchema, "CertificatePageSchema")


class ReasonSchema(BaseSchema):
    reason = Text(required=True, blank=False, validate=max_length(2000))


class VerificationArgsSchema(BaseSchema):
    code = Text(load_default=None)  # any text: a code of the wrong shape is simply not valid


class VerificationSchema(BaseSchema):
    valid = fields.Boolean(required=True)
    status = enum(CertificateStatus)
    kind = enum(CertificateKind)
    name_masked = fields.String()
    hours = fields.Float()
    issuer = fields.String()
    issued_at = fields.String()
