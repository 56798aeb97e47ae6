"""Tables every domain shares: the event log and named counters."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from volunteer.core.time import UTCDateTime, utcnow
from volunteer.extensions import db


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
