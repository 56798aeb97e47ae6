from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from volunteer.core.time import UTCDateTime, utcnow
from volunteer.extensions import db

# The kinds of DESIGN.md: league committees at each level, branches, schools and partner units.
ORGANISATION_KINDS = {
    "city": _l("City/county league committee"),
    "town": _l("Town league committee"),
    "street": _l("Street league committee"),
    "village": _l("Village league branch"),
    "community": _l("Community league branch"),
    "school": _l("School league committee"),
    "unit": _l("Partner unit"),
}


class Organisation(db.Model):
    """A node of the league's tree. ``path`` holds the codes from the root (``/LX/LX-QS/``) so a
    subtree is one indexed prefix match."""

    __tablename__ = "organisations"
    __table_args__ = (
        sa.CheckConstraint(
            "kind IN ('city', 'town', 'street', 'village', 'community', 'school', 'unit')",
            name="kind_known",
        ),
        sa.Index("ix_organisations_path", "path", postgresql_ops={"path": "text_pattern_ops"}),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(32), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    kind: Mapped[str] = mapped_column(sa.String(16))
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    path: Mapped[str] = mapped_column(sa.String(400))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    parent: Mapped[Organisation | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Organisation]] = relationship(
        back_populates="parent", order_by="Organisation.code"
    )

    def __repr__(self) -> str:
        return f"<Organisation {self.code}>"

    @property
    def kind_label(self) -> str:
        return str(ORGANISATION_KINDS.get(self.kind, self.kind))

    @property
    def depth(self) -> int:
        return self.path.count("/") - 2

    def contains(self, other: Organisation) -> bool:
        """True when ``other`` is this organisation or lies below it."""
        return other.path.startswith(self.path)

    @property
    def scope_organisation(self) -> Organisation:
        return self
