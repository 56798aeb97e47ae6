"""Projects, minimal until the projects issue: a title, an organisation and a lifecycle state."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from volunteer.core.time import UTCDateTime, utcnow
from volunteer.extensions import db
from volunteer.organisations.models import Organisation

PROJECT_STATES = (
    "draft", "submitted", "approved", "recruiting", "running", "evaluating", "closed",
    "rejected", "suspended", "cancelled",
)
PROJECT_CATEGORIES = ("elderly", "disability", "education", "environment", "emergency",
                      "civility", "major_event", "community", "other")


class Project(db.Model):
    __tablename__ = "projects"
    __table_args__ = (
        sa.CheckConstraint(
            "state IN (" + ", ".join(f"'{s}'" for s in PROJECT_STATES) + ")", name="state_known"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    category: Mapped[str] = mapped_column(sa.String(20), default="community")
    state: Mapped[str] = mapped_column(sa.String(20), default="draft")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organisation: Mapped[Organisation] = relationship()

    @property
    def scope_organisation(self) -> Organisation:
        return self.organisation
