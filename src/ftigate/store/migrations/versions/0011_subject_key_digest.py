"""each subject's key (ftigate.law.subject_key) as a SHA-256, indexed: the repeated-subject check
looks up a new request's subjects instead of reading every recent subject of the agency

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 23:30:00.000000
"""
import sqlalchemy as sa
from alembic import op

from ftigate.store.recent_subjects import KEY_COLUMNS, key_digest

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('subjects', schema=None) as batch_op:
        batch_op.add_column(sa.Column('subject_key_sha256', sa.String(length=64), nullable=True))
        batch_op.create_index('ix_subjects_key', ['subject_key_sha256'], unique=False)
    conn = op.get_bind()
    table = sa.table('subjects', sa.column('id', sa.BigInteger), sa.column('subject_key_sha256', sa.String),
                     *(sa.column(name, sa.Text) for name in KEY_COLUMNS))
    last = 0
    while True:  # the subjects stored so far, a batch at a time
        rows = conn.execute(sa.select(table.c.id, *(table.c[name] for name in KEY_COLUMNS))
                            .where(table.c.id > last).order_by(table.c.id).limit(20_000)).mappings().all()
        if not rows:
            break
        conn.execute(sa.update(table).where(table.c.id == sa.bindparam('_id'))
                     .values(subject_key_sha256=sa.bindparam('_digest')),
                     [{'_id': row['id'], '_digest': key_digest(dict(row))} for row in rows])
        last = rows[-1]['id']


def downgrade() -> None:
    with op.batch_alter_table('subjects', schema=None) as batch_op:
        batch_op.drop_index('ix_subjects_key')
        batch_op.drop_column('subject_key_sha256')
