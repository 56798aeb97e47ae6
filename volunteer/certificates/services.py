"""Issuing, verifying and revoking service certificates; seals; volunteers' requests.

A certificate states only approved hours: each entry's newest figure (a corrected entry counts as
corrected). It is frozen at issue: the hours, the entries behind them, the PDF and its SHA-256.
The verification code is a keyed hash of what it states, so a serial alone verifies nothing."""
from __future__ import annotations

import base64
import hashlib
import hmac
import io
import json
import re
from datetime import date, datetime
from functools import lru_cache

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from PIL import Image, UnidentifiedImageError

from volunteer.accounts.identity import mask_name
from volunteer.accounts.models import Volunteer
from volunteer.certificates import pdf
from volunteer.certificates.models import REVOKED, VALID, Certificate, CertificatePdf, CertificateRequest, Seal
from volunteer.core import flush_unique, get_by_id, permissions, signals
from volunteer.core.audit import record_event
from volunteer.core.counters import next_value
from volunteer.core.errors import Conflict, FieldErrors, Forbidden, NotFound, ValidationFailed
from volunteer.core.time import DEFAULT_ZONE, local_date, utcnow
from volunteer.extensions import db
from volunteer.ledger.models import LedgerEntry
from volunteer.ledger.services import is_corrected
from volunteer.organisations.models import Organisation
from volunteer.projects.models import Project

ID_TYPES = {"resident_id": "居民身份证"}
CODE_SHAPE = re.compile(r"[A-Z2-7]{16}")  # base32 of 80 bits
SEAL_MAX_BYTES = 1024 * 1024
SEAL_MAX_SIDE = 2000
SEAL_MIN_SIDE = 100


class NoApprovedHours(Conflict):
    code = "no_approved_hours"
    default_message = _l("There are no approved hours to certify for this volunteer and period.")


# --- what a certificate states ------------------------------------------------------------------

def approved_entries(volunteer_id: int, *, project_id=None, period_from=None, period_to=None) -> list:
    """The volunteer's approved entries that credit something, each at its newest figure."""
    stmt = (sa.select(LedgerEntry.id, LedgerEntry.served_on, LedgerEntry.credited_minutes, Project.id, Project.title)
            .join(Project, Project.id == LedgerEntry.project_id)
            .where(LedgerEntry.volunteer_id == volunteer_id, LedgerEntry.state == "approved",
                   LedgerEntry.credited_minutes > 0, ~is_corrected())
            .order_by(LedgerEntry.served_on, LedgerEntry.id))
    if project_id is not None:
        stmt = stmt.where(LedgerEntry.project_id == project_id)
    if period_from is not None:
        stmt = stmt.where(LedgerEntry.served_on >= period_from)
    if period_to is not None:
        stmt = stmt.where(LedgerEntry.served_on <= period_to)
    return db.session.execute(stmt).all()


def issuer_for(actor, volunteer: Volunteer) -> Organisation:
    """The organisation the admin issues for: the root of their scope that holds the volunteer."""
    permissions.ensure(actor, "certificate.issue", volunteer)
    return next(root for root in permissions.scope_roots(actor, "certificate.issue")
                if root.contains(volunteer.organisation))


def _code(statement: dict) -> str:
    key = hashlib.sha256(b"certificate-verification:" + current_app.config["SECRET_KEY"].encode()).digest()
    digest = hmac.new(key, json.dumps(statement, sort_keys=True, ensure_ascii=False).encode(), "sha256").digest()
    return base64.b32encode(digest[:10]).decode()  # 16 characters, A-Z and 2-7


def _statement(certificate: Certificate) -> dict:
    """What the verification code vouches for."""
    return {"serial": certificate.serial, "volunteer_no": certificate.snapshot["volunteer_no"],
            "minutes": certificate.minutes, "issuer": certificate.snapshot["issuer_code"],
            "issued_on": certificate.snapshot["date"], "period": certificate.snapshot["period"],
            "project_id": certificate.project_id}


