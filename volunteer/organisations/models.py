"""The organisation tree: each node knows its path of codes, so a subtree is one prefix match."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from volunteer.core.time import UTCDateTime, utcnow
from volunteer.extensions import db
from volunteer.organisations.vocabulary import OrganisationKind


class Organisation(db.Model):
    """A node of the league's tree. ``path`` holds the codes from the root (``/LX/LX-QS/``) so a
    subtree is one indexed prefix match."""

    __tablename__ = "organisations"
    __table_args__ = (
        sa.CheckConstraint(OrganisationKind.sql_in("kind"), name="kind_known"),
        sa.Index("ix_organisations_path", "path", postgresql_ops={"path": "text_pattern_ops"}),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(32), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    kind: Mapped[str] = mapped_column(sa.String(16))
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    path: Mapped[str] = mapped_column(sa.String(400))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The residents the organisation serves (for the registration rate), when it has set it.
    population: Mapped[int | None] = mapped_column()
    # Its headline figures and recruiting projects on a public page (off until an admin turns it on).
    publishes_figures: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    parent: Mapped[Organisation | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Organisation]] = relationship(
        back_populates="parent", order_by="Organisation.code"
    )

    # itself and every organisation above it (OrganisationAncestor)
    ancestry: Mapped[list[OrganisationAncestor]] = relationship(
        primaryjoin="Organisation.id == OrganisationAncestor.organisation_id", viewonly=True)

    def __repr__(self) -> str:
        return f"<Organisation {self.code}>"

    @property
    def kind_label(self) -> str:
        return OrganisationKind.label_of(self.kind)

    @property
    def depth(self) -> int:
        return self.path.count("/") - 2

    def contains(self, other: Organisation) -> bool:
        """True when ``other`` is this organisation or lies below it."""
        return other.path.startswith(self.path)

    def subtree(self) -> sa.ColumnElement[bool]:
        """A WHERE clause keeping this organisation and those below it (one indexed prefix match)."""
        return Organisation.path.startswith(self.path, autoescape=True)

    def subtree_ids(self) -> sa.Select:
        return sa.select(Organisation.id).where(self.subtree())

    @property
    def scope_organisation(self) -> Organisation:
        return self


class OrganisationAncestor(db.Model):
    """The tree as a closure table: each organisation with itself and every organisation above
    it. Written once when an organisation is made (the tree only grows); what a query that joins
    rows to all the organisations above theirs uses (the reports' distinct counts), where a path
    prefix could not be looked up by index."""

    __tablename__ = "organisation_ancestors"
    __table_args__ = (sa.Index("ix_organisation_ancestors_ancestor", "ancestor_id"),)

    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), primary_key=True)
    ancestor_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), primary_key=True)
