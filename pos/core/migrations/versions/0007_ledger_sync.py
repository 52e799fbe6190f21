"""ledger sync

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29

The ledger outbox (one row per closed batch, its body frozen when queued), the sync's saved state (the
account-master cursor), and each account's payments not yet acknowledged by the ledger.
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('ledger_outbox',
    sa.Column('batch_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('terminal_id', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('business_date', sa.Date(), nullable=False),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.Column('payload_sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('outcome_unknown', sa.Boolean(), nullable=False),
    sa.Column('last_error', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.Column('ledger_ref', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('refusal_reasons', sa.Text(), nullable=True),
    sa.Column('enqueued_at', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('last_attempt_at', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('settled_at', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.ForeignKeyConstraint(['batch_id'], ['batch.id'], ),
    sa.PrimaryKeyConstraint('batch_id')
    )
    with op.batch_alter_table('ledger_outbox', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ledger_outbox_status'), ['status'], unique=False)
    op.create_table('ledger_sync_state',
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.PrimaryKeyConstraint('name')
    )
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pending_cents', sa.BigInteger(), server_default=sa.text('0'), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.drop_column('pending_cents')
    op.drop_table('ledger_sync_state')
    with op.batch_alter_table('ledger_outbox', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ledger_outbox_status'))
    op.drop_table('ledger_outbox')
