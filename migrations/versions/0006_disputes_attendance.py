"""disputes of ledger entries; a project's optional minimum attendance

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-21 21:16:21.139649

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('disputes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('volunteer_id', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('resolution', sa.String(length=10), nullable=True),
    sa.Column('resolution_note', sa.Text(), nullable=True),
    sa.Column('resolved_by_id', sa.Integer(), nullable=True),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("resolution IS NULL OR resolution IN ('decided', 'corrected', 'upheld')", name=op.f('ck_disputes_resolution_known')),
    sa.CheckConstraint("state IN ('open', 'resolved')", name=op.f('ck_disputes_state_known')),
    sa.ForeignKeyConstraint(['entry_id'], ['ledger_entries.id'], name=op.f('fk_disputes_entry_id_ledger_entries')),
    sa.ForeignKeyConstraint(['resolved_by_id'], ['users.id'], name=op.f('fk_disputes_resolved_by_id_users')),
    sa.ForeignKeyConstraint(['volunteer_id'], ['volunteers.id'], name=op.f('fk_disputes_volunteer_id_volunteers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_disputes'))
    )
    with op.batch_alter_table('disputes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_disputes_entry_id'), ['entry_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_disputes_volunteer_id'), ['volunteer_id'], unique=False)
        batch_op.create_index('uq_disputes_one_open', ['entry_id'], unique=True, sqlite_where=sa.text("state = 'open'"), postgresql_where=sa.text("state = 'open'"))

    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.add_column(sa.Column('shift_minutes', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('min_attendance_percent', sa.Integer(), nullable=True))
        batch_op.create_check_constraint(op.f('ck_projects_shift_in_day'),
                                         'shift_minutes IS NULL OR shift_minutes BETWEEN 1 AND 1440')
        batch_op.create_check_constraint(op.f('ck_projects_min_attendance_percent'),
                                         'min_attendance_percent IS NULL OR min_attendance_percent BETWEEN 1 AND 100')



    if op.get_bind().dialect.name == "sqlite":
        # PostgreSQL's trigger (0005) refuses deleting an approved entry too; now SQLite's does.
        # A batch_alter_table on ledger_entries rebuilds it on SQLite and drops its triggers:
        # such a migration must create both again.
        op.execute("CREATE TRIGGER ledger_entries_keep_approved_rows BEFORE DELETE ON ledger_entries "
                   "FOR EACH ROW WHEN OLD.state = 'approved' "
                   "BEGIN SELECT RAISE(ABORT, 'approved ledger entries are never deleted'); END")


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS ledger_entries_keep_approved_rows")
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_projects_min_attendance_percent'), type_='check')
        batch_op.drop_constraint(op.f('ck_projects_shift_in_day'), type_='check')
        batch_op.drop_column('min_attendance_percent')
        batch_op.drop_column('shift_minutes')

    with op.batch_alter_table('disputes', schema=None) as batch_op:
        batch_op.drop_index('uq_disputes_one_open', sqlite_where=sa.text("state = 'open'"), postgresql_where=sa.text("state = 'open'"))
        batch_op.drop_index(batch_op.f('ix_disputes_volunteer_id'))
        batch_op.drop_index(batch_op.f('ix_disputes_entry_id'))

    op.drop_table('disputes')
