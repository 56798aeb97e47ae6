"""The register: verification by anyone (a keyed code, so a serial alone verifies nothing),
certificates flagged when hours behind them are corrected, revocation and re-issue, and who
reads which certificate."""
from __future__ import annotations

import hmac
import re
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from volunteer.accounts import services as accounts
from volunteer.accounts.identity import mask_name
from volunteer.accounts.models import Volunteer
from volunteer.certificates.errors import AlreadyRevoked, IssuedElsewhere, NotRevoked
from volunteer.certificates.models import Certificate, CertificatePdf
from volunteer.certificates.services.issuing import issue_certificate
from volunteer.certificates.vocabulary import CertificateEvent, CertificateKind, CertificateStatus
from volunteer.core import permissions
from volunteer.core.audit import record_event
from volunteer.core.errors import Forbidden, NotFound, ValidationFailed
from volunteer.extensions import db
from volunteer.ledger.models import LedgerEntry

CODE_SHAPE = re.compile(r"[A-Z2-7]{16}")  # base32 of 80 bits


def verify(serial: str, code: str | None) -> dict:
    """What the public may know: with the right code, the masked name, hours, issuer, date and
    status; with a wrong one (or none, or an unknown serial), only that it does not verify."""
    serial = (serial or "").strip()[:48]
    code = re.sub(r"[\s-]", "", str(code or "")).upper()
    certificate = db.session.scalar(sa.select(Certificate).where(Certificate.serial == serial))
    # Same answer, whatever is wrong: an unknown serial, a code of the wrong shape, a wrong code.
    if certificate is None or not CODE_SHAPE.fullmatch(code) or not hmac.compare_digest(
            certificate.verification_code.encode(), code.encode()):
        return {"valid": False}
    return {"valid": certificate.is_valid, "status": certificate.status, "kind": certificate.kind,
            "kind_label": certificate.kind_label,
            "name_masked": mask_name(certificate.snapshot["name"]), "hours": certificate.hours,
            "issuer": certificate.snapshot["issuer"], "issued_at": certificate.snapshot["date"]}


def flag_for_review(entry: LedgerEntry, correction: LedgerEntry) -> int:
    """An approved entry was corrected: mark the valid certificates that counted it (its id is in
    their snapshot) for their admin, each newly marked one with its event-log row (its admins are
    told). The volunteer's certificates covering that day and project are the candidates; their
    snapshots decide."""
    candidates = db.session.scalars(
        sa.select(Certificate)
        .where(Certificate.volunteer_id == entry.volunteer_id, Certificate.status == CertificateStatus.VALID,
               sa.or_(Certificate.period_from.is_(None), Certificate.period_from <= entry.served_on),
               sa.or_(Certificate.period_to.is_(None), Certificate.period_to >= entry.served_on),
               sa.or_(Certificate.project_id.is_(None), Certificate.project_id == entry.project_id))).all()
    counted = [c for c in candidates if any(row[0] == entry.id for row in c.snapshot["entries"])]
    for certificate in counted:
        if not certificate.needs_review:
            certificate.needs_review = True
            record_event(correction.decided_by, CertificateEvent.FLAGGED, certificate,
                         after={"entry": entry.id, "minutes": correction.minutes}, note=correction.reason,
                         now=correction.decided_at)
    return len(counted)


def revoke(actor, certificate: Certificate, reason: str | None, *, now: datetime) -> Certificate:
    own = getattr(getattr(actor, "volunteer", None), "id", None) == certificate.volunteer_id
    if own and not permissions.can(actor, "certificate.issue", certificate):
        raise Forbidden()  # they see their certificate, and may not revoke it
    permissions.ensure(actor, "certificate.issue", certificate)
    reason = (reason or "").strip()[:2000]
    if not reason:
        raise ValidationFailed(fields={"reason": [_l("Say why the certificate is revoked.")]})
    done = db.session.execute(
        sa.update(Certificate).where(Certificate.id == certificate.id, Certificate.status == CertificateStatus.VALID)
        .values(status=CertificateStatus.REVOKED, revoked_by_id=actor.id, revoked_at=now, revoked_reason=reason)
        .execution_options(synchronize_session=False)).rowcount
    if not done:
        raise AlreadyRevoked()
    db.session.refresh(certificate)
    record_event(actor, CertificateEvent.REVOKED, certificate, note=reason, now=now)
    return certificate


def reissue(actor, old: Certificate, *, base_url: str, now: datetime) -> Certificate:
    """A new certificate of the same scope as a revoked one, from today's approved hours."""
    permissions.ensure(actor, "certificate.issue", old)
    if not old.is_revoked:
        raise NotRevoked()
    if old.kind != CertificateKind.SERVICE:
        raise IssuedElsewhere()
    return issue_certificate(actor, old.volunteer, base_url=base_url, project=old.project,
                             period_from=old.period_from, period_to=old.period_to, now=now)


def get_certificate_for(user, serial: str) -> Certificate:
    """The volunteer's own, or one staff over the volunteer may see."""
    certificate = db.session.scalar(sa.select(Certificate).where(Certificate.serial == (serial or "")[:48]))
    if certificate is None:
        raise NotFound()
    own = getattr(user, "volunteer", None)
    if own is not None and own.id == certificate.volunteer_id:
        return certificate
    permissions.ensure(user, "volunteer.view", certificate.volunteer)
    return certificate


def get_for_admin(user, serial: str) -> Certificate:
    """A certificate the user may revoke or issue again."""
    certificate = db.session.scalar(sa.select(Certificate).where(Certificate.serial == (serial or "")[:48]))
    if certificate is None:
        raise NotFound()
    permissions.ensure(user, "certificate.issue", certificate)
    return certificate


def pdf_of(certificate: Certificate) -> bytes:
    return db.session.get(CertificatePdf, certificate.id).pdf


def certificates_of(volunteer_id: int) -> sa.Select:
    return (sa.select(Certificate).where(Certificate.volunteer_id == volunteer_id)
            .order_by(Certificate.issued_at.desc(), Certificate.id.desc()))


def register_in_scope(user, search: str | None = None) -> sa.Select:
    """The certificates the user issues for, those awaiting review first; a search keeps those
    whose serial holds it, whose volunteer's name holds it, or whose volunteer number it is."""
    stmt = (sa.select(Certificate).where(permissions.in_scope(user, "certificate.issue", Certificate.organisation_id))
            .order_by(Certificate.needs_review.desc(), Certificate.issued_at.desc(), Certificate.id.desc()))
    search = (search or "").strip()[:80]
    if search:
        stmt = stmt.join(Volunteer, Volunteer.id == Certificate.volunteer_id).where(sa.or_(
            Certificate.serial.contains(search.upper(), autoescape=True), accounts.matching(search)))
    return stmt


def needing_review(user) -> sa.Select:
    """Valid certificates in the user's scope whose hours were corrected since they were issued."""
    return register_in_scope(user).where(Certificate.awaits_review)
