"""Volunteers' requests for a certificate (one waiting at a time), and their admin's answer: the
certificate, or a reason."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from volunteer.accounts.models import Volunteer
from volunteer.accounts.services import volunteer_of
from volunteer.certificates.errors import NoApprovedHours, RequestAnswered, RequestPending
from volunteer.certificates.models import Certificate, CertificateRequest
from volunteer.certificates.services.issuing import approved_entries, issue_certificate
from volunteer.certificates.vocabulary import CertificateEvent, RequestDecision, RequestState
from volunteer.core import flush_unique, get_by_id, permissions
from volunteer.core.audit import record_event
from volunteer.core.errors import FieldErrors, NotFound, ValidationFailed
from volunteer.extensions import db
from volunteer.projects.models import Project


def get_request_for(user, request_id: int) -> CertificateRequest:
    found = get_by_id(CertificateRequest, request_id)
    if found is None:
        raise NotFound()
    permissions.ensure(user, "certificate.issue", found)
    return found


def request_certificate(user, data: dict, *, now: datetime) -> CertificateRequest:
    volunteer = volunteer_of(user, _l("Only volunteers request certificates."))
    errors = FieldErrors()
    period_from, period_to = data.get("period_from"), data.get("period_to")
    if period_from and period_to and period_to < period_from:
        errors.add("period_to", _l("The end date is before the start date."))
    project = None
    if data.get("project_id"):
        raw = str(data["project_id"])
        project = get_by_id(Project, int(raw)) if raw.isdigit() and len(raw) < 10 else None
        if project is None:
            errors.add("project_id", _l("Please choose from the list."))
    errors.raise_if_any()
    if not approved_entries(volunteer.id, project_id=project.id if project else None,
                            period_from=period_from, period_to=period_to):
        raise NoApprovedHours()
    request = CertificateRequest(volunteer_id=volunteer.id, project_id=project.id if project else None,
                                 period_from=period_from, period_to=period_to,
                                 note=(data.get("note") or "").strip()[:2000] or None, state=RequestState.PENDING,
                                 created_at=now)
    db.session.add(request)
    flush_unique(RequestPending())
    record_event(user, CertificateEvent.REQUESTED, request, now=now)
    return request


def decide_request(actor, request: CertificateRequest, decision: str, *, base_url: str,
                   reason: str | None = None, now: datetime) -> Certificate | None:
    """Issue the requested certificate, or decline with a reason."""
    permissions.ensure(actor, "certificate.issue", request)
    reason = (reason or "").strip()[:2000] or None
    if decision not in RequestDecision.values():
        raise ValidationFailed(fields={"decision": [_l("Choose issue or decline.")]})
    issue = decision == RequestDecision.ISSUE
    if not issue and not reason:
        raise ValidationFailed(fields={"reason": [_l("Say why the request is declined.")]})
    state = RequestState.ISSUED if issue else RequestState.DECLINED
    done = db.session.execute(
        sa.update(CertificateRequest)
        .where(CertificateRequest.id == request.id, CertificateRequest.state == RequestState.PENDING)
        .values(state=state, decided_by_id=actor.id, decided_at=now, reason=reason)
        .execution_options(synchronize_session=False)).rowcount
    if not done:
        raise RequestAnswered()
    certificate = None
    if issue:
        certificate = issue_certificate(actor, request.volunteer, base_url=base_url, project=request.project,
                                        period_from=request.period_from, period_to=request.period_to,
                                        request_id=request.id, now=now)
    db.session.refresh(request)
    record_event(actor, CertificateEvent.REQUEST_ISSUED if issue else CertificateEvent.REQUEST_DECLINED, request,
                 note=reason, now=now)
    return certificate


def requests_in_scope(user) -> sa.Select:
    return (sa.select(CertificateRequest).join(Volunteer, Volunteer.id == CertificateRequest.volunteer_id)
            .where(CertificateRequest.state == RequestState.PENDING,
                   permissions.in_scope(user, "certificate.issue", Volunteer.organisation_id))
            .order_by(CertificateRequest.created_at, CertificateRequest.id))




def requests_of(volunteer_id: int, *, limit: int = 10) -> list[CertificateRequest]:
    """A volunteer's latest requests, for their own page."""
    return db.session.scalars(sa.select(CertificateRequest).where(CertificateRequest.volunteer_id == volunteer_id)
                              .order_by(CertificateRequest.id.desc()).limit(limit)).all()


def requests_waiting_for(user, *, limit: int = 50) -> list[CertificateRequest]:
    """The oldest requests waiting for the user's answer, for the register page."""
    return db.session.scalars(requests_in_scope(user).limit(limit)).all()
