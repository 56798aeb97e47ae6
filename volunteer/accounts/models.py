"""Users (one login each), their staff roles on organisations, browser sessions, API tokens,
volunteer profiles."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from volunteer.accounts.identity import age_on, mask_id_number, mask_phone
from volunteer.accounts.vocabulary import CodeChannel, Gender, IdType, PoliticalStatus
from volunteer.core.crypto import decrypt_text
from volunteer.core.time import UTCDateTime, utcnow
from volunteer.extensions import db
from volunteer.organisations.models import Organisation
from volunteer.organisations.vocabulary import Role


class User(UserMixin, db.Model):
    """One login. A user may be a volunteer, hold staff roles, lead stations, or all three."""

    __tablename__ = "users"
    __table_args__ = (
        sa.CheckConstraint(
            "closed_at IS NOT NULL OR phone IS NOT NULL OR email IS NOT NULL", name="has_login"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    phone: Mapped[str | None] = mapped_column(sa.String(20), unique=True)
    email: Mapped[str | None] = mapped_column(sa.String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    display_name: Mapped[str] = mapped_column(sa.String(80))
    locale: Mapped[str | None] = mapped_column(sa.String(10))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", foreign_keys="Membership.user_id", cascade="all, delete-orphan"
    )
    volunteer: Mapped[Volunteer | None] = relationship(back_populates="user", uselist=False)

    def __repr__(self) -> str:
        return f"<User {self.id}>"

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active and self.closed_at is None

    @property
    def is_staff(self) -> bool:
        return bool(self.memberships)

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)


class Membership(db.Model):
    """A staff role on one organisation, reaching its whole subtree."""

    __tablename__ = "memberships"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "organisation_id", "role"),
        sa.CheckConstraint(Role.sql_in("role"), name="role_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    role: Mapped[str] = mapped_column(sa.String(20))
    granted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(back_populates="memberships", foreign_keys=[user_id])
    organisation: Mapped[Organisation] = relationship()

    @property
    def role_label(self) -> str:
        return Role.label_of(self.role)

    @property
    def scope_organisation(self) -> Organisation:
        return self.organisation


class UserSession(db.Model):
    """A browser session, kept here so that it can end: the signed cookie holds only its token
    (the SHA-256 of which is stored), so a copied cookie stops working when the session ends —
    signing out, a new password, a closed account, "sign out everywhere" — or times out."""

    __tablename__ = "user_sessions"

    digest: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class ApiToken(db.Model):
    """A bearer token for the JSON API; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    digest: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()

    def is_valid(self, now: datetime) -> bool:
        return self.revoked_at is None and now < self.expires_at and self.user.is_active


class PasswordReset(db.Model):
    """A one-time code that sets a new password (accounts.services.reset): sent to the account's
    own phone or e-mail, kept only as a keyed hash, good for PASSWORD_RESET_SECONDS, once, and
    for PASSWORD_RESET_TRIES wrong codes; a newer code ends it. ``started_by`` is the admin who
    had it sent, or None when the person asked for it themselves."""

    __tablename__ = "password_resets"
    __table_args__ = (sa.CheckConstraint(CodeChannel.sql_in("channel"), name="channel_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    channel: Mapped[str] = mapped_column(sa.String(10))
    code_digest: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    wrong_tries: Mapped[int] = mapped_column(default=0)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    started_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])

    def is_live(self, now: datetime) -> bool:
        """Not used, not expired (nor ended by a newer code)."""
        return self.used_at is None and now < self.expires_at


