"""Every schema change is a migration: upgrading an empty database gives exactly the models."""
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

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
