"""drawer day

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24

Drops, paid-outs, loans and no-sales; close counts; deposits; the close, sign-off and verification
columns of a drawer session. A drawer being counted ('counting') still holds its terminal and cashier.
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

_OPEN = sa.text("status = 'open'")
_NOT_CLOSED = sa.text("status IN ('open', 'counting')")


def upgrade() -> None:
    op.create_table('deposit',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('bag_number', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('business_date', sa.Date(), nullable=False),
    sa.Column('terminal_id', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('prepared_by', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('prepared_at', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('cash_counts', sa.Text(), nullable=False),
    sa.Column('cash_cents', sa.BigInteger(), nullable=False),
    sa.Column('items_cents', sa.BigInteger(), nullable=False),
    sa.Column('total_cents', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('bag_number')
    )
    op.create_table('drawer_count',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('session_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('attempt', sa.Integer(), nullable=False),
    sa.Column('counted_by', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('at', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('cash_counts', sa.Text(), nullable=False),
    sa.Column('items', sa.Text(), nullable=False),
    sa.Column('counted_by_tender', sa.Text(), nullable=False),
    sa.Column('expected_by_tender', sa.Text(), nullable=False),
    sa.Column('counted_cents', sa.BigInteger(), nullable=False),
    sa.Column('expected_cents', sa.BigInteger(), nullable=False),
    sa.Column('over_short_cents', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['drawer_session.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('drawer_count', schema=None) as batch_op:
        batch_op.create_index('ux_drawer_count_attempt', ['session_id', 'attempt'], unique=True)

    op.create_table('drawer_movement',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('session_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('number', sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('at', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('amount_cents', sa.BigInteger(), nullable=False),
    sa.Column('counts', sa.Text(), nullable=True),
    sa.Column('reason_code', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.Column('operator_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('approved_by', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.ForeignKeyConstraint(['session_id'], ['drawer_session.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('number')
    )
    with op.batch_alter_table('drawer_movement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_drawer_movement_session_id'), ['session_id'], unique=False)

    with op.batch_alter_table('drawer_session', schema=None) as batch_op:
        batch_op.add_column(sa.Column('counts_made', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('cash_cents', sa.BigInteger(), nullable=False, server_default=sa.text('0')))
        batch_op.add_column(sa.Column('expected_cents', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('counted_cents', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('over_short_cents', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('closed_by', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True))
        batch_op.add_column(sa.Column('forced', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('signed_off_by', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True))
        batch_op.add_column(sa.Column('signoff_note', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True))
        batch_op.add_column(sa.Column('verified_by', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True))
        batch_op.add_column(sa.Column('verified_at', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True))
        batch_op.add_column(sa.Column('retained_counts', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('deposit_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=True))
        batch_op.create_index('ix_drawer_session_day', ['business_date', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_drawer_session_deposit_id'), ['deposit_id'], unique=False)
        batch_op.create_foreign_key('fk_drawer_session_deposit', 'deposit', ['deposit_id'], ['id'])
        batch_op.drop_index('ux_drawer_open_terminal', sqlite_where=_OPEN, postgresql_where=_OPEN)
        batch_op.drop_index('ux_drawer_open_operator', sqlite_where=_OPEN, postgresql_where=_OPEN)
        batch_op.create_index('ux_drawer_open_terminal', ['terminal_id'], unique=True, sqlite_where=_NOT_CLOSED,
                              postgresql_where=_NOT_CLOSED)
        batch_op.create_index('ux_drawer_open_operator', ['operator_id'], unique=True, sqlite_where=_NOT_CLOSED,
                              postgresql_where=_NOT_CLOSED)



    # Drawers open at the upgrade: the float plus the cash their payments left (no movements existed yet).
    op.execute("UPDATE drawer_session SET cash_cents = float_cents + COALESCE((SELECT SUM(CASE WHEN pt.type = "
               "'cash' THEN COALESCE(pt.tendered_cents, pt.amount_cents) ELSE 0 END) - SUM(pt.change_cents) "
               "FROM payment_tender pt JOIN payment_txn t ON t.id = pt.txn_id "
               "WHERE t.drawer_session_id = drawer_session.id), 0)")


def downgrade() -> None:
    with op.batch_alter_table('drawer_session', schema=None) as batch_op:
        batch_op.drop_index('ux_drawer_open_terminal', sqlite_where=_NOT_CLOSED, postgresql_where=_NOT_CLOSED)
        batch_op.drop_index('ux_drawer_open_operator', sqlite_where=_NOT_CLOSED, postgresql_where=_NOT_CLOSED)
        batch_op.create_index('ux_drawer_open_terminal', ['terminal_id'], unique=True, sqlite_where=_OPEN,
                              postgresql_where=_OPEN)
        batch_op.create_index('ux_drawer_open_operator', ['operator_id'], unique=True, sqlite_where=_OPEN,
                              postgresql_where=_OPEN)
        batch_op.drop_constraint('fk_drawer_session_deposit', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_drawer_session_deposit_id'))
        batch_op.drop_index('ix_drawer_session_day')
        batch_op.drop_column('deposit_id')
        batch_op.drop_column('retained_counts')
        batch_op.drop_column('verified_at')
        batch_op.drop_column('verified_by')
        batch_op.drop_column('signoff_note')
        batch_op.drop_column('signed_off_by')
        batch_op.drop_column('forced')
        batch_op.drop_column('closed_by')
        batch_op.drop_column('over_short_cents')
        batch_op.drop_column('counted_cents')
        batch_op.drop_column('expected_cents')
        batch_op.drop_column('cash_cents')
        batch_op.drop_column('counts_made')

    with op.batch_alter_table('drawer_movement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_drawer_movement_session_id'))

    op.drop_table('drawer_movement')
    with op.batch_alter_table('drawer_count', schema=None) as batch_op:
        batch_op.drop_index('ux_drawer_count_attempt')

    op.drop_table('drawer_count')
    op.drop_table('deposit')
