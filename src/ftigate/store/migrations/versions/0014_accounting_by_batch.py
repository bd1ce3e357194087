"""the accounting's commitments indexed under their batch's ledger entry, not on their own

An index led by the commitment (a keyed hash, random) took each new record to a random place: a
batch of 5,000 records dirtied about 5,000 pages of it, written again at every commit. Led by the
ledger index, a batch's records go to the index's end, together. A record is still found by its
commitment alone, one batch at a time (``accounting_store.by_commitment``).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 10:20:00.000000
"""
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('accounting', schema=None) as batch_op:
        batch_op.drop_index('ix_accounting_commitment')
        batch_op.drop_index('ix_accounting_ledger_index')
        batch_op.create_index('ix_accounting_ledger_commitment', ['ledger_index', 'commitment'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('accounting', schema=None) as batch_op:
        batch_op.drop_index('ix_accounting_ledger_commitment')
        batch_op.create_index('ix_accounting_ledger_index', ['ledger_index'], unique=False)
        batch_op.create_index('ix_accounting_commitment', ['commitment'], unique=False)