def verify_url(base_url: str, certificate: Certificate) -> str:
    base = current_app.config.get("PUBLIC_URL") or base_url
    return f"{base.rstrip('/')}/verify/{certificate.serial}?c={certificate.verification_code}"


def _period_text(first: date, last: date) -> str:
    return f"{first:%Y年%m月%d日} 至 {last:%Y年%m月%d日}"


def issue_certificate(actor, volunteer: Volunteer, *, base_url: str, project: Project | None = None,
                      period_from: date | None = None, period_to: date | None = None,
                      handled_by: str | None = None, job_id: int | None = None, request_id: int | None = None,
                      now: datetime | None = None) -> Certificate:
    """Issue one certificate of the volunteer's approved hours (all, a period, or a project)."""
    now = now or utcnow()
    if volunteer is None or volunteer.closed_at is not None:
        raise NotFound()
    issuer = issuer_for(actor, volunteer)
    if period_from and period_to and period_to < period_from:
        raise ValidationFailed(fields={"period_to": [_l("The end date is before the start date.")]})
    rows = approved_entries(volunteer.id, project_id=project.id if project else None,
                            period_from=period_from, period_to=period_to)
    minutes = sum(row[2] for row in rows)
    if not minutes:
        raise NoApprovedHours()
    by_project: dict[int, list] = {}
    for _id, _day, credited, project_id, title in rows:
        by_project.setdefault(project_id, [title, 0])[1] += credited
    first, last = period_from or rows[0][1], period_to or rows[-1][1]
    today = local_date(now, DEFAULT_ZONE)
    year = today.year
    serial = f"{issuer.code}-{year}-{next_value(f'certificate:{issuer.code}:{year}'):06d}"
    seal = db.session.get(Seal, issuer.id)
    snapshot = {
        "name": volunteer.name, "volunteer_no": volunteer.volunteer_no,
        "id_type": ID_TYPES.get(volunteer.id_type, volunteer.id_type), "id_masked": volunteer.id_number_masked,
        "issuer": issuer.name, "issuer_code": issuer.code,
        "person_in_charge": (seal.person_in_charge if seal and seal.person_in_charge else "") or "—",
        "handled_by": handled_by or actor.display_name, "date": today.isoformat(),
        "period": [first.isoformat(), last.isoformat()],
        "projects": [[title, total] for title, total in sorted(by_project.values(), key=lambda p: -p[1])],
        "entries": [[row[0], row[1].isoformat(), row[3], row[2]] for row in rows],
    }
    certificate = Certificate(serial=serial, organisation_id=issuer.id, volunteer_id=volunteer.id,
                              project_id=project.id if project else None, period_from=period_from,
                              period_to=period_to, minutes=minutes, snapshot=snapshot, status=VALID,
                              issued_by_id=actor.id, issued_at=now, job_id=job_id, request_id=request_id,
                              verification_code="", pdf_sha256="")
    certificate.verification_code = _code(_statement(certificate))
    document = render_pdf(certificate, base_url, seal)
    certificate.pdf_sha256 = hashlib.sha256(document).hexdigest()
    db.session.add(certificate)
    db.session.flush()
    db.session.add(CertificatePdf(certificate_id=certificate.id, pdf=document))
    record_event(actor, "certificate.issued", certificate, after={"serial": serial, "minutes": minutes,
                                                                  "volunteer_id": volunteer.id}, now=now)
    return certificate


def render_pdf(certificate: Certificate, base_url: str, seal: Seal | None) -> bytes:
    s = certificate.snapshot
    fields = {"name": s["name"], "id_type": s["id_type"], "id_number": s["id_masked"],
              "volunteer_no": s["volunteer_no"], "hours": f"{certificate.minutes / 60:.1f}",
              "period": _period_text(date.fromisoformat(s["period"][0]), date.fromisoformat(s["period"][1])),
              "issuer": s["issuer"], "person_in_charge": s["person_in_charge"], "handled_by": s["handled_by"],
              "serial": certificate.serial, "date": f"{date.fromisoformat(s['date']):%Y年%m月%d日}",
              "code": " ".join(certificate.verification_code[i:i + 4] for i in range(0, 16, 4))}
    projects = [(title, minutes / 60) for title, minutes in s["projects"]]
    png = _seal_png(seal.organisation_id, seal.sha256) if seal is not None and seal.sha256 else None
    return pdf.render(fields, projects, verify_url(base_url, certificate), png)


