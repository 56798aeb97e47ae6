"""practice: a photo of the policy a student may upload with their insurance; projects that take check-ins only during a shift (a practice programme's training)

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-04 19:10:32

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0030'
down_revision = '0029'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('practice_applications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('insurance_proof', sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column('insurance_proof_sha256', sa.String(length=64), nullable=True))
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.add_column(sa.Column('shifts_only', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.drop_column('shifts_only')
    with op.batch_alter_table('practice_applications', schema=None) as batch_op:
        batch_op.drop_column('insurance_proof_sha256')
        batch_op.drop_column('insurance_proof')
