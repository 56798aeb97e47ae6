"""Every schema change is a migration: upgrading an empty database gives exactly the models."""
import os
import re

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from config import normalise_database_url
from volunteer import create_app
from volunteer.extensions import db


def schema_differences(app) -> list:
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def test_migrated_database_matches_the_models(app):
    # The session's database was empty and built only by `upgrade` (see conftest.reset_database),
    # on SQLite or on PostgreSQL when DATABASE_URL is set.
    assert schema_differences(app) == []


def test_migrations_go_down_to_empty_and_up_again(tmp_path):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'm.db'}")
    with app.app_context():
        upgrade()
        assert "volunteers" in sa.inspect(db.engine).get_table_names()
        downgrade(revision="base")
        assert set(sa.inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
    assert schema_differences(app) == []


def test_sqlite_runs_with_foreign_keys_and_wal(tmp_path):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'p.db'}")
    with app.app_context(), db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_existing_stations_get_their_own_code_secret(tmp_path):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 's.db'}")
    with app.app_context():
        upgrade(revision="0002")
        with db.engine.begin() as connection:
            connection.exec_driver_sql("INSERT INTO organisations (id, code, name, kind, path, created_at) "
                                       "VALUES (1, 'LX', 'x', 'city', '/LX/', '2026-01-01')")
            connection.exec_driver_sql("INSERT INTO stations (organisation_id, name, kind, active, created_at) "
                                       "VALUES (1, 'a', '驿站', 1, '2026-01-01'), (1, 'b', '驿站', 1, '2026-01-01')")
        upgrade()
        with db.engine.connect() as connection:
            rows = connection.exec_driver_sql("SELECT secret, key_version FROM stations").all()
    assert len({secret for secret, _ in rows}) == 2 and all(len(s) >= 40 and v == 1 for s, v in rows)


def _quoted(text: str) -> set[str]:
    return set(re.findall(r"'([^']*)'", text))


def test_check_constraints_in_the_database_hold_the_vocabularies_values(app):
    """A vocabulary's values make the models' CHECK constraints; the migrated database must refuse
    and accept the same values (a value added to a vocabulary needs a migration)."""
    with app.app_context(), db.engine.connect() as connection:
        if db.engine.dialect.name == "postgresql":
            stored = dict(connection.exec_driver_sql(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE contype = 'c'").all())
        else:
            stored = {}
            for (sql,) in connection.exec_driver_sql("SELECT sql FROM sqlite_master WHERE type = 'table'"):
                for name, body in re.findall(r"CONSTRAINT (\w+) CHECK \((.*?)\)(?=,\s*(?:CONSTRAINT|FOREIGN|PRIMARY|UNIQUE)|\s*\)$)",
                                             sql or "", re.S):
                    stored[name] = body
    checked = 0
    for table in db.metadata.sorted_tables:
        for constraint in table.constraints:
            if isinstance(constraint, sa.CheckConstraint) and "'" in str(constraint.sqltext):
                name = constraint.name if isinstance(constraint.name, str) else str(constraint.name)
                assert name in stored, name
                assert _quoted(stored[name]) == _quoted(str(constraint.sqltext)), name
                checked += 1
    assert checked >= 15


@pytest.fixture
def fresh_database(tmp_path):
    """The URL of an empty database of the kind under test: a file on SQLite, a database of its
    own on the PostgreSQL server of DATABASE_URL (dropped afterwards)."""
    url = os.environ.get("DATABASE_URL")
    if not url:
        yield f"sqlite:///{tmp_path / 'fresh.db'}"
        return
    server = sa.make_url(normalise_database_url(url))
    name = f"{server.database}_fresh"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    yield server.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


def test_the_reports_migration_fills_the_rollups_from_the_ledger_it_finds(fresh_database):
    """A database with a ledger before the rollups existed: upgrading fills them, and the counts
    of what waits, to what the entries and profiles say (the demo's, taken back to 0007 and up
    again), on either database."""
    from volunteer import demo
    from volunteer.core.time import utcnow
    from volunteer.ledger import services as ledger
    from volunteer.ledger.models import PendingCount, PendingDay
    from volunteer.reports import direct
    from volunteer.reports.models import ProjectDay, RegisteredDay, StationDay, VolunteerMonth
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=fresh_database)
    with app.app_context():
        upgrade()
        demo.seed(now=utcnow(), volunteer_count=40)
        db.session.commit()
        db.session.remove()
        downgrade(revision="0007")
        assert "report_project_days" not in sa.inspect(db.engine).get_table_names()
        assert "ledger_pending_days" not in sa.inspect(db.engine).get_table_names()
        upgrade()
        for model in (ProjectDay, VolunteerMonth, StationDay, RegisteredDay, PendingCount, PendingDay):
            assert db.session.scalar(sa.select(sa.func.count()).select_from(model)) > 0, model
        assert direct.verify() == [] and ledger.verify() == []
        db.session.remove()
        db.engine.dispose()
