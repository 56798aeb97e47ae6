"""reports: registered volunteers, and those who reached the yearly expectation, kept by registration day for each organisation and those above it

Filled from the open profiles and the volunteers' years already there (as ``flask --app run
ledger verify`` recomputes them), so a deployment's dashboards are right at once.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 19:58:00

"""
import zlib

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('report_registered_days',
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('volunteers', sa.Integer(), nullable=False),
    sa.CheckConstraint('volunteers >= 0', name=op.f('ck_report_registered_days_not_negative')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_report_registered_days_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('organisation_id', 'day', name=op.f('pk_report_registered_days'))
    )
    op.create_table('report_reached_days',
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('volunteers', sa.Integer(), nullable=False),
    sa.CheckConstraint('volunteers >= 0', name=op.f('ck_report_reached_days_not_negative')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_report_reached_days_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('organisation_id', 'year', 'day', name=op.f('pk_report_reached_days'))
    )
    # the registration day in China (UTC+8 all year; SQLite keeps naive UTC text)
    day = ("CAST(timezone('Asia/Shanghai', v.created_at) AS DATE)" if op.get_bind().dialect.name == "postgresql"
           else "date(v.created_at, '+28800 seconds')")
    op.execute(f"""
        INSERT INTO report_registered_days (organisation_id, day, volunteers)
        SELECT t.ancestor_id, {day}, COUNT(*)
        FROM volunteers v JOIN organisation_ancestors t ON t.organisation_id = v.organisation_id
        WHERE v.closed_at IS NULL GROUP BY t.ancestor_id, {day}""")
    # by the expectation the deployment runs with (a later change: flask reports rebuild)
    try:
        from flask import current_app
        hours, stars = int(current_app.config["YEARLY_EXPECTED_HOURS"]), current_app.config["STAR_THRESHOLDS_HOURS"]
    except (RuntimeError, KeyError):
        hours, stars = 20, (100, 300, 600, 1000, 1500)
    expected = hours * 60
    op.execute(f"""
        INSERT INTO report_reached_days (organisation_id, year, day, volunteers)
        SELECT t.ancestor_id, y.year, {day}, COUNT(*)
        FROM report_volunteer_years y JOIN volunteers v ON v.id = y.volunteer_id
        JOIN organisation_ancestors t ON t.organisation_id = v.organisation_id
        WHERE v.closed_at IS NULL AND y.minutes >= {expected} GROUP BY t.ancestor_id, y.year, {day}""")
    # the settings these counts (and 0008's star levels) follow: reports.rollups.settings_stamp
    text = f"stars={','.join(str(int(h)) for h in stars)};expected={hours}"
    op.execute(sa.text("INSERT INTO counters (name, value) VALUES ('reports.counted_settings', :value)")
               .bindparams(value=zlib.crc32(text.encode()) & 0x7FFFFFFF))


def downgrade():
    op.execute("DELETE FROM counters WHERE name = 'reports.counted_settings'")
    op.drop_table('report_reached_days')
    op.drop_table('report_registered_days')
