"""Service stations (驿站, 青年之家, 服务站 …): where volunteers check in and out."""
from __future__ import annotations

import secrets
from datetime import datetime, time
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from volunteer.core import permissions
from volunteer.core.time import DEFAULT_ZONE, UTCDateTime, utcnow
from volunteer.extensions import db
from volunteer.organisations.models import Organisation
from volunteer.stations.vocabulary import StationKind

station_leads = sa.Table(
    "station_leads",
    db.metadata,
    sa.Column("station_id", sa.ForeignKey("stations.id"), primary_key=True),
    sa.Column("user_id", sa.ForeignKey("users.id"), primary_key=True, index=True),
)


def new_station_secret() -> str:
    return secrets.token_urlsafe(32)


class Station(db.Model):
    __tablename__ = "stations"
    __table_args__ = (
        sa.CheckConstraint("(lat IS NULL) = (lng IS NULL)", name="coordinates_paired"),
        sa.CheckConstraint("lat IS NULL OR (lat BETWEEN -90 AND 90 AND lng BETWEEN -180 AND 180)",
                           name="coordinates_range"),
        sa.CheckConstraint("radius_m IS NULL OR radius_m BETWEEN 10 AND 5000", name="radius_range"),
        sa.CheckConstraint("key_version >= 1", name="key_version_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    kind: Mapped[str] = mapped_column(sa.String(40))
    address: Mapped[str | None] = mapped_column(sa.String(200))
    lat: Mapped[float | None] = mapped_column(sa.Float)
    lng: Mapped[float | None] = mapped_column(sa.Float)
    radius_m: Mapped[int | None] = mapped_column()
    opens_at: Mapped[time | None] = mapped_column(sa.Time)
    closes_at: Mapped[time | None] = mapped_column(sa.Time)
    timezone: Mapped[str] = mapped_column(sa.String(40), default=DEFAULT_ZONE.key)
    require_rotating_code: Mapped[bool] = mapped_column(default=False)
    # The station's codes are signed with a key derived from this secret and the version; bumping
    # the version ("reset code") revokes every printed code at once.
    secret: Mapped[str] = mapped_column(sa.String(64), default=new_station_secret)
    key_version: Mapped[int] = mapped_column(default=1)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organisation: Mapped[Organisation] = relationship()
    leads = relationship("User", secondary=station_leads, backref="led_stations", order_by="User.id")
    # ``running_projects``, the projects running here, is declared by projects.models.

    @property
    def scope_organisation(self) -> Organisation:
        return self.organisation

    @property
    def kind_label(self) -> str:
        return StationKind.label_of(self.kind)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def is_led_by(self, user) -> bool:
        return user is not None and self in getattr(user, "led_stations", [])

    def may_run_kiosk(self, user) -> bool:
        """The kiosk (checking volunteers in by their cards) is for the station's leads, and for
        the admins who manage the station."""
        return self.is_led_by(user) or permissions.can(user, "station.manage", self)

    def is_open_at(self, moment: datetime) -> bool:
        """Inside the opening hours (always, when none are set); hours may run past midnight."""
        if not self.active:
            return False
        if self.opens_at is None or self.closes_at is None:
            return True
        local = moment.astimezone(self.zone).time()
        if self.opens_at <= self.closes_at:
            return self.opens_at <= local < self.closes_at
        return local >= self.opens_at or local < self.closes_at
