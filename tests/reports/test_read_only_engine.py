"""REPORTS_DATABASE_URL: the dashboards read through an engine whose role may only SELECT (a
replica's), while the ledger keeps writing through the main one. PostgreSQL only: SQLite has no
roles."""
from __future__ import annotations

import os

import pytest
import sqlalchemy as sa

from tests.conftest import Browser
from volunteer import create_app
from volunteer.extensions import db
from volunteer.reports import reading

pytestmark = pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgres"),
                                reason="roles that may only SELECT are PostgreSQL's")
ROLE = "reports_reader"


@pytest.fixture
def reader_url(app):
    with app.app_context():
        main = db.engine.url
        with db.engine.begin() as connection:
            connection.exec_driver_sql(f"DO $$ BEGIN CREATE ROLE {ROLE} LOGIN; EXCEPTION WHEN duplicate_object "
                                       f"THEN NULL; END $$")
            connection.exec_driver_sql(f"GRANT USAGE ON SCHEMA public TO {ROLE}")
            connection.exec_driver_sql(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {ROLE}")
    yield main.set(username=ROLE, password=None).render_as_string(hide_password=False)


def test_the_dashboard_reads_through_a_select_only_role(app, world, served, reader_url):
    replica = create_app("testing", SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
                         REPORTS_DATABASE_URL=reader_url, SECRET_KEY=app.config["SECRET_KEY"],
                         DATA_ENCRYPTION_KEY=app.config["DATA_ENCRYPTION_KEY"])
    statements = []
    with replica.app_context():
        engine = db.engines[reading.REPLICA]
        assert engine.url.username == ROLE
        with engine.connect() as connection, pytest.raises(sa.exc.ProgrammingError, match="permission denied"):
            connection.exec_driver_sql("DELETE FROM report_project_days")
        sa.event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    browser = Browser(replica.test_client())
    browser.login(world.city_admin.login, world.city_admin.password)
    page = browser.get("/reports/", query_string={"organisation": "LX", "period": "custom", "from": "2027-01-01",
                                                  "to": "2027-12-31"})
    assert page.status_code == 200 and 'data-testid="figure-approved_hours"' in page.get_data(as_text=True)
    assert any("report_project_months" in s for s in statements)  # the figures came through the reader
    assert not [s for s in statements if s.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
    with replica.app_context():
        db.engines[reading.REPLICA].dispose()