class Volunteer(db.Model):
    """A volunteer's profile. The ID number is kept only encrypted, with a keyed hash for
    uniqueness; when the account is closed the personal data is erased and the row stays under
    its volunteer number, so hours remain attached to a pseudonym."""

    __tablename__ = "volunteers"
    __table_args__ = (
        sa.CheckConstraint(Gender.sql_in("gender"), name="gender_known"),
        sa.CheckConstraint("political_status IS NULL OR " + PoliticalStatus.sql_in("political_status"),
                           name="political_status_known"),
        # Registered volunteers by organisation and date (the dashboards' first figure).
        # registered volunteers by home and date, read from the index alone (the dashboards)
        sa.Index("ix_volunteers_organisation_created", "organisation_id", "created_at",
                 sqlite_where=sa.text("closed_at IS NULL"), postgresql_where=sa.text("closed_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), unique=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    volunteer_no: Mapped[str] = mapped_column(sa.String(48), unique=True)
    name: Mapped[str | None] = mapped_column(sa.String(80))
    id_type: Mapped[str] = mapped_column(sa.String(20), default=IdType.RESIDENT_ID)
    id_number_encrypted: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    id_number_hash: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    birth_date: Mapped[date | None] = mapped_column(sa.Date)
    gender: Mapped[str | None] = mapped_column(sa.String(8))
    political_status: Mapped[str | None] = mapped_column(sa.String(20))
    school_or_employer: Mapped[str | None] = mapped_column(sa.String(120))
    skills: Mapped[str | None] = mapped_column(sa.String(400))
    consent_version: Mapped[str | None] = mapped_column(sa.String(20))
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    guardian_name: Mapped[str | None] = mapped_column(sa.String(80))
    guardian_phone: Mapped[str | None] = mapped_column(sa.String(20))
    guardian_consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Under 14 every item is sensitive personal data: the guardian consents to that separately.
    guardian_sensitive_consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The personal QR code (for kiosk check-in) is signed with this version; bumping it revokes
    # a lost card.
    card_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User | None] = relationship(back_populates="volunteer")
    organisation: Mapped[Organisation] = relationship()

    @property
    def scope_organisation(self) -> Organisation:
        return self.organisation

    @property
    def id_number(self) -> str | None:
        return decrypt_text(self.id_number_encrypted) if self.id_number_encrypted else None

    @property
    def id_number_masked(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def phone(self) -> str | None:
        return self.user.phone if self.user else None

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)

    @property
    def guardian_phone_masked(self) -> str:
        return mask_phone(self.guardian_phone)

    @property
    def display_name(self) -> str:
        return self.name or str(_l("Closed account %(no)s", no=self.volunteer_no))

    @property
    def gender_label(self) -> str:
        return Gender.label_of(self.gender) if self.gender else ""

    @property
    def political_status_label(self) -> str:
        return PoliticalStatus.label_of(self.political_status) if self.political_status else ""

    @hybrid_property
    def is_active(self) -> bool:
        """Not closed: the person can serve, check in and be certified. A closed profile stays
        only as a pseudonym for the hours it holds."""
        return self.closed_at is None

    @is_active.inplace.expression
    @classmethod
    def _is_active_clause(cls) -> sa.ColumnElement[bool]:
        return cls.closed_at.is_(None)

    @property
    def is_minor_with_least_data(self) -> bool:
        """Under 14 at registration: the least data is kept (the guardian consented separately)."""
        return self.guardian_sensitive_consent_at is not None

    def age_on(self, day: date) -> int | None:
        return age_on(self.birth_date, day) if self.birth_date else None


class CalendarToken(db.Model):
    """The secret of a volunteer's calendar feed (/calendar/<token>.ics), which calendar apps
    fetch without signing in. The token is an HMAC of ``seed`` under a key derived from
    DATA_ENCRYPTION_KEY (projects.calendar), so the profile page can show the link again while the
    database alone holds nothing to read it from; a request finds its row by the token's SHA-256.
    Making a new link revokes the old one: at most one live token per volunteer."""

    __tablename__ = "calendar_tokens"
    __table_args__ = (
        sa.Index("uq_calendar_tokens_live", "volunteer_id", unique=True,
                 sqlite_where=sa.text("revoked_at IS NULL"), postgresql_where=sa.text("revoked_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    volunteer_id: Mapped[int] = mapped_column(sa.ForeignKey("volunteers.id"))
    seed: Mapped[str] = mapped_column(sa.String(32))
    digest: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    volunteer: Mapped[Volunteer] = relationship()
