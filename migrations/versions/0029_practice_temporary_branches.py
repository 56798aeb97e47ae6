"""practice: temporary league branches (临时团支部) of a programme's placed students and their secretaries; notifications: a student told they joined one, or are its secretary

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-04 18:41:22

"""
from alembic import op
import sqlalchemy as sa

OLD_KINDS = ("'application_accepted', 'application_declined', 'volunteer_applied', 'project_waiting', "
             "'project_screened', 'hours_approved', 'hours_rejected', 'hours_corrected', 'dispute_answered', "
             "'certificate_issued', 'certificate_revoked', 'request_declined', 'starts_in_a_day', 'starts_in_an_hour', "
             "'certificate_to_review', 'entries_overdue', 'shift_place_offered', 'shift_offer_lapsed', 'shift_called_off', "
             "'leave_requested', 'leave_given', 'leave_denied', 'shift_missed', 'shift_excused', "
             "'unit_contact_named', 'post_waiting', 'post_decided', 'selection_step', 'practice_offer', "
             "'practice_offer_answered', 'student_placed_on_post', "
             "'practice_log_waiting', 'practice_log_commented', 'practice_evaluated', 'practice_certified', "
             "'placed_elsewhere', 'put_on_roster'")
NEW = "'branch_joined', 'branch_secretary'"


def _kinds(kinds: str) -> None:
    for table in ('notices', 'notice_channel_choices'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(op.f(f'ck_{table}_kind_known'), type_='check')
            batch_op.create_check_constraint(op.f(f'ck_{table}_kind_known'), f"kind IN ({kinds})")


# revision identifiers, used by Alembic.
revision = '0029'
down_revision = '0028'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('practice_branches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_practice_branches_created_by_id_users')),
    sa.ForeignKeyConstraint(['programme_id'], ['practice_programmes.id'], name=op.f('fk_practice_branches_programme_id_practice_programmes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_practice_branches')),
    sa.UniqueConstraint('programme_id', 'name', name=op.f('uq_practice_branches_programme_id_name'))
    )
    op.create_table('practice_branch_members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('branch_id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('is_secretary', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('joined_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['practice_applications.id'], name=op.f('fk_practice_branch_members_application_id_practice_applications')),
    sa.ForeignKeyConstraint(['branch_id'], ['practice_branches.id'], name=op.f('fk_practice_branch_members_branch_id_practice_branches')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_practice_branch_members')),
    sa.UniqueConstraint('application_id', name=op.f('uq_practice_branch_members_application_id'))
    )
    with op.batch_alter_table('practice_branch_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_practice_branch_members_branch_id'), ['branch_id'], unique=False)
    _kinds(OLD_KINDS + ", " + NEW)



def downgrade():
    op.execute(f"DELETE FROM notice_deliveries WHERE notice_id IN (SELECT id FROM notices WHERE kind IN ({NEW}))")
    op.execute(f"DELETE FROM notices WHERE kind IN ({NEW})")
    op.execute(f"DELETE FROM notice_channel_choices WHERE kind IN ({NEW})")
    _kinds(OLD_KINDS)
    with op.batch_alter_table('practice_branch_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_practice_branch_members_branch_id'))

    op.drop_table('practice_branch_members')
    op.drop_table('practice_branches')
