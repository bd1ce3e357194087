"""an index to read a request's match decisions batch by batch

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 03:30:00.000000
"""
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('subjects', schema=None) as batch_op:
        batch_op.create_index('ix_subjects_request_decision', ['request', 'decision_ledger_index'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('subjects', schema=None) as batch_op:
        batch_op.drop_index('ix_subjects_request_decision')
