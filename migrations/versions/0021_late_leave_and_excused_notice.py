"""shifts: leave asked after the cancellation cutoff is marked late; notifications: a volunteer is told when a lead excuses a shift they missed

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-02 15:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None

OLD_KINDS = ("'application_accepted', 'application_declined', 'volunteer_applied', 'project_waiting', "
             "'project_screened', 'hours_approved', 'hours_rejected', 'hours_corrected', 'dispute_answered', "
             "'certificate_issued', 'certificate_revoked', 'request_declined', 'starts_in_a_day', 'starts_in_an_hour', "
             "'certificate_to_review', 'entries_overdue', 'shift_place_offered', 'shift_offer_lapsed', 'shift_called_off', "
             "'leave_requested', 'leave_given', 'leave_denied', 'shift_missed'")
KINDS = OLD_KINDS + ", 'shift_excused'"


def _kinds(kinds: str) -> None:
    # Batch mode rebuilds the tables on SQLite (neither has a trigger) and alters them on PostgreSQL.
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_notices_kind_known'), type_='check')
        batch_op.create_check_constraint(op.f('ck_notices_kind_known'), f"kind IN ({kinds})")
    with op.batch_alter_table('notice_channel_choices', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_notice_channel_choices_kind_known'), type_='check')
        batch_op.create_check_constraint(op.f('ck_notice_channel_choices_kind_known'), f"kind IN ({kinds})")


def upgrade():
    with op.batch_alter_table('shift_leave_requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('late', sa.Boolean(), server_default=sa.false(), nullable=False))
    _kinds(KINDS)


def downgrade():
    op.execute("DELETE FROM notice_deliveries WHERE notice_id IN (SELECT id FROM notices WHERE kind = 'shift_excused')")
    op.execute("DELETE FROM notices WHERE kind = 'shift_excused'")
    op.execute("DELETE FROM notice_channel_choices WHERE kind = 'shift_excused'")
    _kinds(OLD_KINDS)
    with op.batch_alter_table('shift_leave_requests', schema=None) as batch_op:
        batch_op.drop_column('late')
