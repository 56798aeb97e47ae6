"""ledger: a manual entry's times (from, to) where given, and the photo that backs it (a sign-in sheet)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 03:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    # Nullable columns by a plain ALTER TABLE on both databases: a batch operation would copy the
    # table on SQLite and drop its append-only trigger with the old one.
    op.add_column('ledger_entries', sa.Column('service_from', sa.Time(), nullable=True))
    op.add_column('ledger_entries', sa.Column('service_to', sa.Time(), nullable=True))
    op.create_table('ledger_sheet_photos',
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('jpeg', sa.LargeBinary(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['entry_id'], ['ledger_entries.id'], name=op.f('fk_ledger_sheet_photos_entry_id_ledger_entries')),
    sa.PrimaryKeyConstraint('entry_id', name=op.f('pk_ledger_sheet_photos'))
    )


def downgrade():
    op.drop_table('ledger_sheet_photos')
    op.drop_column('ledger_entries', 'service_to')
    op.drop_column('ledger_entries', 'service_from')
