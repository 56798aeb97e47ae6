"""shifts: time slots under positions, sign-ups with a waiting list and offers, leave requests; the shift a session serves; the notices of shifts

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-02 07:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None

OLD_KINDS = ("'application_accepted', 'application_declined', 'volunteer_applied', 'project_waiting', "
             "'project_screened', 'hours_approved', 'hours_rejected', 'hours_corrected', 'dispute_answered', "
             "'certificate_issued', 'certificate_revoked', 'request_declined', 'starts_in_a_day', 'starts_in_an_hour', "
             "'certificate_to_review', 'entries_overdue'")
KINDS = OLD_KINDS + (", 'shift_place_offered', 'shift_offer_lapsed', 'shift_called_off', 'leave_requested', "
                     "'leave_given', 'leave_denied', 'shift_missed'")
SIGNUP_STATES = "'confirmed', 'waiting', 'offered', 'signup_cancelled', 'offer_lapsed', 'on_leave', 'no_show', 'excused_absence'"
LIVE = "state IN ('confirmed', 'waiting', 'offered')"
ASKED = "state IN ('leave_asked')"


def _kinds(kinds: str) -> None:
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_notices_kind_known'), type_='check')
        batch_op.create_check_constraint(op.f('ck_notices_kind_known'), f"kind IN ({kinds})")
    with op.batch_alter_table('notice_channel_choices', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_notice_channel_choices_kind_known'), type_='check')
        batch_op.create_check_constraint(op.f('ck_notice_channel_choices_kind_known'), f"kind IN ({kinds})")


def upgrade():
    op.create_table('shifts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('position_id', sa.Integer(), nullable=False),
    sa.Column('station_id', sa.Integer(), nullable=True),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('held_count', sa.Integer(), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('cancel_reason', sa.String(length=500), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('capacity > 0', name=op.f('ck_shifts_capacity_positive')),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_shifts_ends_after_start')),
    sa.CheckConstraint('held_count >= 0 AND held_count <= capacity', name=op.f('ck_shifts_within_capacity')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_shifts_created_by_id_users')),
    sa.ForeignKeyConstraint(['position_id'], ['positions.id'], name=op.f('fk_shifts_position_id_positions')),
    sa.ForeignKeyConstraint(['station_id'], ['stations.id'], name=op.f('fk_shifts_station_id_stations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shifts'))
    )
    op.create_index(op.f('ix_shifts_position_id'), 'shifts', ['position_id'], unique=False)
    op.create_index('ix_shifts_starts', 'shifts', ['starts_at'], unique=False)
    op.create_index('ix_shifts_station_starts', 'shifts', ['station_id', 'starts_at'], unique=False)
    op.create_table('shift_signups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shift_id', sa.Integer(), nullable=False),
    sa.Column('volunteer_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('offered_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('attended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('request_id', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint(f"state IN ({SIGNUP_STATES})", name=op.f('ck_shift_signups_state_known')),
    sa.ForeignKeyConstraint(['shift_id'], ['shifts.id'], name=op.f('fk_shift_signups_shift_id_shifts')),
    sa.ForeignKeyConstraint(['volunteer_id'], ['volunteers.id'], name=op.f('fk_shift_signups_volunteer_id_volunteers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shift_signups'))
    )
    op.create_index('uq_shift_signups_live', 'shift_signups', ['shift_id', 'volunteer_id'], unique=True,
                    sqlite_where=sa.text(LIVE), postgresql_where=sa.text(LIVE))
    op.create_index('uq_shift_signups_request', 'shift_signups', ['volunteer_id', 'request_id'], unique=True,
                    sqlite_where=sa.text('request_id IS NOT NULL'), postgresql_where=sa.text('request_id IS NOT NULL'))
    op.create_index('ix_shift_signups_queue', 'shift_signups', ['shift_id', 'state', 'id'], unique=False)
    op.create_index('ix_shift_signups_volunteer', 'shift_signups', ['volunteer_id', 'state'], unique=False)
    op.create_index('ix_shift_signups_offers', 'shift_signups', ['state', 'offered_until'], unique=False)
    op.create_table('shift_leave_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('signup_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("state IN ('leave_asked', 'leave_granted', 'leave_refused', 'leave_closed')",
                       name=op.f('ck_shift_leave_requests_state_known')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_shift_leave_requests_decided_by_id_users')),
    sa.ForeignKeyConstraint(['signup_id'], ['shift_signups.id'], name=op.f('fk_shift_leave_requests_signup_id_shift_signups')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shift_leave_requests'))
    )
    op.create_index(op.f('ix_shift_leave_requests_signup_id'), 'shift_leave_requests', ['signup_id'], unique=False)
    op.create_index('uq_shift_leave_requests_open', 'shift_leave_requests', ['signup_id'], unique=True,
                    sqlite_where=sa.text(ASKED), postgresql_where=sa.text(ASKED))
    # A plain ALTER TABLE ADD COLUMN on SQLite: a batch copy would drop the sessions' triggers.
    if op.get_bind().dialect.name == 'postgresql':
        op.add_column('service_sessions', sa.Column('shift_id', sa.Integer(), nullable=True))
        op.create_foreign_key('fk_service_sessions_shift_id_shifts', 'service_sessions', 'shifts', ['shift_id'], ['id'])
    else:
        op.execute('ALTER TABLE service_sessions ADD COLUMN shift_id INTEGER REFERENCES shifts (id)')
    _kinds(KINDS)


def downgrade():
    op.execute("DELETE FROM notice_deliveries WHERE notice_id IN (SELECT id FROM notices WHERE kind IN "
               "('shift_place_offered', 'shift_offer_lapsed', 'shift_called_off', 'leave_requested', 'leave_given', "
               "'leave_denied', 'shift_missed'))")
    op.execute("DELETE FROM notices WHERE kind IN ('shift_place_offered', 'shift_offer_lapsed', 'shift_called_off', "
               "'leave_requested', 'leave_given', 'leave_denied', 'shift_missed')")
    op.execute("DELETE FROM notice_channel_choices WHERE kind IN ('shift_place_offered', 'shift_offer_lapsed', "
               "'shift_called_off', 'leave_requested', 'leave_given', 'leave_denied', 'shift_missed')")
    _kinds(OLD_KINDS)
    if op.get_bind().dialect.name == 'postgresql':
        op.drop_constraint('fk_service_sessions_shift_id_shifts', 'service_sessions', type_='foreignkey')
    op.drop_column('service_sessions', 'shift_id')
    op.drop_index('uq_shift_leave_requests_open', table_name='shift_leave_requests')
    op.drop_index(op.f('ix_shift_leave_requests_signup_id'), table_name='shift_leave_requests')
    op.drop_table('shift_leave_requests')
    op.drop_index('ix_shift_signups_offers', table_name='shift_signups')
    op.drop_index('ix_shift_signups_volunteer', table_name='shift_signups')
    op.drop_index('ix_shift_signups_queue', table_name='shift_signups')
    op.drop_index('uq_shift_signups_request', table_name='shift_signups')
    op.drop_index('uq_shift_signups_live', table_name='shift_signups')
    op.drop_table('shift_signups')
    op.drop_index('ix_shifts_station_starts', table_name='shifts')
    op.drop_index('ix_shifts_starts', table_name='shifts')
    op.drop_index(op.f('ix_shifts_position_id'), table_name='shifts')
    op.drop_table('shifts')
