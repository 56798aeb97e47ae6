"""Shifts: time slots under a position, at a station, with places; volunteers' sign-ups (held
places, the waiting list, offers of freed places) and their leave requests.

``held_count`` (confirmed and offered sign-ups) moves only by conditional UPDATEs and a CHECK
keeps it within the capacity, so the database itself refuses one place too many; the waiting
list is the waiting sign-ups in the order they came (their ids)."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from volunteer.core.time import UTCDateTime, utcnow
from volunteer.extensions import db
from volunteer.organisations.models import Organisation
from volunteer.projects.models import Position
from volunteer.shifts.vocabulary import HOLDING, LIVE_SIGNUPS, LeaveState, SignupState
from volunteer.stations.models import Station


class Shift(db.Model):
    __tablename__ = "shifts"
    __table_args__ = (
        sa.CheckConstraint("capacity > 0", name="capacity_positive"),
        sa.CheckConstraint("held_count >= 0 AND held_count <= capacity", name="within_capacity"),
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        sa.Index("ix_shifts_starts", "starts_at"),
        sa.Index("ix_shifts_station_starts", "station_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    position_id: Mapped[int] = mapped_column(sa.ForeignKey("positions.id"), index=True)
    station_id: Mapped[int | None] = mapped_column(sa.ForeignKey("stations.id"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    capacity: Mapped[int] = mapped_column()
    held_count: Mapped[int] = mapped_column(default=0)
    note: Mapped[str | None] = mapped_column(sa.String(500))
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancel_reason: Mapped[str | None] = mapped_column(sa.String(500))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    position: Mapped[Position] = relationship()
    station: Mapped[Station | None] = relationship()
    signups: Mapped[list[Signup]] = relationship(back_populates="shift", order_by="Signup.id")

    @property
    def scope_organisation(self) -> Organisation:
        return self.position.project.organisation

    @property
    def project(self):
        return self.position.project

    @property
    def zone(self) -> ZoneInfo:
        """Its times are entered and shown in its station's zone (else its project's)."""
        return self.station.zone if self.station is not None else self.position.project.zone

    @property
    def minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def places_left(self) -> int:
        return self.capacity - self.held_count

    def count(self, *states: str) -> int:
        return sum(1 for s in self.signups if s.state in states)


class Signup(db.Model):
    """A volunteer in a shift: confirmed (a place), waiting (in the queue), offered a freed place
    until ``offered_until``; or how it ended."""

    __tablename__ = "shift_signups"
    __table_args__ = (
        sa.CheckConstraint(SignupState.sql_in("state"), name="state_known"),
        sa.Index("uq_shift_signups_live", "shift_id", "volunteer_id", unique=True,
                 sqlite_where=sa.text(SignupState.sql_in("state", LIVE_SIGNUPS)),
                 postgresql_where=sa.text(SignupState.sql_in("state", LIVE_SIGNUPS))),
        sa.Index("uq_shift_signups_request", "volunteer_id", "request_id", unique=True,
                 sqlite_where=sa.text("request_id IS NOT NULL"), postgresql_where=sa.text("request_id IS NOT NULL")),
        sa.Index("ix_shift_signups_queue", "shift_id", "state", "id"),
        sa.Index("ix_shift_signups_volunteer", "volunteer_id", "state"),
        sa.Index("ix_shift_signups_offers", "state", "offered_until"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shift_id: Mapped[int] = mapped_column(sa.ForeignKey("shifts.id"))
    volunteer_id: Mapped[int] = mapped_column(sa.ForeignKey("volunteers.id"))
    state: Mapped[str] = mapped_column(sa.String(20))
    offered_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the first check-in during it
    request_id: Mapped[str | None] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    shift: Mapped[Shift] = relationship(back_populates="signups")
    volunteer = relationship("Volunteer")
    leave_requests: Mapped[list[LeaveRequest]] = relationship(back_populates="signup", order_by="LeaveRequest.id")

    @property
    def scope_organisation(self) -> Organisation:
        return self.shift.scope_organisation

    @property
    def state_label(self) -> str:
        return SignupState.label_of(self.state)

    @property
    def is_live(self) -> bool:
        return self.state in LIVE_SIGNUPS

    @property
    def holds_place(self) -> bool:
        return self.state in HOLDING

    @property
    def open_leave(self) -> LeaveRequest | None:
        return next((r for r in self.leave_requests if r.state == LeaveState.ASKED), None)


class LeaveRequest(db.Model):
    """请假: a confirmed volunteer asks to be let off a shift, with a reason; one open at a time."""

    __tablename__ = "shift_leave_requests"
    __table_args__ = (
        sa.CheckConstraint(LeaveState.sql_in("state"), name="state_known"),
        sa.Index("uq_shift_leave_requests_open", "signup_id", unique=True,
                 sqlite_where=sa.text(LeaveState.sql_in("state", [LeaveState.ASKED])),
                 postgresql_where=sa.text(LeaveState.sql_in("state", [LeaveState.ASKED]))),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    signup_id: Mapped[int] = mapped_column(sa.ForeignKey("shift_signups.id"), index=True)
    reason: Mapped[str] = mapped_column(sa.String(500))
    state: Mapped[str] = mapped_column(sa.String(20), default=LeaveState.ASKED)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    note: Mapped[str | None] = mapped_column(sa.String(500))
    # asked after the cancellation cutoff (a late cancellation), as the cutoff stood then
    late: Mapped[bool] = mapped_column(sa.Boolean, default=False, server_default=sa.false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    signup: Mapped[Signup] = relationship(back_populates="leave_requests")

    @property
    def scope_organisation(self) -> Organisation:
        return self.signup.scope_organisation

    @property
    def state_label(self) -> str:
        return LeaveState.label_of(self.state)
