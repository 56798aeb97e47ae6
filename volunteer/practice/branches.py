"""A programme's temporary league branches (临时团支部): its placed students grouped, each in one
branch at most, with the secretaries they elected; a secretary sees their branch's attendance."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from volunteer.core.time import UTCDateTime, utcnow
from volunteer.extensions import db
from volunteer.organisations.models import Organisation
from volunteer.practice.models import Programme, StudentApplication


class Branch(db.Model):
    __tablename__ = "practice_branches"
    __table_args__ = (sa.UniqueConstraint("programme_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("practice_programmes.id"))
    name: Mapped[str] = mapped_column(sa.String(80))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    programme: Mapped[Programme] = relationship()
    members: Mapped[list[BranchMember]] = relationship(back_populates="branch", order_by="BranchMember.id")

    @property
    def scope_organisation(self) -> Organisation:
        return self.programme.organisation

    @property
    def secretaries(self) -> list[BranchMember]:
        return [m for m in self.members if m.is_secretary]


class BranchMember(db.Model):
    """A placed student in a branch (one branch per application), and whether they are its secretary."""

    __tablename__ = "practice_branch_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(sa.ForeignKey("practice_branches.id"), index=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("practice_applications.id"), unique=True)
    is_secretary: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    branch: Mapped[Branch] = relationship(back_populates="members")
    application: Mapped[StudentApplication] = relationship()

    @property
    def scope_organisation(self) -> Organisation:
        return self.branch.programme.organisation
