"""Tables every domain shares: the event log, named counters and background jobs."""
from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from volunteer.core.time import UTCDateTime, utcnow
from volunteer.core.vocabulary import JobState
from volunteer.extensions import db

FAILED_MESSAGE = _l("The job stopped on an error, which has been logged for the administrators. You can resume "
                    "it from where it stopped.")


class Event(db.Model):
    """Who did what to which record, when; ``before``/``after`` hold the fields that changed.

    ``organisation_id`` is the organisation the record belongs to, so staff read the log of
    their subtree only. Rows are only ever inserted."""

    __tablename__ = "events"
    __table_args__ = (sa.Index("ix_events_organisation_occurred", "organisation_id", "occurred_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(sa.String(60), index=True)
    subject_type: Mapped[str] = mapped_column(sa.String(40))
    subject_id: Mapped[int | None] = mapped_column()
    organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id"))
    before: Mapped[dict | None] = mapped_column(sa.JSON)
    after: Mapped[dict | None] = mapped_column(sa.JSON)
    note: Mapped[str | None] = mapped_column(sa.Text)

    actor = relationship("User")
    organisation = relationship("Organisation")


class Counter(db.Model):
    """Named sequences (volunteer numbers per organisation, later certificate serials)."""

    __tablename__ = "counters"

    name: Mapped[str] = mapped_column(sa.String(80), primary_key=True)
    value: Mapped[int] = mapped_column(sa.BigInteger)


class Job(db.Model):
    """A background job: its parameters, progress, and how it ended. Its items are recorded by
    the work itself (a certificate per volunteer of a batch), so a rerun skips what is done."""

    __tablename__ = "jobs"
    __table_args__ = (
        sa.CheckConstraint(JobState.sql_in("state"), name="state_known"),
        sa.CheckConstraint("done >= 0", name="progress_counted"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(40))
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    params: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    state: Mapped[str] = mapped_column(sa.String(10), default=JobState.QUEUED)
    total: Mapped[int | None] = mapped_column()
    done: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(sa.Text)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The worker that holds the job: its writes count only while the claim is still its own.
    claim: Mapped[str | None] = mapped_column(sa.String(32))
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organisation = relationship("Organisation")
    created_by = relationship("User")

    @property
    def scope_organisation(self):
        return self.organisation

    @property
    def percent(self) -> int:
        if self.state == JobState.DONE:
            return 100
        return int(100 * self.done / self.total) if self.total else 0

    @property
    def state_label(self) -> str:
        return JobState.label_of(self.state)

    @property
    def is_finished(self) -> bool:
        return self.state == JobState.DONE

    @property
    def has_failed(self) -> bool:
        return self.state == JobState.FAILED

    @property
    def failure_said(self):
        """What a failed job's page tells the person who started it: ``error`` (an exception,
        SQL, a path) is for the log and the operators, never shown."""
        return FAILED_MESSAGE if self.has_failed else None

    def is_stale(self, now: datetime) -> bool:
        """Queued or running, but silent for too long (JOB_STALE_SECONDS): its worker is gone, or
        the queue lost it (a web process restarted with the job waiting in its thread's queue)."""
        if self.state not in (JobState.QUEUED, JobState.RUNNING):
            return False
        return now - (self.heartbeat_at or self.created_at) > stale_after()

    def is_under_way(self, now: datetime) -> bool:
        """Waiting for a worker, or running with a worker that lives: its page keeps following it."""
        return self.state == JobState.QUEUED or (self.state == JobState.RUNNING and not self.is_stale(now))

    def is_resumable(self, now: datetime) -> bool:
        """A failed job, or one whose worker fell silent, can run again from where it stopped."""
        return self.state == JobState.FAILED or self.is_stale(now)

    @classmethod
    def claimable(cls, now: datetime) -> sa.ColumnElement[bool]:
        """Jobs a worker may take: queued, failed (resuming sets a stale one back to queued), or
        running with a heartbeat too old."""
        return sa.or_(cls.state.in_((JobState.QUEUED, JobState.FAILED)),
                      sa.and_(cls.state == JobState.RUNNING,
                              sa.or_(cls.heartbeat_at.is_(None), cls.heartbeat_at < now - stale_after())))


def stale_after() -> timedelta:
    return timedelta(seconds=current_app.config["JOB_STALE_SECONDS"])
