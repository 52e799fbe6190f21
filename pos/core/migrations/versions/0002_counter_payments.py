"""counter payments

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24

Batches, drawer sessions, posted transactions with their lines and tenders, per-terminal
receipt counters and the durable print-job table.
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('batch',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('terminal_id', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('business_date', sa.Date(), nullable=False),
    sa.Column('opened_at', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('opened_by', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('closed_at', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('closed_by', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('batch', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_batch_terminal_id'), ['terminal_id'], unique=False)

    op.create_table('receipt_counter',
    sa.Column('terminal_id', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('last_number', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('terminal_id')
    )
    op.create_table('drawer_session',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('terminal_id', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('operator_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('batch_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('business_date', sa.Date(), nullable=False),
    sa.Column('opened_at', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('float_cents', sa.BigInteger(), nullable=False),
    sa.Column('float_counts', sa.Text(), nullable=False),
    sa.Column('expected_float_cents', sa.BigInteger(), nullable=False),
    sa.Column('float_difference_reason', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('retained_float_cents', sa.BigInteger(), nullable=True),
    sa.Column('closed_at', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.ForeignKeyConstraint(['batch_id'], ['batch.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('drawer_session', schema=None) as batch_op:
        batch_op.create_index('ux_drawer_open_operator', ['operator_id'], unique=True, sqlite_where=sa.text("status = 'open'"), postgresql_where=sa.text("status = 'open'"))
        batch_op.create_index('ux_drawer_open_terminal', ['terminal_id'], unique=True, sqlite_where=sa.text("status = 'open'"), postgresql_where=sa.text("status = 'open'"))

    op.create_table('payment_txn',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('idempotency_key', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('batch_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('drawer_session_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=True),
    sa.Column('terminal_id', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('receipt_number', sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('posted_at', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('business_date', sa.Date(), nullable=False),
    sa.Column('operator_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('approved_by', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('reverses_txn_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=True),
    sa.Column('total_cents', sa.BigInteger(), nullable=False),
    sa.Column('change_cents', sa.BigInteger(), nullable=False),
    sa.Column('turnoff_pulled', sa.Boolean(), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.ForeignKeyConstraint(['batch_id'], ['batch.id'], ),
    sa.ForeignKeyConstraint(['drawer_session_id'], ['drawer_session.id'], ),
    sa.ForeignKeyConstraint(['reverses_txn_id'], ['payment_txn.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('idempotency_key'),
    sa.UniqueConstraint('receipt_number'),
    sa.UniqueConstraint('reverses_txn_id')
    )
    with op.batch_alter_table('payment_txn', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payment_txn_batch_id'), ['batch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_payment_txn_drawer_session_id'), ['drawer_session_id'], unique=False)

    op.create_table('payment_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('txn_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('account_number', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('fee_code', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('gl_account', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('description', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('service_address', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('amount_cents', sa.BigInteger(), nullable=False),
    sa.Column('balance_after_cents', sa.BigInteger(), nullable=True),
    sa.ForeignKeyConstraint(['txn_id'], ['payment_txn.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('payment_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payment_line_account_number'), ['account_number'], unique=False)
        batch_op.create_index(batch_op.f('ix_payment_line_txn_id'), ['txn_id'], unique=False)

    op.create_table('payment_tender',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('txn_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('type', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('amount_cents', sa.BigInteger(), nullable=False),
    sa.Column('tendered_cents', sa.BigInteger(), nullable=True),
    sa.Column('change_cents', sa.BigInteger(), nullable=False),
    sa.Column('reference', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('card_type', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True),
    sa.Column('card_last4', sqlmodel.sql.sqltypes.AutoString(length=4), nullable=True),
    sa.ForeignKeyConstraint(['txn_id'], ['payment_txn.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('payment_tender', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payment_tender_txn_id'), ['txn_id'], unique=False)

    op.create_table('print_job',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('txn_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('terminal_id', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('copies', sa.Integer(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('printed_at', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('requested_by', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.ForeignKeyConstraint(['txn_id'], ['payment_txn.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('print_job', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_print_job_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_print_job_terminal_id'), ['terminal_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_print_job_txn_id'), ['txn_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('print_job', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_print_job_txn_id'))
        batch_op.drop_index(batch_op.f('ix_print_job_terminal_id'))
        batch_op.drop_index(batch_op.f('ix_print_job_status'))

    op.drop_table('print_job')
    with op.batch_alter_table('payment_tender', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payment_tender_txn_id'))

    op.drop_table('payment_tender')
    with op.batch_alter_table('payment_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payment_line_txn_id'))
        batch_op.drop_index(batch_op.f('ix_payment_line_account_number'))

    op.drop_table('payment_line')
    with op.batch_alter_table('payment_txn', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payment_txn_drawer_session_id'))
        batch_op.drop_index(batch_op.f('ix_payment_txn_batch_id'))

    op.drop_table('payment_txn')
    with op.batch_alter_table('drawer_session', schema=None) as batch_op:
        batch_op.drop_index('ux_drawer_open_terminal', sqlite_where=sa.text("status = 'open'"), postgresql_where=sa.text("status = 'open'"))
        batch_op.drop_index('ux_drawer_open_operator', sqlite_where=sa.text("status = 'open'"), postgresql_where=sa.text("status = 'open'"))

    op.drop_table('drawer_session')
    op.drop_table('receipt_counter')
    with op.batch_alter_table('batch', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_batch_terminal_id'))

    op.drop_table('batch')
