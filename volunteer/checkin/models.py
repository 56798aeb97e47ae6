"""Service sessions (签到记录) and the scans that open and close them."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from volunteer.accounts.models import Volunteer
from volunteer.checkin.vocabulary import AutoCloseReason, ScanAction, SessionSource, SessionState
from volunteer.core.time import UTCDateTime, utcnow
from volunteer.extensions import db
from volunteer.projects.models import Project
from volunteer.shifts.models import Shift
from volunteer.stations.models import Station

_OPEN = f"state = '{SessionState.OPEN}'"
# A scan whose request_id was answered (a refused scan may be retried): one per user and request.
ANSWERED_REQUEST = f"request_id IS NOT NULL AND outcome != '{ScanAction.REFUSED}'"


class ServiceSession(db.Model):
    """One check-in and its check-out, at one station, for one project."""

    __tablename__ = "service_sessions"
    __table_args__ = (
        sa.CheckConstraint(SessionState.sql_in("state"), name="state_known"),
        sa.CheckConstraint(SessionSource.sql_in("source"), name="source_known"),
        sa.CheckConstraint(f"({_OPEN}) = (checked_out_at IS NULL)", name="closed_has_end"),
        sa.CheckConstraint("minutes IS NULL OR minutes >= 0", name="minutes_not_negative"),
        # At most one open session per volunteer, anywhere: the last word when two scans race.
        sa.Index("uq_service_sessions_one_open", "volunteer_id", unique=True,
                 sqlite_where=sa.text(_OPEN), postgresql_where=sa.text(_OPEN)),
        sa.Index("ix_service_sessions_daily", "volunteer_id", "project_id", "served_on"),
        sa.Index("ix_service_sessions_station_in", "station_id", "checked_in_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    volunteer_id: Mapped[int] = mapped_column(sa.ForeignKey("volunteers.id"))
    station_id: Mapped[int] = mapped_column(sa.ForeignKey("stations.id"))
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id"), index=True)
    state: Mapped[str] = mapped_column(sa.String(10), default=SessionState.OPEN)
    source: Mapped[str] = mapped_column(sa.String(12), default=SessionSource.SELF_SCAN)
    checked_in_at: Mapped[datetime] = mapped_column(UTCDateTime)
    checked_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The station's local date of the check-in: the day the 3-a-day rule and the ledger count.
    served_on: Mapped[date] = mapped_column(sa.Date)
    # Exact minutes served; None when the system closed the session (it never invents hours).
    minutes: Mapped[int | None] = mapped_column()
    auto_closed: Mapped[bool] = mapped_column(default=False)
    auto_close_reason: Mapped[str | None] = mapped_column(sa.String(20))
    # Location evidence, kept as the least the check needs: the distance, not the coordinates.
    distance_m: Mapped[int | None] = mapped_column()
    outside_radius: Mapped[bool] = mapped_column(default=False)
    checked_in_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    checked_out_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # The lead who typed the volunteer's number for its check-in or check-out (no card shown):
    # someone else approves what it credits.
    typed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # The shift the volunteer signed up for that this session serves (a check-in during it).
    shift_id: Mapped[int | None] = mapped_column(sa.ForeignKey("shifts.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    volunteer: Mapped[Volunteer] = relationship()
    station: Mapped[Station] = relationship()
    project: Mapped[Project] = relationship()
    shift: Mapped[Shift | None] = relationship()

    @property
    def scope_organisation(self):
        return self.station.organisation

    @hybrid_property
    def is_open(self) -> bool:
        return self.state == SessionState.OPEN

    @is_open.inplace.expression
    @classmethod
    def _is_open_clause(cls) -> sa.ColumnElement[bool]:
        return cls.state == SessionState.OPEN

    @property
    def source_label(self) -> str:
        return SessionSource.label_of(self.source)

    @property
    def auto_close_label(self) -> str:
        return AutoCloseReason.label_of(self.auto_close_reason) if self.auto_close_reason else ""


class Scan(db.Model):
    """Every scan received, refused ones too: who, where, what came of it and why, when it was
    made and when the server got it. A retry with the same ``request_id`` is answered from here."""

    __tablename__ = "scans"
    __table_args__ = (
        sa.CheckConstraint(ScanAction.sql_in("outcome"), name="outcome_known"),
        sa.Index("uq_scans_request", "user_id", "request_id", unique=True,
                 sqlite_where=sa.text(ANSWERED_REQUEST), postgresql_where=sa.text(ANSWERED_REQUEST)),
        sa.Index("ix_scans_volunteer_received", "volunteer_id", "received_at"),
        sa.Index("ix_scans_station_received", "station_id", "received_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))  # who sent it: volunteer or lead
    volunteer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("volunteers.id"))
    station_id: Mapped[int | None] = mapped_column(sa.ForeignKey("stations.id"))
    project_id: Mapped[int | None] = mapped_column(sa.ForeignKey("projects.id"))
    session_id: Mapped[int | None] = mapped_column(sa.ForeignKey("service_sessions.id"), index=True)
    source: Mapped[str] = mapped_column(sa.String(12))
    code_kind: Mapped[str | None] = mapped_column(sa.String(10))  # vocabulary.ScannedCode
    outcome: Mapped[str] = mapped_column(sa.String(12))
    reason: Mapped[str | None] = mapped_column(sa.String(40))  # the refusal code
    status: Mapped[int] = mapped_column(sa.SmallInteger)
    request_id: Mapped[str | None] = mapped_column(sa.String(64))
    scanned_at: Mapped[datetime] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    distance_m: Mapped[int | None] = mapped_column()

    session: Mapped[ServiceSession | None] = relationship()
