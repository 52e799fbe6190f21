"""audit binds

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29

The audit chain covers the money: every entry may carry the digests of the money rows its act wrote
(``audit_entry.binds``), and the chain head keeps a fingerprint of the key it was written with
(``audit_head.key_fingerprint``, never the key). On SQLite, triggers refuse UPDATE and DELETE on the
journal and on the money tables that are never updated; on PostgreSQL the terminal's role is given no
such right (see the README's security section).

It runs last on purpose: SQLite rebuilds a table for most ALTERs (batch mode), and a rebuilt table loses
its triggers. A later migration that rebuilds one of the append-only tables must create its triggers again.
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

# Tables no service ever updates or deletes from: the journal and the posted money.
APPEND_ONLY = ('audit_entry', 'payment_txn', 'payment_line', 'payment_tender', 'drawer_movement', 'drawer_count')


def upgrade() -> None:
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.add_column(sa.Column('binds', sa.Text(), nullable=True))
    with op.batch_alter_table('audit_head', schema=None) as batch_op:
        batch_op.add_column(sa.Column('key_fingerprint', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
    if op.get_bind().dialect.name == 'sqlite':
        for table in APPEND_ONLY:
            for verb in ('UPDATE', 'DELETE'):
                op.execute(f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                           f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: {verb} is refused'); END")


def downgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        for table in APPEND_ONLY:
            for verb in ('UPDATE', 'DELETE'):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{verb.lower()}")
    with op.batch_alter_table('audit_head', schema=None) as batch_op:
        batch_op.drop_column('key_fingerprint')
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.drop_column('binds')
