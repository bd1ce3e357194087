"""tokens of the requesting agency's people (their SHA-256 digests only)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 20:20:00.000000
"""
import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('agency_tokens',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('holder', sa.String(length=100), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('agency', sa.String(length=100), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=True),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agency_tokens')),
    sa.UniqueConstraint('digest', name=op.f('uq_agency_tokens_digest'))
    )
    with op.batch_alter_table('agency_tokens', schema=None) as batch_op:
        batch_op.create_index('ix_agency_tokens_holder', ['holder'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('agency_tokens', schema=None) as batch_op:
        batch_op.drop_index('ix_agency_tokens_holder')
    op.drop_table('agency_tokens')
