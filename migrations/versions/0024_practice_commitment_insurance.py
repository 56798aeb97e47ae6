"""practice: the commitment letter's versions, a student's acknowledgement of one and their insurance

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-03 07:58:28

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('practice_commitments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_practice_commitments_created_by_id_users')),
    sa.ForeignKeyConstraint(['programme_id'], ['practice_programmes.id'], name=op.f('fk_practice_commitments_programme_id_practice_programmes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_practice_commitments')),
    sa.UniqueConstraint('programme_id', 'version', name=op.f('uq_practice_commitments_programme_id_version'))
    )
    with op.batch_alter_table('practice_applications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('commitment_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('committed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('insurance', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('insured_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_practice_applications_commitment_id_practice_commitments'), 'practice_commitments', ['commitment_id'], ['id'])



def downgrade():
    with op.batch_alter_table('practice_applications', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_practice_applications_commitment_id_practice_commitments'), type_='foreignkey')
        batch_op.drop_column('insured_at')
        batch_op.drop_column('insurance')
        batch_op.drop_column('committed_at')
        batch_op.drop_column('commitment_id')

    op.drop_table('practice_commitments')
