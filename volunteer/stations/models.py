"""Stations, minimal until the stations issue: enough to name them and to assign leads."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from volunteer.core.time import UTCDateTime, utcnow
from volunteer.extensions import db
from volunteer.organisations.models import Organisation

station_leads = sa.Table(
    "station_leads",
    db.metadata,
    sa.Column("station_id", sa.ForeignKey("stations.id"), primary_key=True),
    sa.Column("user_id", sa.ForeignKey("users.id"), primary_key=True, index=True),
)


class Station(db.Model):
    __tablename__ = "stations"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    kind: Mapped[str] = mapped_column(sa.String(40))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organisation: Mapped[Organisation] = relationship()
    leads = relationship("User", secondary=station_leads, backref="led_stations")

    @property
    def scope_organisation(self) -> Organisation:
        return self.organisation
