"""API tokens expire

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 03:35:00.000000

A token issued before this revision has no expiry time and is no longer accepted (the store reads a
missing expiry as expired): its holder asks for a new one.
"""
import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.add_column(sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_column('expires_at')
