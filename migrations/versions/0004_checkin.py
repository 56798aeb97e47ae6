"""checkin: service sessions, scans, pending ledger entries, rotating-code projects, personal cards

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21 19:13:38.539095

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('service_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('volunteer_id', sa.Integer(), nullable=False),
    sa.Column('station_id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('source', sa.String(length=12), nullable=False),
    sa.Column('checked_in_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('checked_out_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('served_on', sa.Date(), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=True),
    sa.Column('auto_closed', sa.Boolean(), nullable=False),
    sa.Column('auto_close_reason', sa.String(length=20), nullable=True),
    sa.Column('distance_m', sa.Integer(), nullable=True),
    sa.Column('outside_radius', sa.Boolean(), nullable=False),
    sa.Column('checked_in_by_id', sa.Integer(), nullable=True),
    sa.Column('checked_out_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("(state = 'open') = (checked_out_at IS NULL)", name=op.f('ck_service_sessions_closed_has_end')),
    sa.CheckConstraint("source IN ('self_scan', 'kiosk', 'manual')", name=op.f('ck_service_sessions_source_known')),
    sa.CheckConstraint("state IN ('open', 'closed')", name=op.f('ck_service_sessions_state_known')),
    sa.CheckConstraint('minutes IS NULL OR minutes >= 0', name=op.f('ck_service_sessions_minutes_not_negative')),
    sa.ForeignKeyConstraint(['checked_in_by_id'], ['users.id'], name=op.f('fk_service_sessions_checked_in_by_id_users')),
    sa.ForeignKeyConstraint(['checked_out_by_id'], ['users.id'], name=op.f('fk_service_sessions_checked_out_by_id_users')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_service_sessions_project_id_projects')),
    sa.ForeignKeyConstraint(['station_id'], ['stations.id'], name=op.f('fk_service_sessions_station_id_stations')),
    sa.ForeignKeyConstraint(['volunteer_id'], ['volunteers.id'], name=op.f('fk_service_sessions_volunteer_id_volunteers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_sessions'))
    )
    with op.batch_alter_table('service_sessions', schema=None) as batch_op:
        batch_op.create_index('ix_service_sessions_daily', ['volunteer_id', 'project_id', 'served_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_service_sessions_project_id'), ['project_id'], unique=False)
        batch_op.create_index('ix_service_sessions_station_in', ['station_id', 'checked_in_at'], unique=False)
        batch_op.create_index('uq_service_sessions_one_open', ['volunteer_id'], unique=True, sqlite_where=sa.text("state = 'open'"), postgresql_where=sa.text("state = 'open'"))

    op.create_table('ledger_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('volunteer_id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('station_id', sa.Integer(), nullable=True),
    sa.Column('session_id', sa.Integer(), nullable=True),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('served_on', sa.Date(), nullable=False),
    sa.Column('source', sa.String(length=12), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('auto_closed', sa.Boolean(), nullable=False),
    sa.Column('outside_radius', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("source IN ('checkin', 'manual', 'correction')", name=op.f('ck_ledger_entries_source_known')),
    sa.CheckConstraint("state IN ('pending', 'approved', 'rejected')", name=op.f('ck_ledger_entries_state_known')),
    sa.CheckConstraint('minutes >= 0', name=op.f('ck_ledger_entries_minutes_not_negative')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_ledger_entries_project_id_projects')),
    sa.ForeignKeyConstraint(['session_id'], ['service_sessions.id'], name=op.f('fk_ledger_entries_session_id_service_sessions')),
    sa.ForeignKeyConstraint(['station_id'], ['stations.id'], name=op.f('fk_ledger_entries_station_id_stations')),
    sa.ForeignKeyConstraint(['volunteer_id'], ['volunteers.id'], name=op.f('fk_ledger_entries_volunteer_id_volunteers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_entries')),
    sa.UniqueConstraint('session_id', name=op.f('uq_ledger_entries_session_id'))
    )
    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ledger_entries_project_id'), ['project_id'], unique=False)
        batch_op.create_index('ix_ledger_entries_station_state', ['station_id', 'state'], unique=False)
        batch_op.create_index('ix_ledger_entries_volunteer_served', ['volunteer_id', 'served_on'], unique=False)

    op.create_table('scans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('volunteer_id', sa.Integer(), nullable=True),
    sa.Column('station_id', sa.Integer(), nullable=True),
    sa.Column('project_id', sa.Integer(), nullable=True),
    sa.Column('session_id', sa.Integer(), nullable=True),
    sa.Column('source', sa.String(length=12), nullable=False),
    sa.Column('code_kind', sa.String(length=10), nullable=True),
    sa.Column('outcome', sa.String(length=12), nullable=False),
    sa.Column('reason', sa.String(length=40), nullable=True),
    sa.Column('status', sa.SmallInteger(), nullable=False),
    sa.Column('request_id', sa.String(length=64), nullable=True),
    sa.Column('scanned_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('distance_m', sa.Integer(), nullable=True),
    sa.CheckConstraint("outcome IN ('checked_in', 'checked_out', 'unchanged', 'refused')", name=op.f('ck_scans_outcome_known')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_scans_project_id_projects')),
    sa.ForeignKeyConstraint(['session_id'], ['service_sessions.id'], name=op.f('fk_scans_session_id_service_sessions')),
    sa.ForeignKeyConstraint(['station_id'], ['stations.id'], name=op.f('fk_scans_station_id_stations')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_scans_user_id_users')),
    sa.ForeignKeyConstraint(['volunteer_id'], ['volunteers.id'], name=op.f('fk_scans_volunteer_id_volunteers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scans'))
    )
    with op.batch_alter_table('scans', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scans_session_id'), ['session_id'], unique=False)
        batch_op.create_index('ix_scans_station_received', ['station_id', 'received_at'], unique=False)
        batch_op.create_index('ix_scans_volunteer_received', ['volunteer_id', 'received_at'], unique=False)
        batch_op.create_index('uq_scans_request', ['user_id', 'request_id'], unique=True, sqlite_where=sa.text("request_id IS NOT NULL AND outcome != 'refused'"), postgresql_where=sa.text("request_id IS NOT NULL AND outcome != 'refused'"))

    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.add_column(sa.Column('require_rotating_code', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))

    with op.batch_alter_table('volunteers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('card_version', sa.Integer(), nullable=False, server_default='1'))



def downgrade():
    with op.batch_alter_table('volunteers', schema=None) as batch_op:
        batch_op.drop_column('card_version')

    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.drop_column('require_rotating_code')

    with op.batch_alter_table('scans', schema=None) as batch_op:
        batch_op.drop_index('uq_scans_request', sqlite_where=sa.text("request_id IS NOT NULL AND outcome != 'refused'"), postgresql_where=sa.text("request_id IS NOT NULL AND outcome != 'refused'"))
        batch_op.drop_index('ix_scans_volunteer_received')
        batch_op.drop_index('ix_scans_station_received')
        batch_op.drop_index(batch_op.f('ix_scans_session_id'))

    op.drop_table('scans')
    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_ledger_entries_volunteer_served')
        batch_op.drop_index('ix_ledger_entries_station_state')
        batch_op.drop_index(batch_op.f('ix_ledger_entries_project_id'))

    op.drop_table('ledger_entries')
    with op.batch_alter_table('service_sessions', schema=None) as batch_op:
        batch_op.drop_index('uq_service_sessions_one_open', sqlite_where=sa.text("state = 'open'"), postgresql_where=sa.text("state = 'open'"))
        batch_op.drop_index('ix_service_sessions_station_in')
        batch_op.drop_index(batch_op.f('ix_service_sessions_project_id'))
        batch_op.drop_index('ix_service_sessions_daily')

    op.drop_table('service_sessions')
