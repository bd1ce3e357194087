"""a disclosure no longer names its package: its request's package is the one

A request is delivered in one package (``packages.request``), so the package a disclosure went out
in is its request's. The column said so a second time, and delivering a request rewrote every one of
its disclosures (a million rows for a large request) to fill it in; nothing read it.

The downgrade puts the column back, filled in from the packages.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 19:30:00.000000
"""
import sqlalchemy as sa
from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('disclosures', schema=None) as batch_op:
        batch_op.drop_constraint('fk_disclosures_package_packages', type_='foreignkey')
        batch_op.drop_column('package')


def downgrade() -> None:
    with op.batch_alter_table('disclosures', schema=None) as batch_op:
        batch_op.add_column(sa.Column('package', sa.String(length=64), nullable=True))
        batch_op.create_foreign_key('fk_disclosures_package_packages', 'packages', ['package'], ['id'])
    op.execute("UPDATE disclosures SET package = "
               "(SELECT packages.id FROM packages WHERE packages.request = disclosures.request)")
