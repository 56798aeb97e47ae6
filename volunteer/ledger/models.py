"""Ledger entries (时长台账), the per-volunteer totals kept beside them and the counts of what
waits for a decision.

An approved entry is never changed or deleted (a database trigger refuses it too); a correction
is a new entry that refers to the one it corrects, and totals follow the newest figure."""
from __future__ import annotations

from datetime import date, datetime, time

import sqlalchemy as sa
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, aliased, mapped_column, relationship

from volunteer.accounts.models import User, Volunteer
from volunteer.core.time import UTCDateTime, utcnow
from volunteer.extensions import db
from volunteer.ledger.vocabulary import DisputeState, EntrySource, EntryState, Resolution
from volunteer.projects.models import Project
from volunteer.stations.models import Station


class LedgerEntry(db.Model):
    __tablename__ = "ledger_entries"
    __table_args__ = (
        sa.CheckConstraint(EntryState.sql_in("state"), name="state_known"),
        sa.CheckConstraint(EntrySource.sql_in("source"), name="source_known"),
        sa.CheckConstraint("minutes >= 0", name="minutes_not_negative"),
        sa.CheckConstraint(f"state != '{EntryState.APPROVED}' OR (credited_minutes IS NOT NULL AND decided_at IS NOT NULL)",
                           name="approved_is_credited"),
        sa.CheckConstraint(f"(source = '{EntrySource.CORRECTION}') = (corrects_id IS NOT NULL)", name="correction_refers"),
        sa.Index("ix_ledger_entries_volunteer_served", "volunteer_id", "served_on"),
        sa.Index("ix_ledger_entries_station_state", "station_id", "state"),
        # What waits now, by project and day, with its minutes (the dashboards read only the index).
        sa.Index("ix_ledger_entries_pending", "project_id", "served_on", "minutes",
                 sqlite_where=sa.text(f"state = '{EntryState.PENDING}'"),
                 postgresql_where=sa.text(f"state = '{EntryState.PENDING}'")),
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
    source: Mapped[str] = mapped_column(sa.String(12), default=EntrySource.CHECKIN)
    state: Mapped[str] = mapped_column(sa.String(10), default=EntryState.PENDING)
    # Flags for the lead's queue.
    auto_closed: Mapped[bool] = mapped_column(default=False)
    outside_radius: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))  # manual entries, corrections
    typed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))  # a session's typed number
    corrects_id: Mapped[int | None] = mapped_column(sa.ForeignKey("ledger_entries.id"))
    activity: Mapped[str | None] = mapped_column(sa.String(200))  # manual entries: what was done...
    activity_minutes: Mapped[int | None] = mapped_column()        # ...and how long it lasted,
    service_from: Mapped[time | None] = mapped_column(sa.Time)       # from when to when, where it
    service_to: Mapped[time | None] = mapped_column(sa.Time)         # was given (local time)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reason: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    volunteer: Mapped[Volunteer] = relationship()
    project: Mapped[Project] = relationship()
    station: Mapped[Station | None] = relationship()
    session = relationship("ServiceSession")
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    # A correction points to the entry it corrects; an entry is corrected at most once.
    corrects: Mapped[LedgerEntry | None] = relationship(remote_side=[id], back_populates="corrected_by")
    corrected_by: Mapped[LedgerEntry | None] = relationship(back_populates="corrects", uselist=False,
                                                            viewonly=True)

    photo: Mapped[SheetPhoto | None] = relationship(uselist=False, viewonly=True)

    @property
    def scope_organisation(self):
        return self.project.organisation

    @property
    def attendance_minutes(self) -> int | None:
        """What the project's minimum attendance is measured against: a manual entry's activity,
        else the shift its session served (a check-in during a signed-up shift); None: the project's
        own shift length. Never a cap on what is credited (that is the session's span)."""
        if self.activity_minutes is not None:
            return self.activity_minutes
        shift = getattr(self.session, "shift", None) if self.session_id is not None else None
        return shift.minutes if shift is not None else None

    @property
    def state_label(self) -> str:
        return EntryState.label_of(self.state)

    @property
    def source_label(self) -> str:
        return EntrySource.label_of(self.source)

    @hybrid_property
    def is_pending(self) -> bool:
        return self.state == EntryState.PENDING

    @is_pending.inplace.expression
    @classmethod
    def _is_pending_clause(cls) -> sa.ColumnElement[bool]:
        return cls.state == EntryState.PENDING

    @property
    def answered_by_lead(self) -> bool:
        """Its station's lead decides on it and answers a dispute of it; an entry recorded without
        a scan has no station and is the project's staff's (ledger.services.access.may_decide)."""
        return self.station_id is not None

    @property
    def is_manual(self) -> bool:
        return self.source == EntrySource.MANUAL

    @property
    def is_correction(self) -> bool:
        return self.source == EntrySource.CORRECTION

    @property
    def is_from_checkin(self) -> bool:
        return self.source == EntrySource.CHECKIN

    @hybrid_property
    def is_superseded(self) -> bool:
        """A later entry corrects this one: its newest figure is that one's."""
        return self.corrected_by is not None

    @is_superseded.inplace.expression
    @classmethod
    def _is_superseded_clause(cls) -> sa.ColumnElement[bool]:
        later = aliased(cls)  # a lookup on the unique index of corrects_id
        return sa.exists().where(later.corrects_id == cls.id)

    @hybrid_property
    def from_checkin(self) -> bool:
        """Its time came from a check-in session (信用时长), not a manual entry (补录): a session's
        entry has its station, and a correction keeps the station of the entry it corrects."""
        return self.station_id is not None

    @from_checkin.inplace.expression
    @classmethod
    def _from_checkin_clause(cls) -> sa.ColumnElement[bool]:
        return cls.station_id.is_not(None)

    @hybrid_property
    def counts_toward_hours(self) -> bool:
        """Approved, credited with more than nothing, and not superseded by a correction: the
        entries whose credited minutes are a volunteer's hours (totals, certificates, figures)."""
        return self.state == EntryState.APPROVED and (self.credited_minutes or 0) > 0 and not self.is_superseded

    @counts_toward_hours.inplace.expression
    @classmethod
    def _counts_toward_hours_clause(cls) -> sa.ColumnElement[bool]:
        return sa.and_(cls.state == EntryState.APPROVED, cls.credited_minutes > 0, ~cls.is_superseded)


