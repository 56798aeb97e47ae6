"""Service certificates (志愿服务记录证明), the seals they carry, and volunteers' requests; batches
are background jobs (core.models.Job)."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from volunteer.accounts.models import User, Volunteer
from volunteer.certificates.vocabulary import CertificateKind, CertificateStatus, RequestState
from volunteer.core.time import UTCDateTime, utcnow
from volunteer.extensions import db
from volunteer.organisations.models import Organisation
from volunteer.projects.models import Project


class Seal(db.Model):
    """An organisation's seal image, re-encoded as PNG on upload, and who signs its certificates."""

    __tablename__ = "seals"

    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), primary_key=True)
    png: Mapped[bytes | None] = deferred(mapped_column(sa.LargeBinary))
    sha256: Mapped[str | None] = mapped_column(sa.String(64))
    width: Mapped[int | None] = mapped_column()
    height: Mapped[int | None] = mapped_column()
    person_in_charge: Mapped[str | None] = mapped_column(sa.String(80))
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organisation: Mapped[Organisation] = relationship()

    @property
    def scope_organisation(self) -> Organisation:
        return self.organisation


class Certificate(db.Model):
    """One issued certificate: what it states, frozen at issue (the hours and the entries behind
    them), its serial and verification code, and the SHA-256 of its PDF. Only the status moves:
    valid → revoked, with a reason; ``needs_review`` marks one whose hours were corrected since."""

    __tablename__ = "certificates"
    __table_args__ = (
        sa.CheckConstraint(CertificateStatus.sql_in("status"), name="status_known"),
        sa.CheckConstraint(CertificateKind.sql_in("kind"), name="kind_known"),
        # A service certificate states hours; a practice certificate states the practice (and hours if any).
        sa.CheckConstraint(f"minutes > 0 OR (kind <> '{CertificateKind.SERVICE}' AND minutes = 0)", name="has_hours"),
        sa.CheckConstraint(f"status = '{CertificateStatus.VALID}' OR (revoked_at IS NOT NULL AND revoked_reason IS NOT NULL)",
                           name="revocation_explained"),
        sa.CheckConstraint("period_to IS NULL OR period_from IS NULL OR period_to >= period_from",
                           name="period_ordered"),
        # A batch gives each volunteer one certificate, however often it is run.
        sa.Index("uq_certificates_batch_volunteer", "job_id", "volunteer_id", unique=True,
                 sqlite_where=sa.text("job_id IS NOT NULL"), postgresql_where=sa.text("job_id IS NOT NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    serial: Mapped[str] = mapped_column(sa.String(48), unique=True)  # CODE-YYYY-NNNNNN; codes up to 32
    kind: Mapped[str] = mapped_column(sa.String(20), default=CertificateKind.SERVICE,
                                      server_default=CertificateKind.SERVICE)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    volunteer_id: Mapped[int] = mapped_column(sa.ForeignKey("volunteers.id"), index=True)
    project_id: Mapped[int | None] = mapped_column(sa.ForeignKey("projects.id"))
    period_from: Mapped[date | None] = mapped_column(sa.Date)
    period_to: Mapped[date | None] = mapped_column(sa.Date)
    minutes: Mapped[int] = mapped_column()
    snapshot: Mapped[dict] = mapped_column(sa.JSON)
    verification_code: Mapped[str] = mapped_column(sa.String(32))
    pdf_sha256: Mapped[str] = mapped_column(sa.String(64))
    status: Mapped[str] = mapped_column(sa.String(10), default=CertificateStatus.VALID)
    needs_review: Mapped[bool] = mapped_column(default=False)
    issued_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    job_id: Mapped[int | None] = mapped_column(sa.ForeignKey("jobs.id"))
    request_id: Mapped[int | None] = mapped_column(sa.ForeignKey("certificate_requests.id"))
    revoked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_reason: Mapped[str | None] = mapped_column(sa.Text)

    organisation: Mapped[Organisation] = relationship()
    volunteer: Mapped[Volunteer] = relationship()
    project: Mapped[Project | None] = relationship()
    issued_by: Mapped[User | None] = relationship(foreign_keys=[issued_by_id])

    @property
    def scope_organisation(self) -> Organisation:
        return self.organisation

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 1)

    @property
    def kind_label(self) -> str:
        return CertificateKind.label_of(self.kind)

    @property
    def is_valid(self) -> bool:
        return self.status == CertificateStatus.VALID

    @property
    def is_revoked(self) -> bool:
        return self.status == CertificateStatus.REVOKED

    @property
    def status_label(self) -> str:
        return CertificateStatus.label_of(self.status)

    @classmethod
    def states_the_same(cls, *, organisation_id, project_id, period_from, period_to, minutes) -> sa.ColumnElement[bool]:
        """A valid certificate that already says this: the same issuer, the same project (or all)
        and period as asked for (an open end stays open), and the same approved hours. Its
        volunteer's hours since grown or corrected make a different statement, and a new one."""
        return sa.and_(cls.status == CertificateStatus.VALID, cls.organisation_id == organisation_id,
                       cls.project_id.is_not_distinct_from(project_id),
                       cls.period_from.is_not_distinct_from(period_from),
                       cls.period_to.is_not_distinct_from(period_to), cls.minutes == minutes)

    @hybrid_property
    def awaits_review(self) -> bool:
        """Still valid, but hours behind it were corrected since: its admin revokes and re-issues it."""
        return self.needs_review and self.is_valid

    @awaits_review.inplace.expression
    @classmethod
    def _awaits_review_clause(cls) -> sa.ColumnElement[bool]:
        return sa.and_(cls.needs_review, cls.status == CertificateStatus.VALID)


class CertificatePdf(db.Model):
    """The PDF as issued, apart from the register so lists never load it."""

    __tablename__ = "certificate_pdfs"

    certificate_id: Mapped[int] = mapped_column(sa.ForeignKey("certificates.id"), primary_key=True)
    pdf: Mapped[bytes] = mapped_column(sa.LargeBinary)


_PENDING = f"state = '{RequestState.PENDING}'"


class CertificateRequest(db.Model):
    """A volunteer asks for a certificate; an admin over them issues it or declines with a reason."""

    __tablename__ = "certificate_requests"
    __table_args__ = (
        sa.CheckConstraint(RequestState.sql_in("state"), name="state_known"),
        sa.Index("uq_certificate_requests_one_pending", "volunteer_id", unique=True,
                 sqlite_where=sa.text(_PENDING), postgresql_where=sa.text(_PENDING)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    volunteer_id: Mapped[int] = mapped_column(sa.ForeignKey("volunteers.id"), index=True)
    project_id: Mapped[int | None] = mapped_column(sa.ForeignKey("projects.id"))
    period_from: Mapped[date | None] = mapped_column(sa.Date)
    period_to: Mapped[date | None] = mapped_column(sa.Date)
    note: Mapped[str | None] = mapped_column(sa.Text)
    state: Mapped[str] = mapped_column(sa.String(10), default=RequestState.PENDING)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reason: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    volunteer: Mapped[Volunteer] = relationship()
    project: Mapped[Project | None] = relationship()

    @property
    def scope_organisation(self) -> Organisation:
        return self.volunteer.organisation

    @property
    def state_label(self) -> str:
        return RequestState.label_of(self.state)
