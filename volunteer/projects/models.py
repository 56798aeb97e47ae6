"""Projects, their history, resources raised, positions, applications and evaluation."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from volunteer.core.time import DEFAULT_ZONE, UTCDateTime, local_date, utcnow
from volunteer.extensions import db
from volunteer.organisations.models import Organisation
from volunteer.projects.vocabulary import (
    ApplicationState,
    Category,
    Level,
    ProjectState,
    ResourceKind,
    ResourceStatus,
)
from volunteer.stations.models import Station

# Anyone sees a project that recruits or runs.
PUBLIC_STATES = (ProjectState.RECRUITING, ProjectState.RUNNING)
# A live application holds a place or asks for one; one per volunteer and position.
LIVE_APPLICATION_STATES = (ApplicationState.PENDING, ApplicationState.ACCEPTED)


project_stations = sa.Table(
    "project_stations",
    db.metadata,
    sa.Column("project_id", sa.ForeignKey("projects.id"), primary_key=True),
    sa.Column("station_id", sa.ForeignKey("stations.id"), primary_key=True, index=True),
)


class Project(db.Model):
    __tablename__ = "projects"
    __table_args__ = (
        sa.CheckConstraint(ProjectState.sql_in("state"), name="state_known"),
        sa.CheckConstraint(Category.sql_in("category"), name="category_known"),
        sa.CheckConstraint("ends_on IS NULL OR starts_on IS NULL OR ends_on >= starts_on", name="dates_ordered"),
        sa.Index("ix_projects_state_starts", "state", "starts_on"),
        sa.CheckConstraint("shift_minutes IS NULL OR shift_minutes BETWEEN 1 AND 1440", name="shift_in_day"),
        sa.CheckConstraint("min_attendance_percent IS NULL OR min_attendance_percent BETWEEN 1 AND 100",
                           name="min_attendance_percent"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    category: Mapped[str] = mapped_column(sa.String(20), default=Category.COMMUNITY)
    level: Mapped[str | None] = mapped_column(sa.String(20))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    starts_on: Mapped[date | None] = mapped_column(sa.Date)
    ends_on: Mapped[date | None] = mapped_column(sa.Date)
    target_volunteers: Mapped[int | None] = mapped_column()
    target_hours: Mapped[int | None] = mapped_column()
    target_beneficiaries: Mapped[int | None] = mapped_column()
    roster_required: Mapped[bool] = mapped_column(default=False)
    # Run by another domain's record (a practice programme's): its state and roster follow that record.
    delegated: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # Check-in only during a shift the volunteer holds a place on (a training's sessions).
    shifts_only: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # Only the code on a station's screen checks in to this project, not a printed poster.
    require_rotating_code: Mapped[bool] = mapped_column(default=False)
    # Optional minimum attendance: a share of the shift below which a session credits nothing.
    shift_minutes: Mapped[int | None] = mapped_column()
    min_attendance_percent: Mapped[int | None] = mapped_column()
    # Where it is held beside (or instead of) its stations, and whom volunteers may call: typed by
    # its staff to be published, never taken from anyone's account (a manager's own phone and name
    # stay private).
    place: Mapped[str | None] = mapped_column(sa.String(200))
    contact_name: Mapped[str | None] = mapped_column(sa.String(60))
    contact_phone: Mapped[str | None] = mapped_column(sa.String(30))
    state: Mapped[str] = mapped_column(sa.String(20), default=ProjectState.DRAFT)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    submitted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    screening_comment: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organisation: Mapped[Organisation] = relationship()
    stations = relationship("Station", secondary=project_stations, order_by="Station.name")
    transitions: Mapped[list[ProjectTransition]] = relationship(
        back_populates="project", order_by="ProjectTransition.id")
    resources: Mapped[list[Resource]] = relationship(back_populates="project", order_by="Resource.id")
    positions: Mapped[list[Position]] = relationship(back_populates="project", order_by="Position.id")
    evaluation: Mapped[Evaluation | None] = relationship(back_populates="project", uselist=False)

    @property
    def scope_organisation(self) -> Organisation:
        return self.organisation

    @property
    def state_label(self) -> str:
        return ProjectState.label_of(self.state)

    @property
    def category_label(self) -> str:
        return Category.label_of(self.category)

    @property
    def level_label(self) -> str:
        return Level.label_of(self.level) if self.level else ""

    @property
    def zone(self) -> ZoneInfo:
        """The zone its times are entered and shown in: its stations' where they share one (as
        check-in reads a station's), else the default."""
        zones = {s.timezone for s in self.stations}
        return self.stations[0].zone if len(zones) == 1 else DEFAULT_ZONE

    @hybrid_property
    def is_public(self) -> bool:
        """Anyone may see it: it recruits or runs."""
        return self.state in PUBLIC_STATES

    @is_public.inplace.expression
    @classmethod
    def _is_public_clause(cls) -> sa.ColumnElement[bool]:
        return cls.state.in_(PUBLIC_STATES)

    def runs_on(self, day: date) -> bool:
        """``day`` lies within the project's dates (open-ended where one is not set)."""
        return (self.starts_on is None or self.starts_on <= day) and (self.ends_on is None or day <= self.ends_on)

    def accepts_checkins(self, now: datetime, zone=DEFAULT_ZONE) -> bool:
        """Check-in happens only while the project runs, on its dates (in the station's zone)."""
        return self.state == ProjectState.RUNNING and self.runs_on(local_date(now, zone))

    # Service is recorded once a project runs, until it closes (paused and being evaluated too).
    MANUAL_ENTRY_STATES = (ProjectState.RUNNING, ProjectState.SUSPENDED, ProjectState.EVALUATING)

    def accepts_manual_entries(self) -> bool:
        return self.state in self.MANUAL_ENTRY_STATES

    def takes_signups(self, now: datetime) -> bool:
        """Its rostered volunteers take shifts while it recruits or runs, until its last day."""
        today = local_date(now, DEFAULT_ZONE)
        return self.is_public and (self.ends_on is None or today <= self.ends_on)

    def accepts_applications(self, now: datetime) -> bool:
        """Volunteers apply while it takes sign-ups, never to a delegated one (its roster is its owner's)."""
        return not self.delegated and self.takes_signups(now)

    def takes_shifts(self) -> bool:
        """Its positions' shifts are planned until it is evaluated."""
        return self.state not in (ProjectState.EVALUATING, ProjectState.CLOSED, ProjectState.CANCELLED)

    def accepts_positions(self) -> bool:
        """Its managers add positions while it takes shifts (a delegated one's are its owner's)."""
        return not self.delegated and self.takes_shifts()

    def accepts_resources(self) -> bool:
        return self.state not in (ProjectState.CLOSED, ProjectState.CANCELLED)

    def accepts_evaluation(self) -> bool:
        return self.state == ProjectState.EVALUATING

    def accepts_decisions(self) -> bool:
        """Managers decide on applications while the project recruits, runs or is paused (a
        delegated project's roster is its owner's)."""
        return not self.delegated and self.state in (ProjectState.RECRUITING, ProjectState.RUNNING,
                                                     ProjectState.SUSPENDED)

    def is_editable(self) -> bool:
        return self.state in (ProjectState.DRAFT, ProjectState.REJECTED)

    @property
    def has_reached_evaluation(self) -> bool:
        """Finished: its evaluation is being recorded, or it is closed with one."""
        return self.state in (ProjectState.EVALUATING, ProjectState.CLOSED)

    @property
    def screening_comment_stands(self) -> bool:
        """The screener's comment still concerns the project: it was rejected and is being revised."""
        return bool(self.screening_comment) and self.state in (ProjectState.REJECTED, ProjectState.DRAFT)


