"""The closure table beside the paths: each organisation with itself and all those above it."""
from __future__ import annotations

import sqlalchemy as sa

from volunteer.extensions import db
from volunteer.organisations.models import Organisation, OrganisationAncestor


def test_each_organisation_knows_every_organisation_above_it(app, world):
    with app.app_context():
        codes = {o.id: o.code for o in db.session.scalars(sa.select(Organisation))}
        found = {}
        for row in db.session.scalars(sa.select(OrganisationAncestor)):
            found.setdefault(codes[row.organisation_id], set()).add(codes[row.ancestor_id])
        assert found == {"LX": {"LX"}, "LX-A": {"LX-A", "LX"}, "LX-A-1": {"LX-A-1", "LX-A", "LX"},
                         "LX-B": {"LX-B", "LX"}, "LX-B-1": {"LX-B-1", "LX-B", "LX"}}
