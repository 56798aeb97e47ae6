"""notifications: notices (the outbox), their deliveries per channel, and users' choices of channels

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02 04:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

KINDS = ("'application_accepted', 'application_declined', 'volunteer_applied', 'project_waiting', "
         "'project_screened', 'hours_approved', 'hours_rejected', 'hours_corrected', 'dispute_answered', "
         "'certificate_issued', 'certificate_revoked', 'request_declined', 'starts_in_a_day', 'starts_in_an_hour'")
REMINDERS = "kind IN ('starts_in_a_day', 'starts_in_an_hour')"
CHANNELS = "'inbox', 'mail', 'sms'"


def upgrade():
    op.create_table('notices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('subject_type', sa.String(length=40), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('link', sa.String(length=300), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint(f"kind IN ({KINDS})", name=op.f('ck_notices_kind_known')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_notices_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notices_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notices'))
    )
    op.create_index('ix_notices_user_unread', 'notices', ['user_id', 'read_at', 'id'], unique=False)
    op.create_index(op.f('ix_notices_organisation_id'), 'notices', ['organisation_id'], unique=False)
    op.create_index('uq_notices_reminder', 'notices', ['user_id', 'kind', 'subject_type', 'subject_id'], unique=True,
                    sqlite_where=sa.text(REMINDERS), postgresql_where=sa.text(REMINDERS))
    op.create_table('notice_deliveries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('notice_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('error', sa.String(length=500), nullable=True),
    sa.CheckConstraint(f"channel IN ({CHANNELS})", name=op.f('ck_notice_deliveries_channel_known')),
    sa.CheckConstraint("state IN ('due', 'sending', 'delivered', 'gave_up')", name=op.f('ck_notice_deliveries_state_known')),
    sa.ForeignKeyConstraint(['notice_id'], ['notices.id'], name=op.f('fk_notice_deliveries_notice_id_notices')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notice_deliveries')),
    sa.UniqueConstraint('notice_id', 'channel', name=op.f('uq_notice_deliveries_notice_id_channel'))
    )
    op.create_index('ix_notice_deliveries_due', 'notice_deliveries', ['state', 'next_attempt_at'], unique=False)
    op.create_table('notice_channel_choices',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.CheckConstraint(f"kind IN ({KINDS})", name=op.f('ck_notice_channel_choices_kind_known')),
    sa.CheckConstraint(f"channel IN ({CHANNELS})", name=op.f('ck_notice_channel_choices_channel_known')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notice_channel_choices_user_id_users')),
    sa.PrimaryKeyConstraint('user_id', 'kind', 'channel', name=op.f('pk_notice_channel_choices'))
    )


def downgrade():
    op.drop_table('notice_channel_choices')
    op.drop_index('ix_notice_deliveries_due', table_name='notice_deliveries')
    op.drop_table('notice_deliveries')
    op.drop_index('uq_notices_reminder', table_name='notices')
    op.drop_index(op.f('ix_notices_organisation_id'), table_name='notices')
    op.drop_index('ix_notices_user_unread', table_name='notices')
    op.drop_table('notices')
