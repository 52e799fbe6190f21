"""access: roles in the database, the sign-in delay, the terminal lease

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29

Roles and limits move from the configuration into ``role_authority``: the configuration seeds the
table once, here, and after that only an admin changes it (``pos role set``). ``operator.last_failed_at``
lets the sign-in refuse attempts that come before the growing delay has passed. ``terminal_lease``
holds a terminal id for one running counter process.
"""
from alembic import context, op
import sqlalchemy as sa
import sqlmodel


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    role_authority = op.create_table('role_authority',
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('may', sa.Text(), nullable=False),
    sa.Column('void_cents', sa.BigInteger(), nullable=False),
    sa.Column('refund_cents', sa.BigInteger(), nullable=False),
    sa.Column('paid_out_cents', sa.BigInteger(), nullable=False),
    sa.Column('fee_reversal_cents', sa.BigInteger(), nullable=False),
    sa.Column('over_short_cents', sa.BigInteger(), nullable=False),
    sa.Column('pin_min_digits', sa.Integer(), nullable=False),
    sa.Column('changed_at', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('changed_by', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.PrimaryKeyConstraint('role')
    )
    op.create_table('terminal_lease',
    sa.Column('terminal_id', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('host', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('pid', sa.Integer(), nullable=False),
    sa.Column('token', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('taken_at', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('heartbeat_at', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.PrimaryKeyConstraint('terminal_id')
    )
    with op.batch_alter_table('operator', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_failed_at', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True))

    # The seed: the configuration of the process that creates the database, else the built-in defaults.
    from pos.core.authority import seed_rows

    rows = context.config.attributes.get("role_seed") or seed_rows(None)
    op.bulk_insert(role_authority, rows)


def downgrade() -> None:
    with op.batch_alter_table('operator', schema=None) as batch_op:
        batch_op.drop_column('last_failed_at')
    op.drop_table('terminal_lease')
    op.drop_table('role_authority')
