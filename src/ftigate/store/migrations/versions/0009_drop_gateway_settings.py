"""The unused gateway_settings table is dropped

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 21:10:00.000000

Configuration is read from the environment, once, by ftigate.settings; nothing ever wrote to or read
from this key-value table, so it goes rather than suggest a second place where settings live.
"""
import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_table('gateway_settings')


def downgrade() -> None:
    op.create_table('gateway_settings',
                    sa.Column('key', sa.String(length=100), nullable=False),
                    sa.Column('value', sa.Text(), nullable=False),
                    sa.PrimaryKeyConstraint('key', name=op.f('pk_gateway_settings')))
