"""Ledger entries (时长台账) and the per-volunteer totals kept beside them.

An approved entry is never changed or deleted (a database trigger refuses it too); a correction
is a new entry that refers to the one it corrects, and totals follow the newest figure."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from volunteer.accounts.models import User, Volunteer
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
        sa.CheckConstraint("state != 'approved' OR (credited_minutes IS NOT NULL AND decided_at IS NOT NULL)",
                           name="approved_is_credited"),
        sa.CheckConstraint("(source = 'correction') = (corrects_id IS NOT NULL)", name="correction_refers"),
        sa.Index("ix_ledger_entries_volunteer_served", "volunteer_id", "served_on"),
        sa.Index("ix_ledger_entries_station_state", "station_id", "state"),
        # An entry is corrected once; a further correction corrects the correction.
        sa.Index("uq_ledger_entries_corrects", "corrects_id", unique=True,
                 sqlite_where=sa.text("corrects_id IS NOT NULL"), postgresql_where=sa.text("corrects_id IS NOT NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    volunteer_id: Mapped[int] = mapped_column(sa.ForeignKey("volunteers.id"))
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id"), index=True)
    station_id: Mapped[int | None] = mapped_column(sa.ForeignKey("stations.id"))
    # One entry per session: a check-out can never be credited twice.
    session_id: Mapped[int | None] = mapped_column(sa.ForeignKey("service_sessions.id"), unique=True)
    # The exact minutes decided on (the recorded ones, or as adjusted at approval)...
    minutes: Mapped[int] = mapped_column()
    # ...the minutes as first recorded (the session's, or the manual entry's)...
    recorded_minutes: Mapped[int | None] = mapped_column()
    # ...and what the crediting rule made of them when approved, with the rule's version.
    credited_minutes: Mapped[int | None] = mapped_column()
    rule_version: Mapped[str | None] = mapped_column(sa.String(20))
    served_on: Mapped[date] = mapped_column(sa.Date)
    source: Mapped[str] = mapped_column(sa.String(12), default="checkin")
    state: Mapped[str] = mapped_column(sa.String(10), default="pending")
    # Flags for the lead's queue.
    auto_closed: Mapped[bool] = mapped_column(default=False)
    outside_radius: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))  # manual entries, corrections
    corrects_id: Mapped[int | None] = mapped_column(sa.ForeignKey("ledger_entries.id"))
    activity: Mapped[str | None] = mapped_column(sa.String(200))  # manual entries: what was done...
    activity_minutes: Mapped[int | None] = mapped_column()        # ...and how long it lasted
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reason: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    volunteer: Mapped[Volunteer] = relationship()
    project: Mapped[Project] = relationship()
    station: Mapped[Station | None] = relationship()
    session = relationship("ServiceSession")
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

    @property
    def scope_organisation(self):
        return self.project.organisation


class LedgerTotal(db.Model):
    """A volunteer's approved (credited) and pending (recorded) minutes per project and year,
    kept in the same transaction as every decision, so nobody sums the ledger to read them;
    `flask --app run ledger verify` recomputes them from the entries."""

    __tablename__ = "ledger_totals"
    __table_args__ = (sa.CheckConstraint("pending_minutes >= 0", name="pending_not_negative"),)

    volunteer_id: Mapped[int] = mapped_column(sa.ForeignKey("volunteers.id"), primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id"), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    approved_minutes: Mapped[int] = mapped_column(default=0)
    pending_minutes: Mapped[int] = mapped_column(default=0)


class Dispute(db.Model):
    """A volunteer's objection to an entry, with their note; it goes back to the lead's queue and
    ends in a decision, a correction, or the entry upheld with a reason, all shown to them."""

    __tablename__ = "disputes"
    __table_args__ = (
        sa.CheckConstraint("state IN ('open', 'resolved')", name="state_known"),
        sa.CheckConstraint("resolution IS NULL OR resolution IN ('decided', 'corrected', 'upheld')",
                           name="resolution_known"),
        sa.Index("uq_disputes_one_open", "entry_id", unique=True,
                 sqlite_where=sa.text("state = 'open'"), postgresql_where=sa.text("state = 'open'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(sa.ForeignKey("ledger_entries.id"), index=True)
    volunteer_id: Mapped[int] = mapped_column(sa.ForeignKey("volunteers.id"), index=True)
    note: Mapped[str] = mapped_column(sa.Text)
    state: Mapped[str] = mapped_column(sa.String(10), default="open")
    resolution: Mapped[str | None] = mapped_column(sa.String(10))
    resolution_note: Mapped[str | None] = mapped_column(sa.Text)
    resolved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    entry: Mapped[LedgerEntry] = relationship()

    @property
    def scope_organisation(self):
        return self.entry.project.organisation
