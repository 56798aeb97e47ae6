"""Certificates' closed sets: a certificate's status, volunteers' requests and how they are
answered, the background job that issues batches; who may issue."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

from volunteer.core.audit import Glossary
from volunteer.core.vocabulary import Vocabulary
from volunteer.organisations.vocabulary import ADMINS


class CertificateStatus(Vocabulary):
    """Only forward: valid → revoked, with a reason."""

    VALID = "valid", _l("Valid")
    REVOKED = "revoked", _l("Revoked")


class CertificateKind(Vocabulary):
    """What a certificate attests: approved service hours (志愿服务记录证明), or a student's practice
    at a post of a practice programme (实践证明), which the practice domain issues through this one's
    register (serial, verification code, PDF and its hash, revocation)."""

    SERVICE = "service_record", _l("Service certificate")
    PRACTICE = "practice_record", _l("Practice certificate")


class RequestState(Vocabulary):
    PENDING = "pending", _l("waiting for the admin")
    ISSUED = "issued", _l("issued")
    DECLINED = "declined", _l("declined")


class RequestDecision(Vocabulary):
    """An admin's answer to a volunteer's request (its own words: not an application's decline)."""

    ISSUE = "issue", _l("Issue the certificate")
    DECLINE = "decline", _l("Decline the request")


class CertificateJob(Vocabulary):
    """The kinds of background job (core.jobs) certificates run."""

    BATCH = "certificate_batch", _l("Certificate batch")


ACCESS = {
    "certificate.issue": ADMINS,  # issue, revoke, seals, batches, volunteers' requests
}


class CertificateEvent(Vocabulary):
    ISSUED = "certificate.issued", _l("Certificate issued")
    REVOKED = "certificate.revoked", _l("Certificate revoked")
    REQUESTED = "certificate.requested", _l("Certificate requested")
    REQUEST_ISSUED = "certificate.request_issued", _l("Certificate request answered: issued")
    REQUEST_DECLINED = "certificate.request_declined", _l("Certificate request declined")
    BATCH_STARTED = "certificate.batch_started", _l("Certificate batch started")
    BATCH_RESUMED = "certificate.batch_resumed", _l("Certificate batch resumed")
    SEAL_UPDATED = "seal.updated", _l("Seal and signature changed")
    FLAGGED = "certificate.flagged", _l("Certificate flagged for review")


EVENT_LOG = Glossary(
    actions=CertificateEvent,
    name=_l("Certificates"),
    verbs={CertificateEvent.ISSUED: lazy_pgettext("event", "issued"), CertificateEvent.REVOKED: lazy_pgettext("event", "revoked"),
           CertificateEvent.REQUESTED: lazy_pgettext("event", "sent"), CertificateEvent.REQUEST_ISSUED: lazy_pgettext("event", "issued a certificate for"),
           CertificateEvent.REQUEST_DECLINED: lazy_pgettext("event", "declined"), CertificateEvent.BATCH_STARTED: lazy_pgettext("event", "started"),
           CertificateEvent.BATCH_RESUMED: lazy_pgettext("event", "resumed"), CertificateEvent.SEAL_UPDATED: lazy_pgettext("event", "changed the seal of"),
           CertificateEvent.FLAGGED: lazy_pgettext("event", "flagged for review")},
    hidden=frozenset({"sha256"}),
    subjects={"certificates": _l("Certificate"), "certificate_requests": _l("Certificate request"),
              "jobs": _l("Background job")},
    fields={"serial": _l("Serial"), "min_hours": _l("Minimum hours"), "person_in_charge": _l("Person in charge"),
            "sha256": _l("Seal image")},
)