@lru_cache(maxsize=64)
def _seal_png(organisation_id: int, sha256: str) -> bytes | None:
    """A seal's image, read once per process and version (its hash is part of the key)."""
    return db.session.scalar(sa.select(Seal.png).where(Seal.organisation_id == organisation_id,
                                                       Seal.sha256 == sha256))


# --- verification -------------------------------------------------------------------------------

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
    return {"valid": certificate.status == VALID, "status": certificate.status,
            "name_masked": mask_name(certificate.snapshot["name"]), "hours": certificate.hours,
            "issuer": certificate.snapshot["issuer"], "issued_at": certificate.snapshot["date"]}


# --- revocation ---------------------------------------------------------------------------------

def flag_for_review(entry: LedgerEntry) -> int:
    """An approved entry was corrected: mark the valid certificates that counted it (its id is in
    their snapshot) for their admin. The volunteer's certificates covering that day and project
    are the candidates; their snapshots decide."""
    candidates = db.session.execute(
        sa.select(Certificate.id, Certificate.snapshot)
        .where(Certificate.volunteer_id == entry.volunteer_id, Certificate.status == VALID,
               sa.or_(Certificate.period_from.is_(None), Certificate.period_from <= entry.served_on),
               sa.or_(Certificate.period_to.is_(None), Certificate.period_to >= entry.served_on),
               sa.or_(Certificate.project_id.is_(None), Certificate.project_id == entry.project_id))).all()
    counted = [cid for cid, snapshot in candidates if any(row[0] == entry.id for row in snapshot["entries"])]
    if counted:
        db.session.execute(sa.update(Certificate).where(Certificate.id.in_(counted)).values(needs_review=True)
                           .execution_options(synchronize_session=False))
    return len(counted)


def on_entry_corrected(correction: LedgerEntry, entry: LedgerEntry) -> None:
    flag_for_review(entry)


def connect_signals() -> None:
    signals.entry_corrected.connect(on_entry_corrected)


def revoke(actor, certificate: Certificate, reason: str | None, *, now: datetime | None = None) -> Certificate:
    now = now or utcnow()
    own = getattr(getattr(actor, "volunteer", None), "id", None) == certificate.volunteer_id
    if own and not permissions.can(actor, "certificate.issue", certificate):
        raise Forbidden()  # they see their certificate, and may not revoke it
    permissions.ensure(actor, "certificate.issue", certificate)
    reason = (reason or "").strip()[:2000]
    if not reason:
        raise ValidationFailed(fields={"reason": [_l("Say why the certificate is revoked.")]})
    done = db.session.execute(
        sa.update(Certificate).where(Certificate.id == certificate.id, Certificate.status == VALID)
        .values(status=REVOKED, revoked_by_id=actor.id, revoked_at=now, revoked_reason=reason)
        .execution_options(synchronize_session=False)).rowcount
    if not done:
        raise Conflict(_l("This certificate has already been revoked."), code="already_revoked")
    db.session.refresh(certificate)
    record_event(actor, "certificate.revoked", certificate, note=reason, now=now)
    return certificate


def reissue(actor, old: Certificate, *, base_url: str, now: datetime | None = None) -> Certificate:
    """A new certificate of the same scope as a revoked one, from today's approved hours."""
    permissions.ensure(actor, "certificate.issue", old)
    if old.status != REVOKED:
        raise Conflict(_l("Revoke the certificate before issuing it again."), code="not_revoked")
    return issue_certificate(actor, old.volunteer, base_url=base_url, project=old.project,
                             period_from=old.period_from, period_to=old.period_to, now=now)