class SheetPhoto(db.Model):
    """A photo that backs a manual entry (a sign-in sheet, say): re-encoded as JPEG without its
    metadata (a phone's photo carries where it was taken), kept with the entry in the database so
    that a backup holds both, and like the entry never changed."""

    __tablename__ = "ledger_sheet_photos"

    entry_id: Mapped[int] = mapped_column(sa.ForeignKey("ledger_entries.id"), primary_key=True)
    jpeg: Mapped[bytes] = mapped_column(sa.LargeBinary, deferred=True)
    sha256: Mapped[str] = mapped_column(sa.String(64))
    width: Mapped[int] = mapped_column()
    height: Mapped[int] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


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


class PendingCount(db.Model):
    """What waits for a decision on the projects of one organisation (not those below it): the
    pending entries and their minutes, kept as entries are recorded and decided, so the queues'
    counts of a province read one row per organisation rather than every pending entry."""

    __tablename__ = "ledger_pending_counts"
    __table_args__ = (sa.CheckConstraint("entries >= 0 AND minutes >= 0", name="not_negative"),)

    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), primary_key=True)
    entries: Mapped[int] = mapped_column(default=0)
    minutes: Mapped[int] = mapped_column(default=0)


class PendingDay(db.Model):
    """The same by service day: those of the last days are the entries not yet overdue (an
    entry is overdue by its service date), so the overdue ones are the rest."""

    __tablename__ = "ledger_pending_days"
    __table_args__ = (sa.CheckConstraint("entries >= 0 AND minutes >= 0", name="not_negative"),
                      sa.Index("ix_ledger_pending_days_served", "served_on", "organisation_id"))

    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), primary_key=True)
    served_on: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    entries: Mapped[int] = mapped_column(default=0)
    minutes: Mapped[int] = mapped_column(default=0)


class Dispute(db.Model):
    """A volunteer's objection to an entry, with their note; it goes back to the lead's queue and
    ends in a decision, a correction, or the entry upheld with a reason, all shown to them."""

    __tablename__ = "disputes"
    __table_args__ = (
        sa.CheckConstraint(DisputeState.sql_in("state"), name="state_known"),
        sa.CheckConstraint("resolution IS NULL OR " + Resolution.sql_in("resolution"), name="resolution_known"),
        sa.Index("uq_disputes_one_open", "entry_id", unique=True,
                 sqlite_where=sa.text(f"state = '{DisputeState.OPEN}'"),
                 postgresql_where=sa.text(f"state = '{DisputeState.OPEN}'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(sa.ForeignKey("ledger_entries.id"), index=True)
    volunteer_id: Mapped[int] = mapped_column(sa.ForeignKey("volunteers.id"), index=True)
    note: Mapped[str] = mapped_column(sa.Text)
    state: Mapped[str] = mapped_column(sa.String(10), default=DisputeState.OPEN)
    resolution: Mapped[str | None] = mapped_column(sa.String(10))
    resolution_note: Mapped[str | None] = mapped_column(sa.Text)
    resolved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    entry: Mapped[LedgerEntry] = relationship()

    @property
    def scope_organisation(self):
        return self.entry.project.organisation

    @property
    def is_open(self) -> bool:
        return self.state == DisputeState.OPEN

    @property
    def resolution_label(self) -> str:
        return Resolution.label_of(self.resolution) if self.resolution else ""
