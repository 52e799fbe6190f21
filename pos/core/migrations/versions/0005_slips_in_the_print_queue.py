"""slips in the print queue

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29

A drop, paid-out, loan or no-sale slip waits in the print queue like a receipt: a print job names
either a transaction (receipts, void slips, reprints) or a drawer movement with the slip's text.
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('print_job', schema=None) as batch_op:
        batch_op.alter_column('txn_id', existing_type=sqlmodel.sql.sqltypes.AutoString(length=36), nullable=True)
        batch_op.add_column(sa.Column('movement_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=True))
        batch_op.add_column(sa.Column('document', sa.Text(), nullable=True))
        batch_op.create_index(batch_op.f('ix_print_job_movement_id'), ['movement_id'], unique=False)
        batch_op.create_foreign_key('fk_print_job_movement_id_drawer_movement', 'drawer_movement',
                                    ['movement_id'], ['id'])


def downgrade() -> None:
    op.execute("DELETE FROM print_job WHERE txn_id IS NULL")  # slips: nothing to keep without the columns
    with op.batch_alter_table('print_job', schema=None) as batch_op:
        batch_op.drop_constraint('fk_print_job_movement_id_drawer_movement', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_print_job_movement_id'))
        batch_op.drop_column('document')
        batch_op.drop_column('movement_id')
        batch_op.alter_column('txn_id', existing_type=sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False)