def issue_for_number(actor, volunteer_no: str | None, *, base_url: str, project_id=None, period_from=None,
                     period_to=None, now: datetime | None = None) -> Certificate:
    """Issue by the number an admin types: one unknown and one outside their organisations get
    the same answer."""
    volunteer = db.session.scalar(sa.select(Volunteer).where(
        Volunteer.volunteer_no == (volunteer_no or "").strip().upper()[:48]))
    if volunteer is None or not permissions.can(actor, "certificate.issue", volunteer):
        raise ValidationFailed(fields={"volunteer_no": [_l("No volunteer with that number in your organisations.")]})
    return issue_certificate(actor, volunteer, base_url=base_url, project=_project(project_id),
                             period_from=period_from, period_to=period_to, now=now)


def _project(value) -> Project | None:
    raw = str(value or "")
    return get_by_id(Project, int(raw)) if raw.isdigit() and len(raw) < 10 else None


def project_choices(user=None, volunteer_id: int | None = None) -> list[tuple[str, str]]:
    """For a select box: the projects a volunteer has approved hours in, or the staff's projects."""
    if volunteer_id is not None:
        stmt = (sa.select(Project).join(LedgerEntry, LedgerEntry.project_id == Project.id)
                .where(LedgerEntry.volunteer_id == volunteer_id, LedgerEntry.state == "approved").distinct())
    else:
        stmt = sa.select(Project).where(permissions.in_scope(user, "project.view", Project.organisation_id))
    projects = db.session.scalars(stmt.order_by(Project.title).limit(500)).all()
    return [("", str(_l("All projects")))] + [(str(p.id), p.title) for p in projects]


# --- reading ------------------------------------------------------------------------------------

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


def get_request_for(user, request_id: int) -> CertificateRequest:
    found = get_by_id(CertificateRequest, request_id)
    if found is None:
        raise NotFound()
    permissions.ensure(user, "certificate.issue", found)
    return found


def seal_settings_for(user, code: str) -> tuple[Organisation, Seal | None]:
    """The organisation whose seal the user manages, and its seal if it has one."""
    organisation = db.session.scalar(sa.select(Organisation).where(Organisation.code == (code or "")[:32]))
    if organisation is None:
        raise NotFound()
    permissions.ensure(user, "certificate.issue", organisation)
    return organisation, db.session.get(Seal, organisation.id)


def seal_png_for(user, code: str) -> bytes:
    """The stored (re-encoded) image, to the organisation's admins only."""
    _organisation, seal = seal_settings_for(user, code)
    if seal is None or seal.png is None:
        raise NotFound()
    return seal.png


def pdf_of(certificate: Certificate) -> bytes:
    return db.session.get(CertificatePdf, certificate.id).pdf


def certificates_of(volunteer_id: int) -> sa.Select:
    return (sa.select(Certificate).where(Certificate.volunteer_id == volunteer_id)
            .order_by(Certificate.issued_at.desc(), Certificate.id.desc()))


def register_in_scope(user) -> sa.Select:
    return (sa.select(Certificate).where(permissions.in_scope(user, "certificate.issue", Certificate.organisation_id))
            .order_by(Certificate.needs_review.desc(), Certificate.issued_at.desc(), Certificate.id.desc()))


# --- seals --------------------------------------------------------------------------------------

