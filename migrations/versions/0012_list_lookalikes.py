"""accounts: list the phones and ID numbers stored before identifiers were normalised that are one number once normalised (changes nothing)

Full-width and other script digits used to pass the checks unchanged, so one person could hold two
records. This revision only reports them, in the upgrade's output, for an admin to merge or
correct by hand; ``flask --app run users look-alikes`` lists them again at any time.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 23:55:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    from alembic import context
    from flask import has_app_context
    if not has_app_context() or context.is_offline_mode():
        return  # the listing needs the app (ID numbers are kept encrypted)
    from volunteer.accounts.services.lookalikes import lookalikes
    lines = lookalikes(op.get_bind().execute)
    for line in lines:
        print(f"look-alike identifiers: {line}")
    if lines:
        print("Merge or correct them by hand; flask --app run users look-alikes lists them again.")


def downgrade():
    pass
