"""Notices (the outbox), their deliveries per channel, and each user's choice of channels.

A notice is written in the same transaction as the change it tells of (receivers.py), so a change
rolled back tells nobody and a committed one is never forgotten; each channel's delivery is a row
of its own, claimed by one sender at a time, retried, and given up after a few attempts."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from volunteer.accounts.models import User
from volunteer.core.time import UTCDateTime, utcnow
from volunteer.extensions import db
from volunteer.notifications.vocabulary import DAILY, REMINDERS, Channel, DeliveryState, NoticeKind


class Notice(db.Model):
    __tablename__ = "notices"
    __table_args__ = (
        sa.CheckConstraint(NoticeKind.sql_in("kind"), name="kind_known"),
        sa.Index("ix_notices_user_unread", "user_id", "read_at", "id"),
        # A reminder is written once per kind and record, however many senders run at once.
        sa.Index("uq_notices_reminder", "user_id", "kind", "subject_type", "subject_id", unique=True,
                 sqlite_where=sa.text(NoticeKind.sql_in("kind", REMINDERS)),
                 postgresql_where=sa.text(NoticeKind.sql_in("kind", REMINDERS))),
        # A daily notice, once a day per recipient.
        sa.Index("uq_notices_daily", "user_id", "kind", "for_day", unique=True,
                 sqlite_where=sa.text(NoticeKind.sql_in("kind", DAILY)),
                 postgresql_where=sa.text(NoticeKind.sql_in("kind", DAILY))),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(sa.String(40))
    subject_type: Mapped[str] = mapped_column(sa.String(40))  # the record it concerns (a table)...
    subject_id: Mapped[int] = mapped_column()                 # ...and its id
    organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    # The words the notice says, frozen when it was written (names and titles may change later).
    payload: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    link: Mapped[str | None] = mapped_column(sa.String(300))  # the record's page, a path
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    for_day: Mapped[date | None] = mapped_column(sa.Date)  # the day a daily notice is for

    user: Mapped[User] = relationship()
    deliveries: Mapped[list[Delivery]] = relationship(back_populates="notice", order_by="Delivery.id")

    @property
    def kind_label(self) -> str:
        return NoticeKind.label_of(self.kind)

    @property
    def is_unread(self) -> bool:
        return self.read_at is None


class Delivery(db.Model):
    """One channel's delivery of a notice: at most one per notice and channel (the unique key),
    claimed by one sender at a time (state → sending), retried with a growing wait."""

    __tablename__ = "notice_deliveries"
    __table_args__ = (
        sa.CheckConstraint(Channel.sql_in("channel"), name="channel_known"),
        sa.CheckConstraint(DeliveryState.sql_in("state"), name="state_known"),
        sa.UniqueConstraint("notice_id", "channel"),
        sa.Index("ix_notice_deliveries_due", "state", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(sa.ForeignKey("notices.id"))
    channel: Mapped[str] = mapped_column(sa.String(10))
    state: Mapped[str] = mapped_column(sa.String(10), default=DeliveryState.DUE)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    error: Mapped[str | None] = mapped_column(sa.String(500))

    notice: Mapped[Notice] = relationship(back_populates="deliveries")

    @property
    def channel_label(self) -> str:
        return Channel.label_of(self.channel)

    @property
    def state_label(self) -> str:
        return DeliveryState.label_of(self.state)


class ChannelChoice(db.Model):
    """A user's own choice for one kind and channel, where it differs from the default."""

    __tablename__ = "notice_channel_choices"
    __table_args__ = (sa.CheckConstraint(NoticeKind.sql_in("kind"), name="kind_known"),
                      sa.CheckConstraint(Channel.sql_in("channel"), name="channel_known"))

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    channel: Mapped[str] = mapped_column(sa.String(10), primary_key=True)
    enabled: Mapped[bool] = mapped_column()


class PushSubscription(db.Model):
    """A browser's web-push subscription (the endpoint of its push service and the keys that
    encrypt for it), made on the profile page; one user may have several browsers."""

    __tablename__ = "push_subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    endpoint: Mapped[str] = mapped_column(sa.String(1000), unique=True)
    p256dh: Mapped[str] = mapped_column(sa.String(200))  # the browser's public key, base64url
    auth: Mapped[str] = mapped_column(sa.String(100))    # its authentication secret, base64url
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship()