# The projects running at a station (their dates are checked by Project.accepts_checkins);
# check-in loads them with the station in one query.
Station.running_projects = relationship(
    Project, secondary=project_stations, viewonly=True,
    primaryjoin=Station.id == project_stations.c.station_id,
    secondaryjoin=sa.and_(Project.id == project_stations.c.project_id, Project.state == ProjectState.RUNNING),
    order_by=(Project.title, Project.id))


class ProjectTransition(db.Model):
    """One row per change of state: the project's history."""

    __tablename__ = "project_transitions"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id"), index=True)
    from_state: Mapped[str] = mapped_column(sa.String(20))
    to_state: Mapped[str] = mapped_column(sa.String(20))
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    comment: Mapped[str | None] = mapped_column(sa.Text)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    project: Mapped[Project] = relationship(back_populates="transitions")
    actor = relationship("User")

    @property
    def from_label(self) -> str:
        return ProjectState.label_of(self.from_state)

    @property
    def to_label(self) -> str:
        return ProjectState.label_of(self.to_state)


class Resource(db.Model):
    """Resources raised (资源筹措): funds, materials or a partner, pledged or received."""

    __tablename__ = "project_resources"
    __table_args__ = (
        sa.CheckConstraint(ResourceKind.sql_in("kind"), name="kind_known"),
        sa.CheckConstraint(ResourceStatus.sql_in("status"), name="status_known"),
        sa.CheckConstraint("amount IS NULL OR amount >= 0", name="amount_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    status: Mapped[str] = mapped_column(sa.String(20), default=ResourceStatus.PLEDGED)
    description: Mapped[str] = mapped_column(sa.String(200))
    source: Mapped[str | None] = mapped_column(sa.String(120))
    amount: Mapped[Decimal | None] = mapped_column(sa.Numeric(14, 2))
    unit: Mapped[str | None] = mapped_column(sa.String(20))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    project: Mapped[Project] = relationship(back_populates="resources")

    @property
    def kind_label(self) -> str:
        return ResourceKind.label_of(self.kind)

    @property
    def status_label(self) -> str:
        return ResourceStatus.label_of(self.status)

    @property
    def scope_organisation(self) -> Organisation:
        return self.project.organisation


class Position(db.Model):
    """A place volunteers apply for. ``accepted_count`` moves only by a conditional UPDATE, and
    the CHECK makes the database itself refuse one acceptance too many."""

    __tablename__ = "positions"
    __table_args__ = (
        sa.CheckConstraint("capacity > 0", name="capacity_positive"),
        sa.CheckConstraint("accepted_count >= 0 AND accepted_count <= capacity", name="within_capacity"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(120))
    capacity: Mapped[int] = mapped_column()
    accepted_count: Mapped[int] = mapped_column(default=0)
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    requirements: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    project: Mapped[Project] = relationship(back_populates="positions")
    applications: Mapped[list[Application]] = relationship(back_populates="position", order_by="Application.id")

    @property
    def scope_organisation(self) -> Organisation:
        return self.project.organisation

    @property
    def places_left(self) -> int:
        return self.capacity - self.accepted_count

    @hybrid_property
    def is_full(self) -> bool:
        """Every place is taken: nobody more may apply, and no acceptance can take one."""
        return self.accepted_count >= self.capacity

    @is_full.inplace.expression
    @classmethod
    def _is_full_clause(cls) -> sa.ColumnElement[bool]:
        return cls.accepted_count >= cls.capacity

    @property
    def has_pending_applications(self) -> bool:
        return any(a.is_pending for a in self.applications)


class Application(db.Model):
    """A volunteer's application for a position (双向选择). At most one live (pending or
    accepted) application per volunteer and position, enforced by a partial unique index."""

    __tablename__ = "applications"
    __table_args__ = (
        sa.CheckConstraint(ApplicationState.sql_in("state"), name="state_known"),
        sa.Index("uq_applications_live", "position_id", "volunteer_id", unique=True,
                 sqlite_where=sa.text(ApplicationState.sql_in("state", LIVE_APPLICATION_STATES)),
                 postgresql_where=sa.text(ApplicationState.sql_in("state", LIVE_APPLICATION_STATES))),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    position_id: Mapped[int] = mapped_column(sa.ForeignKey("positions.id"), index=True)
    volunteer_id: Mapped[int] = mapped_column(sa.ForeignKey("volunteers.id"), index=True)
    state: Mapped[str] = mapped_column(sa.String(20), default=ApplicationState.PENDING)
    note: Mapped[str | None] = mapped_column(sa.String(500))
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    position: Mapped[Position] = relationship(back_populates="applications")
    volunteer = relationship("Volunteer")

    @property
    def scope_organisation(self) -> Organisation:
        return self.position.project.organisation

    @property
    def state_label(self) -> str:
        return ApplicationState.label_of(self.state)

    @hybrid_property
    def is_live(self) -> bool:
        """Pending or accepted: it holds (or asks for) a place, and may be withdrawn."""
        return self.state in LIVE_APPLICATION_STATES

    @is_live.inplace.expression
    @classmethod
    def _is_live_clause(cls) -> sa.ColumnElement[bool]:
        return cls.state.in_(LIVE_APPLICATION_STATES)

    @property
    def is_pending(self) -> bool:
        return self.state == ApplicationState.PENDING

    @hybrid_property
    def is_accepted(self) -> bool:
        """On the project's roster."""
        return self.state == ApplicationState.ACCEPTED

    @is_accepted.inplace.expression
    @classmethod
    def _is_accepted_clause(cls) -> sa.ColumnElement[bool]:
        return cls.state == ApplicationState.ACCEPTED


class Evaluation(db.Model):
    """成效评估: what staff enter, beside the figures the system computes (kept as computed when
    the evaluation was saved, so the closed project shows what it was closed with)."""

    __tablename__ = "evaluations"
    __table_args__ = (sa.CheckConstraint("rating BETWEEN 1 AND 5", name="rating_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id"), unique=True)
    beneficiaries_served: Mapped[int] = mapped_column()
    outcomes: Mapped[str] = mapped_column(sa.Text)
    rating: Mapped[int] = mapped_column()
    summary: Mapped[str] = mapped_column(sa.Text)
    computed: Mapped[dict] = mapped_column(sa.JSON)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    project: Mapped[Project] = relationship(back_populates="evaluation")
    attachments: Mapped[list[Attachment]] = relationship(back_populates="evaluation", order_by="Attachment.id")

    @property
    def scope_organisation(self) -> Organisation:
        return self.project.organisation


class Attachment(db.Model):
    """A file attached to an evaluation, stored under a random name outside the web root."""

    __tablename__ = "evaluation_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(sa.ForeignKey("evaluations.id"), index=True)
    filename: Mapped[str] = mapped_column(sa.String(200))
    content_type: Mapped[str] = mapped_column(sa.String(100))
    size: Mapped[int] = mapped_column()
    sha256: Mapped[str] = mapped_column(sa.String(64))
    storage_name: Mapped[str] = mapped_column(sa.String(64), unique=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    evaluation: Mapped[Evaluation] = relationship(back_populates="attachments")

    @property
    def scope_organisation(self) -> Organisation:
        return self.evaluation.project.organisation