def set_seal(actor, organisation: Organisation, upload: bytes | None, person_in_charge: str | None, *,
             now: datetime | None = None) -> Seal:
    """A PNG with transparency, checked and re-encoded (what is stored is our own PNG, never the
    upload's bytes); and the person in charge who signs the organisation's certificates."""
    now = now or utcnow()
    permissions.ensure(actor, "certificate.issue", organisation)
    errors = FieldErrors()
    png = width = height = None
    if upload:
        if len(upload) > SEAL_MAX_BYTES:
            errors.add("seal", _l("The seal image must be at most 1 MB."))
        elif not upload.startswith(b"\x89PNG\r\n\x1a\n"):
            errors.add("seal", _l("The seal must be a PNG image with a transparent background."))
        else:
            try:
                with Image.open(io.BytesIO(upload)) as image:
                    image.verify()
                with Image.open(io.BytesIO(upload)) as image:
                    width, height = image.size
                    if image.format != "PNG":
                        raise UnidentifiedImageError()
                    if not (SEAL_MIN_SIDE <= width <= SEAL_MAX_SIDE and SEAL_MIN_SIDE <= height <= SEAL_MAX_SIDE):
                        errors.add("seal", _l("The seal must be between %(low)s and %(high)s pixels on each side.",
                                              low=SEAL_MIN_SIDE, high=SEAL_MAX_SIDE))
                    elif "A" not in image.getbands() and "transparency" not in image.info:
                        errors.add("seal", _l("The seal must be a PNG image with a transparent background."))
                    else:
                        out = io.BytesIO()
                        image.convert("RGBA").save(out, format="PNG", optimize=True)
                        png = out.getvalue()
            except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
                errors.add("seal", _l("The seal must be a PNG image with a transparent background."))
    person = (person_in_charge or "").strip()[:80] or None
    errors.raise_if_any()
    seal = db.session.get(Seal, organisation.id) or Seal(organisation_id=organisation.id)
    if png is not None:
        seal.png, seal.sha256, seal.width, seal.height = png, hashlib.sha256(png).hexdigest(), width, height
    seal.person_in_charge = person
    seal.updated_by_id, seal.updated_at = actor.id, now
    db.session.add(seal)
    db.session.flush()
    record_event(actor, "seal.updated", organisation,
                 after={"sha256": seal.sha256, "person_in_charge": person}, now=now)
    return seal


# --- volunteers' requests -----------------------------------------------------------------------

def request_certificate(user, data: dict, *, now: datetime | None = None) -> CertificateRequest:
    now = now or utcnow()
    volunteer = getattr(user, "volunteer", None)
    if volunteer is None:
        raise Forbidden(_l("Only volunteers request certificates."))
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
                                 note=(data.get("note") or "").strip()[:2000] or None, state="pending",
                                 created_at=now)
    db.session.add(request)
    flush_unique(Conflict(_l("You already have a request waiting; the admin will answer it."),
                          code="request_pending"))
    record_event(user, "certificate.requested", request, now=now)
    return request


def decide_request(actor, request: CertificateRequest, decision: str, *, base_url: str,
                   reason: str | None = None, now: datetime | None = None) -> Certificate | None:
    """Issue the requested certificate, or decline with a reason."""
    now = now or utcnow()
    permissions.ensure(actor, "certificate.issue", request)
    reason = (reason or "").strip()[:2000] or None
    if decision not in ("issue", "decline"):
        raise ValidationFailed(fields={"decision": [_l("Choose issue or decline.")]})
    if decision == "decline" and not reason:
        raise ValidationFailed(fields={"reason": [_l("Say why the request is declined.")]})
    state = "issued" if decision == "issue" else "declined"
    done = db.session.execute(
        sa.update(CertificateRequest).where(CertificateRequest.id == request.id, CertificateRequest.state == "pending")
        .values(state=state, decided_by_id=actor.id, decided_at=now, reason=reason)
        .execution_options(synchronize_session=False)).rowcount
    if not done:
        raise Conflict(_l("This request has already been answered."), code="already_decided")
    certificate = None
    if decision == "issue":
        certificate = issue_certificate(actor, request.volunteer, base_url=base_url, project=request.project,
                                        period_from=request.period_from, period_to=request.period_to,
                                        request_id=request.id, now=now)
    db.session.refresh(request)
    record_event(actor, f"certificate.request_{state}", request, note=reason, now=now)
    return certificate


def requests_in_scope(user) -> sa.Select:
    return (sa.select(CertificateRequest).join(Volunteer, Volunteer.id == CertificateRequest.volunteer_id)
            .where(CertificateRequest.state == "pending",
                   permissions.in_scope(user, "certificate.issue", Volunteer.organisation_id))
            .order_by(CertificateRequest.created_at, CertificateRequest.id))
