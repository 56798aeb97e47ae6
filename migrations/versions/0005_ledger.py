"""ledger: decisions, corrections, manual entries, totals; approved entries made immutable

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-21 20:39:41.500356

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


KEEP_APPROVED_PG = """
CREATE FUNCTION ledger_entries_keep_approved() RETURNS trigger AS $$
BEGIN
    IF OLD.state = 'approved' THEN
        RAISE EXCEPTION 'approved ledger entries are never changed (entry %)', OLD.id;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql
"""


def _year(column: str) -> str:
    if op.get_bind().dialect.name == "postgresql":
        return f"EXTRACT(YEAR FROM {column})"
    return f"strftime('%Y', {column})"


def upgrade():
    op.create_table('ledger_totals',
    sa.Column('volunteer_id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('approved_minutes', sa.Integer(), nullable=False),
    sa.Column('pending_minutes', sa.Integer(), nullable=False),
    sa.CheckConstraint('pending_minutes >= 0', name=op.f('ck_ledger_totals_pending_not_negative')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_ledger_totals_project_id_projects')),
    sa.ForeignKeyConstraint(['volunteer_id'], ['volunteers.id'], name=op.f('fk_ledger_totals_volunteer_id_volunteers')),
    sa.PrimaryKeyConstraint('volunteer_id', 'project_id', 'year', name=op.f('pk_ledger_totals'))
    )
    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('recorded_minutes', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('credited_minutes', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('rule_version', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('created_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('corrects_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('activity', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('activity_minutes', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('decided_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('reason', sa.Text(), nullable=True))
        batch_op.create_index('uq_ledger_entries_corrects', ['corrects_id'], unique=True, sqlite_where=sa.text('corrects_id IS NOT NULL'), postgresql_where=sa.text('corrects_id IS NOT NULL'))
        batch_op.create_foreign_key(batch_op.f('fk_ledger_entries_created_by_id_users'), 'users', ['created_by_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_ledger_entries_decided_by_id_users'), 'users', ['decided_by_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_ledger_entries_corrects_id_ledger_entries'), 'ledger_entries', ['corrects_id'], ['id'])
        batch_op.create_check_constraint(
            'approved_is_credited', "state != 'approved' OR (credited_minutes IS NOT NULL AND decided_at IS NOT NULL)")
        batch_op.create_check_constraint('correction_refers', "(source = 'correction') = (corrects_id IS NOT NULL)")

    # Entries so far were all written by check-outs and are pending: their minutes are as recorded,
    # and the totals start from them.
    op.execute("UPDATE ledger_entries SET recorded_minutes = minutes")
    op.execute("INSERT INTO ledger_totals (volunteer_id, project_id, year, approved_minutes, pending_minutes) "
               "SELECT volunteer_id, project_id, CAST(" + _year("served_on") + " AS INTEGER), 0, SUM(minutes) "
               "FROM ledger_entries WHERE state = 'pending' GROUP BY volunteer_id, project_id, "
               + _year("served_on"))

    # The last word on "approved entries are never changed": the database refuses it.
    if op.get_bind().dialect.name == "postgresql":
        op.execute(KEEP_APPROVED_PG)
        op.execute("CREATE TRIGGER ledger_entries_keep_approved BEFORE UPDATE OR DELETE ON ledger_entries "
                   "FOR EACH ROW EXECUTE FUNCTION ledger_entries_keep_approved()")
    else:  # SQLite: updates only (tests empty their tables between cases)
        op.execute("CREATE TRIGGER ledger_entries_keep_approved BEFORE UPDATE ON ledger_entries "
                   "FOR EACH ROW WHEN OLD.state = 'approved' "
                   "BEGIN SELECT RAISE(ABORT, 'approved ledger entries are never changed'); END")



def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS ledger_entries_keep_approved ON ledger_entries")
        op.execute("DROP FUNCTION IF EXISTS ledger_entries_keep_approved()")
    else:
        op.execute("DROP TRIGGER IF EXISTS ledger_entries_keep_approved")
    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_ledger_entries_correction_refers'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_ledger_entries_approved_is_credited'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_ledger_entries_corrects_id_ledger_entries'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_ledger_entries_decided_by_id_users'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_ledger_entries_created_by_id_users'), type_='foreignkey')
        batch_op.drop_index('uq_ledger_entries_corrects', sqlite_where=sa.text('corrects_id IS NOT NULL'), postgresql_where=sa.text('corrects_id IS NOT NULL'))
        batch_op.drop_column('reason')
        batch_op.drop_column('decided_at')
        batch_op.drop_column('decided_by_id')
        batch_op.drop_column('activity_minutes')
        batch_op.drop_column('activity')
        batch_op.drop_column('corrects_id')
        batch_op.drop_column('created_by_id')
        batch_op.drop_column('rule_version')
        batch_op.drop_column('credited_minutes')
        batch_op.drop_column('recorded_minutes')

    op.drop_table('ledger_totals')
