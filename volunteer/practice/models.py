"""A practice programme (返家乡社会实践) run by a league organisation: its season and dates, the
organisations whose host units may offer posts, its rules, its state; the host units and the
posts they offer; students' applications with their ranked choices and where each stands."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from volunteer.accounts.models import User, Volunteer
from volunteer.core.time import UTCDateTime, utcnow
from volunteer.extensions import db
from volunteer.organisations.models import Organisation
from volunteer.practice.vocabulary import (
    CERTIFICATE_STAGES,
    EVALUATION_STAGES,
    LOG_STAGES,
    MAX_CHOICES,
    OPEN_CHOICES,
    POST_STAGES,
    SURVEY_STAGES,
    UNIT_MOVES,
    PostChoiceState,
    PostKind,
    PostState,
    ProgrammeState,
    Season,
    StudentApplicationState,
    UnitKind,
)
from volunteer.stations.models import Station

programme_areas = sa.Table(
    "practice_programme_areas",
    db.metadata,
    sa.Column("programme_id", sa.ForeignKey("practice_programmes.id"), primary_key=True),
    sa.Column("organisation_id", sa.ForeignKey("organisations.id"), primary_key=True, index=True),
)


class Programme(db.Model):
    __tablename__ = "practice_programmes"
    __table_args__ = (
        sa.CheckConstraint(ProgrammeState.sql_in("state"), name="state_known"),
        sa.CheckConstraint(Season.sql_in("season"), name="season_known"),
        sa.CheckConstraint("applications_close_on >= applications_open_on", name="applications_ordered"),
        sa.CheckConstraint("practice_ends_on >= practice_starts_on", name="practice_ordered"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    season: Mapped[str] = mapped_column(sa.String(20))
    applications_open_on: Mapped[date] = mapped_column(sa.Date)
    applications_close_on: Mapped[date] = mapped_column(sa.Date)
    practice_starts_on: Mapped[date] = mapped_column(sa.Date)
    practice_ends_on: Mapped[date] = mapped_column(sa.Date)
    rules: Mapped[str | None] = mapped_column(sa.Text)
    state: Mapped[str] = mapped_column(sa.String(30), default=ProgrammeState.DRAFT)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organisation: Mapped[Organisation] = relationship()
    areas: Mapped[list[Organisation]] = relationship(secondary=programme_areas, order_by="Organisation.code")

    @property
    def scope_organisation(self) -> Organisation:
        return self.organisation

    @property
    def state_label(self) -> str:
        return ProgrammeState.label_of(self.state)

    @property
    def season_label(self) -> str:
        return Season.label_of(self.season)

    @property
    def takes_posts(self) -> bool:
        return self.state in POST_STAGES

    @property
    def shows_posts(self) -> bool:
        """Students see its approved posts once applications have opened."""
        return self.state not in (ProgrammeState.DRAFT, ProgrammeState.COLLECTING_POSTS)

    def takes_applications(self, today: date) -> bool:
        """Open for applications, and ``today`` (the programme's zone's) within its window."""
        return self.state == ProgrammeState.APPLICATIONS_OPEN and \
            self.applications_open_on <= today <= self.applications_close_on

    @property
    def takes_logs(self) -> bool:
        """Placed students log their weeks while the practice runs."""
        return self.state in LOG_STAGES

    @property
    def takes_evaluations(self) -> bool:
        return self.state in EVALUATION_STAGES

    @property
    def is_open(self) -> bool:
        """Not closed: its questionnaire may still change (until a student answers it)."""
        return self.state != ProgrammeState.CLOSED

    @property
    def takes_survey_answers(self) -> bool:
        """Placed students answer the questionnaire from the practice's start until it closes."""
        return self.state in SURVEY_STAGES

    @property
    def issues_certificates(self) -> bool:
        return self.state in CERTIFICATE_STAGES

    @property
    def is_matching(self) -> bool:
        """Units and students choose each other (two-way selection)."""
        return self.state == ProgrammeState.MATCHING

    def covers(self, organisation: Organisation) -> bool:
        """Whether units under ``organisation`` may offer posts, and students from it apply."""
        return any(area.contains(organisation) for area in self.areas)


