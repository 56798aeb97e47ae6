"""practice: 返家乡 practice programmes run by a league organisation (season, application window, practice period, the organisations whose units may offer posts, rules, state)

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-02 16:05:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('practice_programmes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('season', sa.String(length=20), nullable=False),
    sa.Column('applications_open_on', sa.Date(), nullable=False),
    sa.Column('applications_close_on', sa.Date(), nullable=False),
    sa.Column('practice_starts_on', sa.Date(), nullable=False),
    sa.Column('practice_ends_on', sa.Date(), nullable=False),
    sa.Column('rules', sa.Text(), nullable=True),
    sa.Column('state', sa.String(length=30), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("season IN ('summer', 'winter')", name=op.f('ck_practice_programmes_season_known')),
    sa.CheckConstraint("state IN ('programme_draft', 'collecting_posts', 'applications_open', 'two_way_selection', 'practice_running', 'practice_evaluating', 'programme_closed')", name=op.f('ck_practice_programmes_state_known')),
    sa.CheckConstraint('applications_close_on >= applications_open_on', name=op.f('ck_practice_programmes_applications_ordered')),
    sa.CheckConstraint('practice_ends_on >= practice_starts_on', name=op.f('ck_practice_programmes_practice_ordered')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_practice_programmes_created_by_id_users')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_practice_programmes_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_practice_programmes'))
    )
    with op.batch_alter_table('practice_programmes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_practice_programmes_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('practice_programme_areas',
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_practice_programme_areas_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['programme_id'], ['practice_programmes.id'], name=op.f('fk_practice_programme_areas_programme_id_practice_programmes')),
    sa.PrimaryKeyConstraint('programme_id', 'organisation_id', name=op.f('pk_practice_programme_areas'))
    )
    with op.batch_alter_table('practice_programme_areas', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_practice_programme_areas_organisation_id'), ['organisation_id'], unique=False)



def downgrade():
    with op.batch_alter_table('practice_programme_areas', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_practice_programme_areas_organisation_id'))

    op.drop_table('practice_programme_areas')
    with op.batch_alter_table('practice_programmes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_practice_programmes_organisation_id'))

    op.drop_table('practice_programmes')
