"""practice: host units, posts, applications, choices; notices of them

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-03 07:20:33

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None

OLD_KINDS = ("'application_accepted', 'application_declined', 'volunteer_applied', 'project_waiting', "
             "'project_screened', 'hours_approved', 'hours_rejected', 'hours_corrected', 'dispute_answered', "
             "'certificate_issued', 'certificate_revoked', 'request_declined', 'starts_in_a_day', 'starts_in_an_hour', "
             "'certificate_to_review', 'entries_overdue', 'shift_place_offered', 'shift_offer_lapsed', 'shift_called_off', "
             "'leave_requested', 'leave_given', 'leave_denied', 'shift_missed', 'shift_excused'")
NEW = ("'unit_contact_named'", "'post_waiting'", "'post_decided'", "'selection_step'", "'practice_offer'",
       "'practice_offer_answered'", "'student_placed_on_post'")
KINDS = OLD_KINDS + ", " + ", ".join(NEW)


def _kinds(kinds: str) -> None:
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_notices_kind_known'), type_='check')
        batch_op.create_check_constraint(op.f('ck_notices_kind_known'), f"kind IN ({kinds})")
    with op.batch_alter_table('notice_channel_choices', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_notice_channel_choices_kind_known'), type_='check')
        batch_op.create_check_constraint(op.f('ck_notice_channel_choices_kind_known'), f"kind IN ({kinds})")


def upgrade():
    op.create_table('practice_host_units',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('unit_kind', sa.String(length=30), nullable=False),
    sa.Column('address', sa.String(length=200), nullable=True),
    sa.Column('contact_name', sa.String(length=80), nullable=False),
    sa.Column('contact_user_id', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("unit_kind IN ('government_office', 'public_institution', 'enterprise', 'village_or_community', 'youth_home', 'social_organisation')", name=op.f('ck_practice_host_units_unit_kind_known')),
    sa.ForeignKeyConstraint(['contact_user_id'], ['users.id'], name=op.f('fk_practice_host_units_contact_user_id_users')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_practice_host_units_created_by_id_users')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_practice_host_units_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_practice_host_units')),
    sa.UniqueConstraint('organisation_id', 'name', name=op.f('uq_practice_host_units_organisation_id_name'))
    )
    with op.batch_alter_table('practice_host_units', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_practice_host_units_contact_user_id'), ['contact_user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_practice_host_units_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('practice_posts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('post_kind', sa.String(length=30), nullable=False),
    sa.Column('places', sa.Integer(), nullable=False),
    sa.Column('filled', sa.Integer(), server_default='0', nullable=False),
    sa.Column('place_of_work', sa.String(length=200), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('duties', sa.Text(), nullable=False),
    sa.Column('requirements', sa.Text(), nullable=True),
    sa.Column('supervisor_name', sa.String(length=80), nullable=False),
    sa.Column('supervisor_phone', sa.String(length=20), nullable=True),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('return_reason', sa.String(length=500), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("post_kind IN ('government_practice', 'enterprise_practice', 'part_time_post', 'public_welfare', 'community_practice', 'rural_revitalisation', 'culture_publicity')", name=op.f('ck_practice_posts_post_kind_known')),
    sa.CheckConstraint("state IN ('post_submitted', 'post_approved', 'post_returned', 'post_withdrawn')", name=op.f('ck_practice_posts_state_known')),
    sa.CheckConstraint('ends_on >= starts_on', name=op.f('ck_practice_posts_dates_ordered')),
    sa.CheckConstraint('filled >= 0 AND filled <= places', name=op.f('ck_practice_posts_within_places')),
    sa.CheckConstraint('places > 0', name=op.f('ck_practice_posts_places_positive')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_practice_posts_created_by_id_users')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_practice_posts_decided_by_id_users')),
    sa.ForeignKeyConstraint(['programme_id'], ['practice_programmes.id'], name=op.f('fk_practice_posts_programme_id_practice_programmes')),
    sa.ForeignKeyConstraint(['unit_id'], ['practice_host_units.id'], name=op.f('fk_practice_posts_unit_id_practice_host_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_practice_posts'))
    )
    with op.batch_alter_table('practice_posts', schema=None) as batch_op:
        batch_op.create_index('ix_practice_posts_programme_state', ['programme_id', 'state'], unique=False)
        batch_op.create_index(batch_op.f('ix_practice_posts_unit_id'), ['unit_id'], unique=False)

    op.create_table('practice_applications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('volunteer_id', sa.Integer(), nullable=False),
    sa.Column('school_name', sa.String(length=120), nullable=False),
    sa.Column('student_number', sa.String(length=40), nullable=False),
    sa.Column('major', sa.String(length=80), nullable=False),
    sa.Column('grade', sa.String(length=20), nullable=False),
    sa.Column('hometown_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=30), nullable=False),
    sa.Column('placed_post_id', sa.Integer(), nullable=True),
    sa.Column('guardian_consent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("state IN ('applied_to_programme', 'student_placed', 'application_withdrawn')", name=op.f('ck_practice_applications_state_known')),
    sa.ForeignKeyConstraint(['hometown_id'], ['organisations.id'], name=op.f('fk_practice_applications_hometown_id_organisations')),
    sa.ForeignKeyConstraint(['placed_post_id'], ['practice_posts.id'], name=op.f('fk_practice_applications_placed_post_id_practice_posts')),
    sa.ForeignKeyConstraint(['programme_id'], ['practice_programmes.id'], name=op.f('fk_practice_applications_programme_id_practice_programmes')),
    sa.ForeignKeyConstraint(['volunteer_id'], ['volunteers.id'], name=op.f('fk_practice_applications_volunteer_id_volunteers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_practice_applications')),
    sa.UniqueConstraint('programme_id', 'volunteer_id', name=op.f('uq_practice_applications_programme_id_volunteer_id'))
    )
    with op.batch_alter_table('practice_applications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_practice_applications_programme_id'), ['programme_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_practice_applications_volunteer_id'), ['volunteer_id'], unique=False)

    op.create_table('practice_choices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=True),
    sa.Column('state', sa.String(length=30), nullable=False),
    sa.Column('interview_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('interview_place', sa.String(length=200), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("state IN ('choice_waiting', 'shortlisted', 'interview_booked', 'offer_made', 'offer_accepted', 'offer_declined', 'not_chosen', 'choice_withdrawn')", name=op.f('ck_practice_choices_state_known')),
    sa.CheckConstraint('rank IS NULL OR rank BETWEEN 1 AND 3', name=op.f('ck_practice_choices_rank_in_range')),
    sa.ForeignKeyConstraint(['application_id'], ['practice_applications.id'], name=op.f('fk_practice_choices_application_id_practice_applications')),
    sa.ForeignKeyConstraint(['post_id'], ['practice_posts.id'], name=op.f('fk_practice_choices_post_id_practice_posts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_practice_choices')),
    sa.UniqueConstraint('application_id', 'post_id', name=op.f('uq_practice_choices_application_id_post_id')),
    sa.UniqueConstraint('application_id', 'rank', name=op.f('uq_practice_choices_application_id_rank'))
    )
    with op.batch_alter_table('practice_choices', schema=None) as batch_op:
        batch_op.create_index('ix_practice_choices_post_state', ['post_id', 'state'], unique=False)
        batch_op.create_index('uq_practice_choices_accepted', ['application_id'], unique=True, sqlite_where=sa.text("state IN ('offer_accepted')"), postgresql_where=sa.text("state IN ('offer_accepted')"))
    _kinds(KINDS)


def downgrade():
    new = ", ".join(NEW)
    op.execute(f"DELETE FROM notice_deliveries WHERE notice_id IN (SELECT id FROM notices WHERE kind IN ({new}))")
    op.execute(f"DELETE FROM notices WHERE kind IN ({new})")
    op.execute(f"DELETE FROM notice_channel_choices WHERE kind IN ({new})")
    _kinds(OLD_KINDS)
    with op.batch_alter_table('practice_choices', schema=None) as batch_op:
        batch_op.drop_index('uq_practice_choices_accepted', sqlite_where=sa.text("state IN ('offer_accepted')"), postgresql_where=sa.text("state IN ('offer_accepted')"))
        batch_op.drop_index('ix_practice_choices_post_state')

    op.drop_table('practice_choices')
    with op.batch_alter_table('practice_applications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_practice_applications_volunteer_id'))
        batch_op.drop_index(batch_op.f('ix_practice_applications_programme_id'))

    op.drop_table('practice_applications')
    with op.batch_alter_table('practice_posts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_practice_posts_unit_id'))
        batch_op.drop_index('ix_practice_posts_programme_state')

    op.drop_table('practice_posts')
    with op.batch_alter_table('practice_host_units', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_practice_host_units_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_practice_host_units_contact_user_id'))

    op.drop_table('practice_host_units')
