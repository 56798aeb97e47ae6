"""The projects a programme runs through the check-in: one per host unit with placed students
(they check in daily at the unit's place, a station the unit's contact leads, and their hours go
to the ledger as social practice), and one for the pre-post training (its sessions are the
position's shifts, attended by checking in at the training's station)."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from volunteer.extensions import db
from volunteer.organisations.models import Organisation
from volunteer.practice.models import HostUnit, Programme
from volunteer.practice.vocabulary import PracticeProjectPurpose
from volunteer.projects.models import Position, Project

_TRAINING = sa.text(PracticeProjectPurpose.sql_in("purpose", [PracticeProjectPurpose.TRAINING]))


class PracticeProject(db.Model):
    __tablename__ = "practice_projects"
    __table_args__ = (
        sa.CheckConstraint(PracticeProjectPurpose.sql_in("purpose"), name="purpose_known"),
        sa.CheckConstraint(f"(unit_id IS NULL) = ({PracticeProjectPurpose.sql_in('purpose', [PracticeProjectPurpose.TRAINING])})",
                           name="unit_unless_training"),
        sa.UniqueConstraint("programme_id", "unit_id"),
        sa.Index("uq_practice_projects_training", "programme_id", unique=True, sqlite_where=_TRAINING,
                 postgresql_where=_TRAINING),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("practice_programmes.id"))
    purpose: Mapped[str] = mapped_column(sa.String(30))
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("practice_host_units.id"))
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id"), unique=True)
    position_id: Mapped[int] = mapped_column(sa.ForeignKey("positions.id"))

    programme: Mapped[Programme] = relationship()
    unit: Mapped[HostUnit | None] = relationship()
    project: Mapped[Project] = relationship()
    position: Mapped[Position] = relationship()

    @property
    def scope_organisation(self) -> Organisation:
        return self.project.organisation

    @property
    def is_training(self) -> bool:
        return self.purpose == PracticeProjectPurpose.TRAINING
