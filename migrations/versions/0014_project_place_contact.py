"""projects: where a project is held away from its stations, and the contact person volunteers may call

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 05:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    # Nullable columns: an ALTER TABLE on both databases; existing projects simply have none.
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.add_column(sa.Column('place', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('contact_name', sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column('contact_phone', sa.String(length=30), nullable=True))


def downgrade():
    # A plain DROP COLUMN (SQLite has it since 3.35): a batch would rebuild the table, which the
    # rows referring to projects forbid while foreign keys are enforced.
    for column in ('contact_phone', 'contact_name', 'place'):
        op.drop_column('projects', column)
