"""Issuing certificates: what a certificate states (only approved hours, each entry at its newest
figure), frozen at issue with its serial, verification code, PDF and the PDF's SHA-256."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import date, datetime
from functools import lru_cache

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from volunteer.accounts import services as accounts
from volunteer.accounts.models import Volunteer
from volunteer.certificates import pdf
from volunteer.certificates.errors import AlreadyCertified, NoApprovedHours
from volunteer.certificates.models import Certificate, CertificatePdf, Seal
from volunteer.certificates.vocabulary import CertificateEvent, CertificateKind, CertificateStatus
from volunteer.core import get_by_id, permissions
from volunteer.core.audit import record_event
from volunteer.core.counters import next_value
from volunteer.core.errors import NotFound, ValidationFailed
from volunteer.core.time import DEFAULT_ZONE, local_date
from volunteer.extensions import db
from volunteer.ledger.models import LedgerEntry
from volunteer.organisations.models import Organisation
from volunteer.projects.models import Project


def approved_entries(volunteer_id: int, *, project_id=None, period_from=None, period_to=None) -> list:
    """The volunteer's approved entries that credit something, each at its newest figure."""
    stmt = (sa.select(LedgerEntry.id, LedgerEntry.served_on, LedgerEntry.credited_minutes, Project.id, Project.title)
            .join(Project, Project.id == LedgerEntry.project_id)
            .where(LedgerEntry.volunteer_id == volunteer_id, LedgerEntry.counts_toward_hours)
            .order_by(LedgerEntry.served_on, LedgerEntry.id))
    if project_id is not None:
        stmt = stmt.where(LedgerEntry.project_id == project_id)
    if period_from is not None:
        stmt = stmt.where(LedgerEntry.served_on >= period_from)
    if period_to is not None:
        stmt = stmt.where(LedgerEntry.served_on <= period_to)
    return db.session.execute(stmt).all()


def issuing_root(actor, organisation: Organisation) -> Organisation | None:
    """The root of the admin's scope that holds the organisation: it issues their certificates."""
    return next((root for root in permissions.scope_roots(actor, "certificate.issue")
                 if root.contains(organisation)), None)


def issuer_for(actor, volunteer: Volunteer) -> Organisation:
    """The organisation the admin issues for: the root of their scope that holds the volunteer."""
    permissions.ensure(actor, "certificate.issue", volunteer)
    return issuing_root(actor, volunteer.organisation)


def _code(statement: dict) -> str:
    key = hashlib.sha256(b"certificate-verification:" + current_app.config["SECRET_KEY"].encode()).digest()
    digest = hmac.new(key, json.dumps(statement, sort_keys=True, ensure_ascii=False).encode(), "sha256").digest()
    return base64.b32encode(digest[:10]).decode()  # 16 characters, A-Z and 2-7


def _statement(certificate: Certificate) -> dict:
    """What the verification code vouches for (a kind other than service's is part of it)."""
    statement = {"serial": certificate.serial, "volunteer_no": certificate.snapshot["volunteer_no"],
                 "minutes": certificate.minutes, "issuer": certificate.snapshot["issuer_code"],
                 "issued_on": certificate.snapshot["date"], "period": certificate.snapshot["period"],
                 "project_id": certificate.project_id}
    if certificate.kind != CertificateKind.SERVICE:
        statement["kind"] = certificate.kind
    return statement


def verify_url(base_url: str, certificate: Certificate) -> str:
    base = current_app.config.get("PUBLIC_URL") or base_url
    return f"{base.rstrip('/')}/verify/{certificate.serial}?c={certificate.verification_code}"


def period_text(first: date, last: date) -> str:
    """A certificate's period as it is printed."""
    return f"{first:%Y年%m月%d日} 至 {last:%Y年%m月%d日}"


def code_text(certificate: Certificate) -> str:
    """The verification code as it is printed, in groups of four."""
    code = certificate.verification_code
    return " ".join(code[i:i + 4] for i in range(0, len(code), 4))


def issue_certificate(actor, volunteer: Volunteer, *, base_url: str, project: Project | None = None,
                      period_from: date | None = None, period_to: date | None = None,
                      handled_by: str | None = None, job_id: int | None = None, request_id: int | None = None,
                      unless_held: bool = False, now: datetime) -> Certificate:
    """Issue one certificate of the volunteer's approved hours (all, a period, or a project).
    ``unless_held`` (a batch's): refuse when they hold a valid one stating the same already, so
    only an admin's own issue or re-issue gives a second one of the same hours."""
    if volunteer is None or not volunteer.is_active:
        raise NotFound()
    issuer = issuer_for(actor, volunteer)
    if period_from and period_to and period_to < period_from:
        raise ValidationFailed(fields={"period_to": [_l("The end date is before the start date.")]})
    rows = approved_entries(volunteer.id, project_id=project.id if project else None,
                            period_from=period_from, period_to=period_to)
    minutes = sum(row[2] for row in rows)
    if not minutes:
        raise NoApprovedHours()
    if unless_held and _holds_the_same(volunteer, issuer, project, period_from, period_to, minutes):
        raise AlreadyCertified()
    by_project: dict[int, list] = {}
    for _id, _day, credited, project_id, title in rows:
        by_project.setdefault(project_id, [title, 0])[1] += credited
    first, last = period_from or rows[0][1], period_to or rows[-1][1]
    today = local_date(now, DEFAULT_ZONE)
    seal = db.session.get(Seal, issuer.id)
    snapshot = {
        "name": volunteer.name, "volunteer_no": volunteer.volunteer_no,
        "id_type": pdf.layout()["id_types"].get(volunteer.id_type, volunteer.id_type), "id_masked": volunteer.id_number_masked,
        "issuer": issuer.name, "issuer_code": issuer.code,
        "person_in_charge": (seal.person_in_charge if seal and seal.person_in_charge else "") or "—",
        "handled_by": handled_by or actor.display_name, "date": today.isoformat(),
        "period": [first.isoformat(), last.isoformat()],
        "projects": [[title, total] for title, total in sorted(by_project.values(), key=lambda p: -p[1])],
        "entries": [[row[0], row[1].isoformat(), row[3], row[2]] for row in rows],
    }
    certificate = Certificate(serial=next_serial(issuer, today), kind=CertificateKind.SERVICE,
                              organisation_id=issuer.id, volunteer_id=volunteer.id,
                              project_id=project.id if project else None, period_from=period_from,
                              period_to=period_to, minutes=minutes, snapshot=snapshot, status=CertificateStatus.VALID,
                              issued_by_id=actor.id, issued_at=now, job_id=job_id, request_id=request_id)
    return store_issued(actor, certificate, lambda c: render_pdf(c, base_url, seal), now=now)


