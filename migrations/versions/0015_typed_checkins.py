"""checkin and ledger: who typed a volunteer's number at the kiosk for a session (no card shown), so that someone else approves it

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02 03:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    # A plain ALTER TABLE ADD COLUMN with its REFERENCES on both databases: a batch copy on
    # SQLite would drop the ledger's append-only trigger (and Alembic adds no constraint there).
    for table in ('service_sessions', 'ledger_entries'):
        if op.get_bind().dialect.name == 'postgresql':
            op.add_column(table, sa.Column('typed_by_id', sa.Integer(), nullable=True))
            op.create_foreign_key(f'fk_{table}_typed_by_id_users', table, 'users', ['typed_by_id'], ['id'])
        else:
            op.execute(f'ALTER TABLE {table} ADD COLUMN typed_by_id INTEGER REFERENCES users (id)')


def downgrade():
    for table in ('ledger_entries', 'service_sessions'):
        if op.get_bind().dialect.name == 'postgresql':
            op.drop_constraint(f'fk_{table}_typed_by_id_users', table, type_='foreignkey')
        op.drop_column(table, 'typed_by_id')  # SQLite drops the column with its REFERENCES
