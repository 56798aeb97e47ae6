"""notifications: web push (browsers' subscriptions, a push channel), two new kinds (a certificate to review, a lead's morning digest of overdue entries) and the day a daily notice is for

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-02 06:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None

OLD_KINDS = ("'application_accepted', 'application_declined', 'volunteer_applied', 'project_waiting', "
             "'project_screened', 'hours_approved', 'hours_rejected', 'hours_corrected', 'dispute_answered', "
             "'certificate_issued', 'certificate_revoked', 'request_declined', 'starts_in_a_day', 'starts_in_an_hour'")
KINDS = OLD_KINDS + ", 'certificate_to_review', 'entries_overdue'"
OLD_CHANNELS = "'inbox', 'mail', 'sms'"
CHANNELS = OLD_CHANNELS + ", 'push'"
DAILY = "kind IN ('entries_overdue')"


def _checks(kinds: str, channels: str) -> None:
    # Batch mode rebuilds the tables on SQLite (none of these has a trigger) and alters them on PostgreSQL.
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_notices_kind_known'), type_='check')
        batch_op.create_check_constraint(op.f('ck_notices_kind_known'), f"kind IN ({kinds})")
    with op.batch_alter_table('notice_channel_choices', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_notice_channel_choices_kind_known'), type_='check')
        batch_op.drop_constraint(op.f('ck_notice_channel_choices_channel_known'), type_='check')
        batch_op.create_check_constraint(op.f('ck_notice_channel_choices_kind_known'), f"kind IN ({kinds})")
        batch_op.create_check_constraint(op.f('ck_notice_channel_choices_channel_known'), f"channel IN ({channels})")
    with op.batch_alter_table('notice_deliveries', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_notice_deliveries_channel_known'), type_='check')
        batch_op.create_check_constraint(op.f('ck_notice_deliveries_channel_known'), f"channel IN ({channels})")


def upgrade():
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.add_column(sa.Column('for_day', sa.Date(), nullable=True))
    _checks(KINDS, CHANNELS)
    op.create_index('uq_notices_daily', 'notices', ['user_id', 'kind', 'for_day'], unique=True,
                    sqlite_where=sa.text(DAILY), postgresql_where=sa.text(DAILY))
    op.create_table('push_subscriptions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('endpoint', sa.String(length=1000), nullable=False),
    sa.Column('p256dh', sa.String(length=200), nullable=False),
    sa.Column('auth', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_push_subscriptions_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_push_subscriptions')),
    sa.UniqueConstraint('endpoint', name=op.f('uq_push_subscriptions_endpoint'))
    )
    op.create_index(op.f('ix_push_subscriptions_user_id'), 'push_subscriptions', ['user_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_push_subscriptions_user_id'), table_name='push_subscriptions')
    op.drop_table('push_subscriptions')
    op.drop_index('uq_notices_daily', table_name='notices')
    op.execute("DELETE FROM notice_deliveries WHERE channel = 'push' OR notice_id IN "
               "(SELECT id FROM notices WHERE kind IN ('certificate_to_review', 'entries_overdue'))")
    op.execute("DELETE FROM notice_channel_choices WHERE channel = 'push' "
               "OR kind IN ('certificate_to_review', 'entries_overdue')")
    op.execute("DELETE FROM notices WHERE kind IN ('certificate_to_review', 'entries_overdue')")
    _checks(OLD_KINDS, OLD_CHANNELS)
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.drop_column('for_day')
