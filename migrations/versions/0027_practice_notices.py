"""notifications: a student told their practice certificate was issued; a unit told a student it considered was placed elsewhere

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-03 13:10:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0027'
down_revision = '0026'
branch_labels = None
depends_on = None

OLD_KINDS = ("'application_accepted', 'application_declined', 'volunteer_applied', 'project_waiting', "
             "'project_screened', 'hours_approved', 'hours_rejected', 'hours_corrected', 'dispute_answered', "
             "'certificate_issued', 'certificate_revoked', 'request_declined', 'starts_in_a_day', 'starts_in_an_hour', "
             "'certificate_to_review', 'entries_overdue', 'shift_place_offered', 'shift_offer_lapsed', 'shift_called_off', "
             "'leave_requested', 'leave_given', 'leave_denied', 'shift_missed', 'shift_excused', "
             "'unit_contact_named', 'post_waiting', 'post_decided', 'selection_step', 'practice_offer', "
             "'practice_offer_answered', 'student_placed_on_post', "
             "'practice_log_waiting', 'practice_log_commented', 'practice_evaluated'")
NEW = ("'practice_certified'", "'placed_elsewhere'")
KINDS = OLD_KINDS + ", " + ", ".join(NEW)


def _kinds(kinds: str) -> None:
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_notices_kind_known'), type_='check')
        batch_op.create_check_constraint(op.f('ck_notices_kind_known'), f"kind IN ({kinds})")
    with op.batch_alter_table('notice_channel_choices', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_notice_channel_choices_kind_known'), type_='check')
        batch_op.create_check_constraint(op.f('ck_notice_channel_choices_kind_known'), f"kind IN ({kinds})")


def upgrade():
    _kinds(KINDS)


def downgrade():
    new = ", ".join(NEW)
    op.execute(f"DELETE FROM notice_deliveries WHERE notice_id IN (SELECT id FROM notices WHERE kind IN ({new}))")
    op.execute(f"DELETE FROM notices WHERE kind IN ({new})")
    op.execute(f"DELETE FROM notice_channel_choices WHERE kind IN ({new})")
    _kinds(OLD_KINDS)
