"""payment line changes

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29

What a payment line changed on its account, so receipts and voids say and undo exactly that: whether
this line pulled the account's turn-off order, and how much of the past-due amount it paid.
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('payment_line', schema=None) as batch_op:
        batch_op.add_column(sa.Column('turnoff_pulled', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('past_due_paid_cents', sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('payment_line', schema=None) as batch_op:
        batch_op.drop_column('past_due_paid_cents')
        batch_op.drop_column('turnoff_pulled')
