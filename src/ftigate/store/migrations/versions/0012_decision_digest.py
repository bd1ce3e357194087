"""each subject keeps the SHA-256 of its decision as committed (decision-rows/1), so a rewritten decision is named

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 23:20:00.000000
"""
import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('subjects', schema=None) as batch_op:
        batch_op.add_column(sa.Column('decision_digest', sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('subjects', schema=None) as batch_op:
        batch_op.drop_column('decision_digest')