class HostUnit(db.Model):
    """A host unit (接收单位) registered under an organisation, whose contact person signs in with
    a unit account: they offer the unit's posts and choose among the students who apply."""

    __tablename__ = "practice_host_units"
    __table_args__ = (
        sa.UniqueConstraint("organisation_id", "name"),
        sa.CheckConstraint(UnitKind.sql_in("unit_kind"), name="unit_kind_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    unit_kind: Mapped[str] = mapped_column(sa.String(30))
    address: Mapped[str | None] = mapped_column(sa.String(200))
    contact_name: Mapped[str] = mapped_column(sa.String(80))
    contact_user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    # The unit's seal (a PNG with transparency), stamped on its evaluations in the practice certificate.
    seal_png: Mapped[bytes | None] = mapped_column(sa.LargeBinary, deferred=True)
    seal_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    # The unit's place as a station (made when a programme's practice starts there), led by its contact.
    station_id: Mapped[int | None] = mapped_column(sa.ForeignKey("stations.id"))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organisation: Mapped[Organisation] = relationship()
    contact: Mapped[User] = relationship(foreign_keys=[contact_user_id])
    station: Mapped[Station | None] = relationship()

    @property
    def scope_organisation(self) -> Organisation:
        return self.organisation

    @property
    def unit_kind_label(self) -> str:
        return UnitKind.label_of(self.unit_kind)

    def is_contact(self, user) -> bool:
        """Whether ``user`` signs in for this unit (its account: its posts and their applicants)."""
        return user is not None and getattr(user, "is_authenticated", False) and user.id == self.contact_user_id


class Post(db.Model):
    """A post a host unit offers in a programme: its places are never exceeded (``filled`` counts
    the accepted offers, moved by a conditional UPDATE and held by a CHECK)."""

    __tablename__ = "practice_posts"
    __table_args__ = (
        sa.CheckConstraint(PostKind.sql_in("post_kind"), name="post_kind_known"),
        sa.CheckConstraint(PostState.sql_in("state"), name="state_known"),
        sa.CheckConstraint("places > 0", name="places_positive"),
        sa.CheckConstraint("filled >= 0 AND filled <= places", name="within_places"),
        sa.CheckConstraint("ends_on >= starts_on", name="dates_ordered"),
        sa.Index("ix_practice_posts_programme_state", "programme_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("practice_programmes.id"))
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("practice_host_units.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(120))
    post_kind: Mapped[str] = mapped_column(sa.String(30))
    places: Mapped[int] = mapped_column()
    filled: Mapped[int] = mapped_column(default=0, server_default="0")
    place_of_work: Mapped[str] = mapped_column(sa.String(200))
    starts_on: Mapped[date] = mapped_column(sa.Date)
    ends_on: Mapped[date] = mapped_column(sa.Date)
    duties: Mapped[str] = mapped_column(sa.Text)
    requirements: Mapped[str | None] = mapped_column(sa.Text)
    supervisor_name: Mapped[str] = mapped_column(sa.String(80))
    supervisor_phone: Mapped[str | None] = mapped_column(sa.String(20))
    state: Mapped[str] = mapped_column(sa.String(20), default=PostState.SUBMITTED)
    return_reason: Mapped[str | None] = mapped_column(sa.String(500))
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    programme: Mapped[Programme] = relationship()
    unit: Mapped[HostUnit] = relationship()

    @property
    def scope_organisation(self) -> Organisation:
        return self.unit.organisation

    @property
    def state_label(self) -> str:
        return PostState.label_of(self.state)

    @property
    def post_kind_label(self) -> str:
        return PostKind.label_of(self.post_kind)

    @property
    def days(self) -> int:
        """The days of the post, its first and last included."""
        return (self.ends_on - self.starts_on).days + 1

    @property
    def places_left(self) -> int:
        return self.places - self.filled

    @property
    def is_offered(self) -> bool:
        """Approved by the league: students see it and may choose it."""
        return self.state == PostState.APPROVED

    @property
    def is_editable(self) -> bool:
        """The unit may change it and submit it again: waiting or returned, never once approved."""
        return self.state in (PostState.SUBMITTED, PostState.RETURNED)


class StudentApplication(db.Model):
    """A student's application to a programme: their school, student number, major, grade and
    hometown as they gave them, and up to three ranked choices of posts."""

    __tablename__ = "practice_applications"
    __table_args__ = (
        sa.UniqueConstraint("programme_id", "volunteer_id"),
        sa.CheckConstraint(StudentApplicationState.sql_in("state"), name="state_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("practice_programmes.id"), index=True)
    volunteer_id: Mapped[int] = mapped_column(sa.ForeignKey("volunteers.id"), index=True)
    school_name: Mapped[str] = mapped_column(sa.String(120))
    student_number: Mapped[str] = mapped_column(sa.String(40))
    major: Mapped[str] = mapped_column(sa.String(80))
    grade: Mapped[str] = mapped_column(sa.String(20))
    hometown_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"))
    state: Mapped[str] = mapped_column(sa.String(30), default=StudentApplicationState.CHOOSING)
    placed_post_id: Mapped[int | None] = mapped_column(sa.ForeignKey("practice_posts.id"))
    # A minor's guardian agreed to this practice (the applicant confirmed it when applying).
    guardian_consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Before the post: the version of the commitment letter acknowledged and when; the insurance
    # the student holds for the practice (insurer and policy number) and when they confirmed it.
    commitment_id: Mapped[int | None] = mapped_column(sa.ForeignKey("practice_commitments.id"))
    committed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    insurance: Mapped[str | None] = mapped_column(sa.String(200))
    insured_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # a photo of the policy, if the student uploaded one (re-encoded as our own JPEG)
    insurance_proof: Mapped[bytes | None] = mapped_column(sa.LargeBinary, deferred=True)
    insurance_proof_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    programme: Mapped[Programme] = relationship()
    volunteer: Mapped[Volunteer] = relationship()
    hometown: Mapped[Organisation] = relationship()
    placed_post: Mapped[Post | None] = relationship()
    commitment: Mapped[Commitment | None] = relationship()
    choices: Mapped[list[PostChoice]] = relationship(back_populates="application", order_by="PostChoice.rank")

    @property
    def scope_organisation(self) -> Organisation:
        return self.programme.organisation

    @property
    def state_label(self) -> str:
        return StudentApplicationState.label_of(self.state)

    @hybrid_property
    def is_placed(self) -> bool:
        return self.state == StudentApplicationState.PLACED

    @is_placed.inplace.expression
    @classmethod
    def _is_placed_clause(cls) -> sa.ColumnElement[bool]:
        return cls.state == StudentApplicationState.PLACED

    def has_committed_to(self, commitment: Commitment | None) -> bool:
        """Whether the student acknowledged this version of the letter (None: there is no letter)."""
        return commitment is None or self.commitment_id == commitment.id

    def is_ready_for_post(self, commitment: Commitment | None) -> bool:
        """Placed, the current commitment letter acknowledged and the insurance confirmed."""
        return self.is_placed and self.has_committed_to(commitment) and self.insured_at is not None


class PostChoice(db.Model):
    """One of an application's ranked choices (1 to 3; none when the league placed the student by
    hand), and where the unit's selection of it stands. A student holds at most one accepted offer:
    a partial unique index says so whatever runs at once."""

    __tablename__ = "practice_choices"
    __table_args__ = (
        sa.UniqueConstraint("application_id", "rank"),
        sa.UniqueConstraint("application_id", "post_id"),
        sa.CheckConstraint(PostChoiceState.sql_in("state"), name="state_known"),
        sa.CheckConstraint(f"rank IS NULL OR rank BETWEEN 1 AND {MAX_CHOICES}", name="rank_in_range"),
        sa.Index("uq_practice_choices_accepted", "application_id", unique=True,
                 sqlite_where=sa.text(PostChoiceState.sql_in("state", [PostChoiceState.ACCEPTED])),
                 postgresql_where=sa.text(PostChoiceState.sql_in("state", [PostChoiceState.ACCEPTED]))),
        sa.Index("ix_practice_choices_post_state", "post_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("practice_applications.id"))
    post_id: Mapped[int] = mapped_column(sa.ForeignKey("practice_posts.id"))
    rank: Mapped[int | None] = mapped_column()
    state: Mapped[str] = mapped_column(sa.String(30), default=PostChoiceState.WAITING)
    interview_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    interview_place: Mapped[str | None] = mapped_column(sa.String(200))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    application: Mapped[StudentApplication] = relationship(back_populates="choices")
    post: Mapped[Post] = relationship()

    @property
    def scope_organisation(self) -> Organisation:
        return self.post.unit.organisation

    @property
    def state_label(self) -> str:
        return PostChoiceState.label_of(self.state)

    @property
    def volunteer_id(self) -> int:
        return self.application.volunteer_id

    def unit_may(self, target: str) -> bool:
        """Whether the unit may make this move now: two-way selection, the student still choosing,
        the choice in a state the move starts from (the services refuse the rest)."""
        return self.post.programme.is_matching and self.application.state == StudentApplicationState.CHOOSING \
            and self.state in UNIT_MOVES.get(target, ())

    @property
    def can_be_answered(self) -> bool:
        """An offer the student may accept or decline now."""
        return self.post.programme.is_matching and self.state == PostChoiceState.OFFERED \
            and self.application.state == StudentApplicationState.CHOOSING

    @property
    def is_open(self) -> bool:
        """Still in play: the unit may shortlist, interview or offer; the student may accept an offer."""
        return self.state in OPEN_CHOICES


class Commitment(db.Model):
    """One version of a programme's commitment letter (承诺书): a new text is a new version, and a
    student's acknowledgement names the version they read."""

    __tablename__ = "practice_commitments"
    __table_args__ = (sa.UniqueConstraint("programme_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("practice_programmes.id"))
    version: Mapped[int] = mapped_column()
    text: Mapped[str] = mapped_column(sa.Text)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    programme: Mapped[Programme] = relationship()

    @property
    def scope_organisation(self) -> Organisation:
        return self.programme.organisation
