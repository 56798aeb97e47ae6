"""A practice programme (返家乡社会实践) run by a league organisation: its season and dates, the
organisations whose host units may offer posts, its rules, its state."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from volunteer.core.time import UTCDateTime, utcnow
from volunteer.extensions import db
from volunteer.organisations.models import Organisation
from volunteer.practice.vocabulary import ProgrammeState, Season

programme_areas = sa.Table(
    "practice_programme_areas",
    db.metadata,
    sa.Column("programme_id", sa.ForeignKey("practice_programmes.id"), primary_key=True),
    sa.Column("organisation_id", sa.ForeignKey("organisations.id"), primary_key=True, index=True),
)


class Programme(db.Model):
    __tablename__ = "practice_programmes"
    __table_args__ = (
        sa.CheckConstraint(ProgrammeState.sql_in("state"), name="state_known"),
        sa.CheckConstraint(Season.sql_in("season"), name="season_known"),
        sa.CheckConstraint("applications_close_on >= applications_open_on", name="applications_ordered"),
        sa.CheckConstraint("practice_ends_on >= practice_starts_on", name="practice_ordered"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    season: Mapped[str] = mapped_column(sa.String(20))
    applications_open_on: Mapped[date] = mapped_column(sa.Date)
    applications_close_on: Mapped[date] = mapped_column(sa.Date)
    practice_starts_on: Mapped[date] = mapped_column(sa.Date)
    practice_ends_on: Mapped[date] = mapped_column(sa.Date)
    rules: Mapped[str | None] = mapped_column(sa.Text)
    state: Mapped[str] = mapped_column(sa.String(30), default=ProgrammeState.DRAFT)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organisation: Mapped[Organisation] = relationship()
    areas: Mapped[list[Organisation]] = relationship(secondary=programme_areas, order_by="Organisation.code")

    @property
    def scope_organisation(self) -> Organisation:
        return self.organisation

    @property
    def state_label(self) -> str:
        return ProgrammeState.label_of(self.state)

    @property
    def season_label(self) -> str:
        return Season.label_of(self.season)
