"""practice: a host unit's place as a station, the projects a programme runs through check-in (at its units, its training), projects of social practice, delegated projects

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-04 18:04:15

"""
from alembic import op
import sqlalchemy as sa

OLD_CATEGORIES = ("'elderly', 'disability', 'education', 'environment', 'emergency', 'civility', 'major_event', "
                  "'community', 'other'")
CATEGORIES = OLD_CATEGORIES.replace("'other'", "'social_practice', 'other'")

OLD_KINDS = ("'application_accepted', 'application_declined', 'volunteer_applied', 'project_waiting', "
             "'project_screened', 'hours_approved', 'hours_rejected', 'hours_corrected', 'dispute_answered', "
             "'certificate_issued', 'certificate_revoked', 'request_declined', 'starts_in_a_day', 'starts_in_an_hour', "
             "'certificate_to_review', 'entries_overdue', 'shift_place_offered', 'shift_offer_lapsed', 'shift_called_off', "
             "'leave_requested', 'leave_given', 'leave_denied', 'shift_missed', 'shift_excused', "
             "'unit_contact_named', 'post_waiting', 'post_decided', 'selection_step', 'practice_offer', "
             "'practice_offer_answered', 'student_placed_on_post', "
             "'practice_log_waiting', 'practice_log_commented', 'practice_evaluated', 'practice_certified', "
             "'placed_elsewhere'")
NEW_KIND = "'put_on_roster'"


def _kinds(kinds: str) -> None:
    for table in ('notices', 'notice_channel_choices'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(op.f(f'ck_{table}_kind_known'), type_='check')
            batch_op.create_check_constraint(op.f(f'ck_{table}_kind_known'), f"kind IN ({kinds})")


def _categories(categories: str) -> None:
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_projects_category_known'), type_='check')
        batch_op.create_check_constraint(op.f('ck_projects_category_known'), f"category IN ({categories})")


# revision identifiers, used by Alembic.
revision = '0028'
down_revision = '0027'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('practice_projects',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.String(length=30), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('position_id', sa.Integer(), nullable=False),
    sa.CheckConstraint("(unit_id IS NULL) = (purpose IN ('pre_post_training'))", name=op.f('ck_practice_projects_unit_unless_training')),
    sa.CheckConstraint("purpose IN ('attendance_at_unit', 'pre_post_training')", name=op.f('ck_practice_projects_purpose_known')),
    sa.ForeignKeyConstraint(['position_id'], ['positions.id'], name=op.f('fk_practice_projects_position_id_positions')),
    sa.ForeignKeyConstraint(['programme_id'], ['practice_programmes.id'], name=op.f('fk_practice_projects_programme_id_practice_programmes')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_practice_projects_project_id_projects')),
    sa.ForeignKeyConstraint(['unit_id'], ['practice_host_units.id'], name=op.f('fk_practice_projects_unit_id_practice_host_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_practice_projects')),
    sa.UniqueConstraint('programme_id', 'unit_id', name=op.f('uq_practice_projects_programme_id_unit_id')),
    sa.UniqueConstraint('project_id', name=op.f('uq_practice_projects_project_id'))
    )
    with op.batch_alter_table('practice_projects', schema=None) as batch_op:
        batch_op.create_index('uq_practice_projects_training', ['programme_id'], unique=True, sqlite_where=sa.text("purpose IN ('pre_post_training')"), postgresql_where=sa.text("purpose IN ('pre_post_training')"))

    with op.batch_alter_table('practice_host_units', schema=None) as batch_op:
        batch_op.add_column(sa.Column('station_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_practice_host_units_station_id_stations'), 'stations', ['station_id'], ['id'])

    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.add_column(sa.Column('delegated', sa.Boolean(), server_default=sa.false(), nullable=False))
    _categories(CATEGORIES)
    _kinds(OLD_KINDS.replace("'placed_elsewhere'", "'placed_elsewhere', " + NEW_KIND))



def downgrade():
    # the practice projects stay, closed (without the flag they would be ordinary running projects),
    # as projects of another category
    op.execute("UPDATE projects SET state = 'closed' WHERE delegated")
    op.execute("UPDATE projects SET category = 'other' WHERE category = 'social_practice'")
    _categories(OLD_CATEGORIES)
    op.execute(f"DELETE FROM notice_deliveries WHERE notice_id IN (SELECT id FROM notices WHERE kind = {NEW_KIND})")
    op.execute(f"DELETE FROM notices WHERE kind = {NEW_KIND}")
    op.execute(f"DELETE FROM notice_channel_choices WHERE kind = {NEW_KIND}")
    _kinds(OLD_KINDS)
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.drop_column('delegated')

    with op.batch_alter_table('practice_host_units', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_practice_host_units_station_id_stations'), type_='foreignkey')
        batch_op.drop_column('station_id')

    with op.batch_alter_table('practice_projects', schema=None) as batch_op:
        batch_op.drop_index('uq_practice_projects_training', sqlite_where=sa.text("purpose IN ('pre_post_training')"), postgresql_where=sa.text("purpose IN ('pre_post_training')"))

    op.drop_table('practice_projects')
