"""`flask --app run generate`: a synthetic province whose totals and rollups are what the entries
say, with every project state, corrections, sessions across midnight and seasonal peaks; only
into an empty database; the app carries on after it (ids, volunteer numbers)."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from volunteer.accounts.models import Volunteer
from volunteer.checkin.models import ServiceSession
from volunteer.core.time import DEFAULT_ZONE, utcnow
from volunteer.extensions import db
from volunteer.generate import NotEmpty, generate
from volunteer.ledger import services as ledger
from volunteer.ledger.models import LedgerEntry
from volunteer.organisations.models import Organisation
from volunteer.organisations.vocabulary import OrganisationKind
from volunteer.projects.models import Project
from volunteer.projects.vocabulary import ProjectState
from volunteer.reports import direct


def _count(stmt) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(stmt.subquery()))


def test_generated_data_is_a_province_the_ledger_agrees_with(app, factory):
    with app.app_context():
        made = generate(volunteers=400, entries=6000, now=utcnow(), say=lambda _text: None)
        db.session.commit()
        assert made["entries"] == _count(sa.select(LedgerEntry)) == 6000
        assert made["corrections"] > 0 and made["pending_entries"] > 0 and made["rejected_entries"] > 0
        assert ledger.verify() == [] and direct.verify() == []
        kinds = set(db.session.scalars(sa.select(Organisation.kind).distinct()))
        assert {OrganisationKind.CITY, OrganisationKind.TOWN, OrganisationKind.STREET, OrganisationKind.VILLAGE,
                OrganisationKind.COMMUNITY, OrganisationKind.SCHOOL} <= kinds
        assert set(db.session.scalars(sa.select(Project.state).distinct())) == set(ProjectState.values())
        sessions = db.session.scalars(sa.select(ServiceSession)).all()
        across = [s for s in sessions if s.checked_out_at.astimezone(DEFAULT_ZONE).date() > s.served_on]
        assert across and all(s.checked_in_at.astimezone(DEFAULT_ZONE).date() == s.served_on for s in across)
        by_month = {}
        for day in db.session.scalars(sa.select(LedgerEntry.served_on)):
            by_month[day.month] = by_month.get(day.month, 0) + 1
        assert by_month[3] > 1.3 * by_month[2]  # 学雷锋月 against the Spring Festival
        with pytest.raises(NotEmpty):
            generate(volunteers=1, entries=1, now=utcnow(), say=lambda _text: None)
        leaf = db.session.scalar(sa.select(Organisation.code).where(Organisation.kind == OrganisationKind.VILLAGE)
                                 .order_by(Organisation.id))
    volunteer = factory.volunteer(leaf)  # registration carries on from the generated ids and numbers
    assert volunteer.id == 401 and volunteer.volunteer_no.startswith(leaf + "-")
    with app.app_context():
        assert _count(sa.select(Volunteer).where(Volunteer.volunteer_no == volunteer.volunteer_no)) == 1


def test_the_command_refuses_a_database_with_records(app, world):
    result = app.test_cli_runner().invoke(args=["generate", "--volunteers", "5", "--entries", "10"])
    assert result.exit_code != 0 and "empty" in result.output


def test_the_generated_entries_end_today(app):
    with app.app_context():
        generate(volunteers=50, entries=500, now=utcnow(), say=lambda _text: None)
        db.session.commit()
        last = db.session.scalar(sa.select(sa.func.max(LedgerEntry.served_on)))
        first = db.session.scalar(sa.select(sa.func.min(LedgerEntry.served_on)))
        today = utcnow().astimezone(DEFAULT_ZONE).date()
        assert last < today and first > today - timedelta(days=2 * 366)
