"""At the post and after it: a placed student's weekly practice logs (周志) with their photos and
the supervisor's comment, and the host unit's evaluation of the student."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from volunteer.accounts.models import User
from volunteer.certificates.models import Certificate
from volunteer.core.time import UTCDateTime, utcnow
from volunteer.extensions import db
from volunteer.organisations.models import Organisation
from volunteer.practice.models import StudentApplication
from volunteer.practice.vocabulary import PracticeRating


class PracticeLog(db.Model):
    """One week of a student's practice, in their words (the week named by its Monday), and the
    comment the unit's supervisor wrote on it. The student may change it until it is commented."""

    __tablename__ = "practice_logs"
    __table_args__ = (sa.UniqueConstraint("application_id", "week_of"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("practice_applications.id"))
    week_of: Mapped[date] = mapped_column(sa.Date)
    text: Mapped[str] = mapped_column(sa.Text)
    comment: Mapped[str | None] = mapped_column(sa.Text)
    commented_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    commented_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    application: Mapped[StudentApplication] = relationship()
    commented_by: Mapped[User | None] = relationship()
    photos: Mapped[list[LogPhoto]] = relationship(order_by="LogPhoto.id", viewonly=True)

    @property
    def scope_organisation(self) -> Organisation:
        return self.application.programme.organisation

    @property
    def is_editable(self) -> bool:
        """The student's to change while nobody has commented on it."""
        return self.commented_at is None

    @property
    def volunteer_id(self) -> int:
        return self.application.volunteer_id

    @property
    def version(self) -> str:
        """Which text the page shows: a comment is on the text its supervisor read."""
        return self.updated_at.isoformat()


class LogPhoto(db.Model):
    """A photo on a log, re-encoded as JPEG without its metadata (core.images)."""

    __tablename__ = "practice_log_photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    log_id: Mapped[int] = mapped_column(sa.ForeignKey("practice_logs.id"), index=True)
    jpeg: Mapped[bytes] = mapped_column(sa.LargeBinary, deferred=True)
    sha256: Mapped[str] = mapped_column(sa.String(64))
    width: Mapped[int] = mapped_column()
    height: Mapped[int] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class UnitEvaluation(db.Model):
    """The host unit's evaluation of a placed student: a rating, the days they were present and
    its comments; the practice certificate states it with the unit's seal."""

    __tablename__ = "practice_evaluations"
    __table_args__ = (
        sa.CheckConstraint(PracticeRating.sql_in("rating"), name="rating_known"),
        sa.CheckConstraint("days_present >= 0", name="days_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("practice_applications.id"), unique=True)
    rating: Mapped[str] = mapped_column(sa.String(20))
    days_present: Mapped[int] = mapped_column()
    comments: Mapped[str] = mapped_column(sa.Text)
    evaluated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    evaluated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The practice certificate that states it, the newest the league issued (valid or since revoked).
    certificate_id: Mapped[int | None] = mapped_column(sa.ForeignKey("certificates.id"))

    application: Mapped[StudentApplication] = relationship()
    certificate: Mapped[Certificate | None] = relationship()

    @property
    def is_certified(self) -> bool:
        """A valid practice certificate states it: the unit may no longer change it."""
        return self.certificate is not None and self.certificate.is_valid

    @property
    def valid_certificate(self) -> Certificate | None:
        """The practice certificate that states it, while it is valid."""
        return self.certificate if self.is_certified else None

    @property
    def scope_organisation(self) -> Organisation:
        return self.application.programme.organisation

    @property
    def rating_label(self) -> str:
        return PracticeRating.label_of(self.rating)
