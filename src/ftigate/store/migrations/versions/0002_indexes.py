"""indexes for oversight and recent-subject lookups

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 05:44:32.323941
"""
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('accounting', schema=None) as batch_op:
        batch_op.create_index('ix_accounting_commitment', ['commitment'], unique=False)
        batch_op.create_index('ix_accounting_ledger_index', ['ledger_index'], unique=False)

    with op.batch_alter_table('requests', schema=None) as batch_op:
        batch_op.create_index('ix_requests_agency_received', ['agency', 'received_at'], unique=False)

    with op.batch_alter_table('subjects', schema=None) as batch_op:
        batch_op.create_index('ix_subjects_request_subject_id', ['request', 'subject_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('subjects', schema=None) as batch_op:
        batch_op.drop_index('ix_subjects_request_subject_id')

    with op.batch_alter_table('requests', schema=None) as batch_op:
        batch_op.drop_index('ix_requests_agency_received')

    with op.batch_alter_table('accounting', schema=None) as batch_op:
        batch_op.drop_index('ix_accounting_ledger_index')
        batch_op.drop_index('ix_accounting_commitment')