def next_serial(issuer: Organisation, today: date) -> str:
    """The issuer's next serial of the year: every kind of certificate it issues counts in one series."""
    return f"{issuer.code}-{today.year}-{next_value(f'certificate:{issuer.code}:{today.year}'):06d}"


def store_issued(actor, certificate: Certificate, render, *, now: datetime) -> Certificate:
    """Seal what a new certificate states: its verification code (over the serial, the volunteer's
    number, minutes, issuer, date and period of its snapshot), its PDF drawn by ``render`` and the
    PDF's SHA-256; keep it and the PDF, with its event-log row. The snapshot holds volunteer_no,
    issuer_code, date and period whatever the kind."""
    certificate.verification_code = _code(_statement(certificate))
    document = render(certificate)
    certificate.pdf_sha256 = hashlib.sha256(document).hexdigest()
    db.session.add(certificate)
    db.session.flush()
    db.session.add(CertificatePdf(certificate_id=certificate.id, pdf=document))
    record_event(actor, CertificateEvent.ISSUED, certificate, after={
        "serial": certificate.serial, "minutes": certificate.minutes, "volunteer_id": certificate.volunteer_id},
        now=now)
    return certificate


def _holds_the_same(volunteer: Volunteer, issuer: Organisation, project: Project | None, period_from, period_to,
                    minutes: int) -> bool:
    # One at a time per volunteer (a row lock on PostgreSQL, the write lock on SQLite): two
    # batches running at once do not both find none and both issue.
    db.session.execute(sa.select(Volunteer.id).where(Volunteer.id == volunteer.id).with_for_update(key_share=True))
    return bool(db.session.scalar(sa.select(sa.exists().where(
        Certificate.volunteer_id == volunteer.id,
        Certificate.states_the_same(organisation_id=issuer.id, project_id=project.id if project else None,
                                    period_from=period_from, period_to=period_to, minutes=minutes)))))


def render_pdf(certificate: Certificate, base_url: str, seal: Seal | None) -> bytes:
    s = certificate.snapshot
    fields = {"name": s["name"], "id_type": s["id_type"], "id_number": s["id_masked"],
              "volunteer_no": s["volunteer_no"], "hours": f"{certificate.minutes / 60:.1f}",
              "period": period_text(date.fromisoformat(s["period"][0]), date.fromisoformat(s["period"][1])),
              "issuer": s["issuer"], "person_in_charge": s["person_in_charge"], "handled_by": s["handled_by"],
              "serial": certificate.serial, "date": f"{date.fromisoformat(s['date']):%Y年%m月%d日}",
              "code": code_text(certificate)}
    projects = [(title, minutes / 60) for title, minutes in s["projects"]]
    png = _seal_png(seal.organisation_id, seal.sha256) if seal is not None and seal.sha256 else None
    return pdf.render(fields, projects, verify_url(base_url, certificate), png)


@lru_cache(maxsize=64)
def _seal_png(organisation_id: int, sha256: str) -> bytes | None:
    """A seal's image, read once per process and version (its hash is part of the key)."""
    return db.session.scalar(sa.select(Seal.png).where(Seal.organisation_id == organisation_id,
                                                       Seal.sha256 == sha256))


def issue_for_number(actor, volunteer_no: str | None, *, base_url: str, project_id=None, period_from=None,
                     period_to=None, now: datetime) -> Certificate:
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
                .where(LedgerEntry.volunteer_id == volunteer_id, LedgerEntry.counts_toward_hours).distinct())
    else:
        stmt = sa.select(Project).where(permissions.in_scope(user, "project.view", Project.organisation_id))
    projects = db.session.scalars(stmt.order_by(Project.title).limit(500)).all()
    return [("", str(_l("All projects")))] + [(str(p.id), p.title) for p in projects]


def volunteers_to_certify(user, search: str | None) -> tuple[list[Volunteer], bool]:
    """The volunteers an admin may certify whose name holds the search, or whose number it is:
    only their own organisations' (another town's volunteers are not found), open profiles; the
    first VOLUNTEERS_OFFERED, and whether there are more (the search is then to be narrowed)."""
    search = (search or "").strip()[:80]
    if not search:
        return [], False
    found = db.session.scalars(
        sa.select(Volunteer)
        .where(permissions.in_scope(user, "certificate.issue", Volunteer.organisation_id), Volunteer.is_active,
               accounts.matching(search))
        .order_by(Volunteer.name, Volunteer.volunteer_no).limit(accounts.VOLUNTEERS_OFFERED + 1)).all()
    return list(found[:accounts.VOLUNTEERS_OFFERED]), len(found) > accounts.VOLUNTEERS_OFFERED
