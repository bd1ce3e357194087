"""each subject names the match.decided ledger entry that commits to its decision

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 02:47:32.518207
"""
import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('subjects', schema=None) as batch_op:
        batch_op.add_column(sa.Column('decision_ledger_index', sa.BigInteger(), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('subjects', schema=None) as batch_op:
        batch_op.drop_column('decision_ledger_index')
