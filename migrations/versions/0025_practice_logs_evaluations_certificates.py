"""practice: weekly logs, evaluations, practice certificates

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-03 11:48:37

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None

OLD_KINDS = ("'application_accepted', 'application_declined', 'volunteer_applied', 'project_waiting', "
             "'project_screened', 'hours_approved', 'hours_rejected', 'hours_corrected', 'dispute_answered', "
             "'certificate_issued', 'certificate_revoked', 'request_declined', 'starts_in_a_day', 'starts_in_an_hour', "
             "'certificate_to_review', 'entries_overdue', 'shift_place_offered', 'shift_offer_lapsed', 'shift_called_off', "
             "'leave_requested', 'leave_given', 'leave_denied', 'shift_missed', 'shift_excused', "
             "'unit_contact_named', 'post_waiting', 'post_decided', 'selection_step', 'practice_offer', "
             "'practice_offer_answered', 'student_placed_on_post'")
NEW = ("'practice_log_waiting'", "'practice_log_commented'", "'practice_evaluated'")
KINDS = OLD_KINDS + ", " + ", ".join(NEW)


def _kinds(kinds: str) -> None:
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_notices_kind_known'), type_='check')
        batch_op.create_check_constraint(op.f('ck_notices_kind_known'), f"kind IN ({kinds})")
    with op.batch_alter_table('notice_channel_choices', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_notice_channel_choices_kind_known'), type_='check')
        batch_op.create_check_constraint(op.f('ck_notice_channel_choices_kind_known'), f"kind IN ({kinds})")


def upgrade():
    op.create_table('practice_evaluations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('rating', sa.String(length=20), nullable=False),
    sa.Column('days_present', sa.Integer(), nullable=False),
    sa.Column('comments', sa.Text(), nullable=False),
    sa.Column('evaluated_by_id', sa.Integer(), nullable=True),
    sa.Column('evaluated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('certificate_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("rating IN ('rated_excellent', 'rated_good', 'rated_pass', 'rated_fail')", name=op.f('ck_practice_evaluations_rating_known')),
    sa.CheckConstraint('days_present >= 0', name=op.f('ck_practice_evaluations_days_not_negative')),
    sa.ForeignKeyConstraint(['application_id'], ['practice_applications.id'], name=op.f('fk_practice_evaluations_application_id_practice_applications')),
    sa.ForeignKeyConstraint(['certificate_id'], ['certificates.id'], name=op.f('fk_practice_evaluations_certificate_id_certificates')),
    sa.ForeignKeyConstraint(['evaluated_by_id'], ['users.id'], name=op.f('fk_practice_evaluations_evaluated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_practice_evaluations')),
    sa.UniqueConstraint('application_id', name=op.f('uq_practice_evaluations_application_id'))
    )
    op.create_table('practice_logs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('week_of', sa.Date(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('commented_by_id', sa.Integer(), nullable=True),
    sa.Column('commented_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['practice_applications.id'], name=op.f('fk_practice_logs_application_id_practice_applications')),
    sa.ForeignKeyConstraint(['commented_by_id'], ['users.id'], name=op.f('fk_practice_logs_commented_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_practice_logs')),
    sa.UniqueConstraint('application_id', 'week_of', name=op.f('uq_practice_logs_application_id_week_of'))
    )
    op.create_table('practice_log_photos',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('log_id', sa.Integer(), nullable=False),
    sa.Column('jpeg', sa.LargeBinary(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['log_id'], ['practice_logs.id'], name=op.f('fk_practice_log_photos_log_id_practice_logs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_practice_log_photos'))
    )
    with op.batch_alter_table('practice_log_photos', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_practice_log_photos_log_id'), ['log_id'], unique=False)

    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=20), server_default='service_record', nullable=False))
        batch_op.create_check_constraint(op.f('ck_certificates_kind_known'), "kind IN ('service_record', 'practice_record')")
        batch_op.drop_constraint(op.f('ck_certificates_has_hours'), type_='check')
        batch_op.create_check_constraint(op.f('ck_certificates_has_hours'),
                                         "minutes > 0 OR (kind <> 'service_record' AND minutes = 0)")

    with op.batch_alter_table('practice_host_units', schema=None) as batch_op:
        batch_op.add_column(sa.Column('seal_png', sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column('seal_sha256', sa.String(length=64), nullable=True))
    _kinds(KINDS)


def downgrade():
    new = ", ".join(NEW)
    op.execute(f"DELETE FROM notice_deliveries WHERE notice_id IN (SELECT id FROM notices WHERE kind IN ({new}))")
    op.execute(f"DELETE FROM notices WHERE kind IN ({new})")
    op.execute(f"DELETE FROM notice_channel_choices WHERE kind IN ({new})")
    _kinds(OLD_KINDS)
    with op.batch_alter_table('practice_host_units', schema=None) as batch_op:
        batch_op.drop_column('seal_sha256')
        batch_op.drop_column('seal_png')

    with op.batch_alter_table('practice_log_photos', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_practice_log_photos_log_id'))

    op.drop_table('practice_log_photos')
    op.drop_table('practice_logs')
    op.drop_table('practice_evaluations')
    # The schema before this one holds service certificates only.
    practice = "SELECT id FROM certificates WHERE kind <> 'service_record'"
    op.execute(f"DELETE FROM certificate_pdfs WHERE certificate_id IN ({practice})")
    op.execute(f"DELETE FROM certificates WHERE kind <> 'service_record'")
    op.execute("DELETE FROM jobs WHERE kind = 'practice_certificates'")
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_certificates_has_hours'), type_='check')
        batch_op.create_check_constraint(op.f('ck_certificates_has_hours'), "minutes > 0")
        batch_op.drop_constraint(op.f('ck_certificates_kind_known'), type_='check')
        batch_op.drop_column('kind')
