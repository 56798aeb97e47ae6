"""ledger: what waits for a decision, counted by the organisation of the project and by service day

Filled from the pending entries already there (as ``flask --app run ledger verify`` recounts
them), so the queues' counts are right at once.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 23:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('ledger_pending_counts',
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('entries', sa.Integer(), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.CheckConstraint('entries >= 0 AND minutes >= 0', name=op.f('ck_ledger_pending_counts_not_negative')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_ledger_pending_counts_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('organisation_id', name=op.f('pk_ledger_pending_counts'))
    )
    op.create_table('ledger_pending_days',
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('served_on', sa.Date(), nullable=False),
    sa.Column('entries', sa.Integer(), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.CheckConstraint('entries >= 0 AND minutes >= 0', name=op.f('ck_ledger_pending_days_not_negative')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_ledger_pending_days_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('organisation_id', 'served_on', name=op.f('pk_ledger_pending_days'))
    )
    op.create_index('ix_ledger_pending_days_served', 'ledger_pending_days', ['served_on', 'organisation_id'], unique=False)
    pending = """SELECT p.organisation_id, e.served_on, e.minutes FROM ledger_entries e
                 JOIN projects p ON p.id = e.project_id WHERE e.state = 'pending'"""
    op.execute(f"""INSERT INTO ledger_pending_counts (organisation_id, entries, minutes)
                   SELECT organisation_id, COUNT(*), SUM(minutes) FROM ({pending}) w GROUP BY organisation_id""")
    op.execute(f"""INSERT INTO ledger_pending_days (organisation_id, served_on, entries, minutes)
                   SELECT organisation_id, served_on, COUNT(*), SUM(minutes) FROM ({pending}) w
                   GROUP BY organisation_id, served_on""")


def downgrade():
    op.drop_index('ix_ledger_pending_days_served', table_name='ledger_pending_days')
    op.drop_table('ledger_pending_days')
    op.drop_table('ledger_pending_counts')
