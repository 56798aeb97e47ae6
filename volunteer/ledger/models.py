"""Ledger entries (时长台账). For now: the pending entry a check-out writes; approval comes next."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from volunteer.accounts.models import Volunteer
from volunteer.core.time import UTCDateTime, utcnow
from volunteer.extensions import db
from volunteer.projects.models import Project
from volunteer.stations.models import Station


class LedgerEntry(db.Model):
    __tablename__ = "ledger_entries"
    __table_args__ = (
        sa.CheckConstraint("state IN ('pending', 'approved', 'rejected')", name="state_known"),
        sa.CheckConstraint("source IN ('checkin', 'manual', 'correction')", name="source_known"),
        sa.CheckConstraint("minutes >= 0", name="minutes_not_negative"),
        sa.Index("ix_ledger_entries_volunteer_served", "volunteer_id", "served_on"),
        sa.Index("ix_ledger_entries_station_state", "station_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    volunteer_id: Mapped[int] = mapped_column(sa.ForeignKey("volunteers.id"))
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id"), index=True)
    station_id: Mapped[int | None] = mapped_column(sa.ForeignKey("stations.id"))
    # One entry per session: a check-out can never be credited twice.
    session_id: Mapped[int | None] = mapped_column(sa.ForeignKey("service_sessions.id"), unique=True)
    minutes: Mapped[int] = mapped_column()
    served_on: Mapped[date] = mapped_column(sa.Date)
    source: Mapped[str] = mapped_column(sa.String(12), default="checkin")
    state: Mapped[str] = mapped_column(sa.String(10), default="pending")
    # Flags for the lead's queue.
    auto_closed: Mapped[bool] = mapped_column(default=False)
    outside_radius: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    volunteer: Mapped[Volunteer] = relationship()
    project: Mapped[Project] = relationship()
    station: Mapped[Station | None] = relationship()
