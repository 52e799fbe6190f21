"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-24

Also creates the account search index (SQLite FTS5 kept by triggers; PostgreSQL
full text over a GIN index) and the single audit chain head row.
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('account',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_number', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('service_address', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('balance_cents', sa.BigInteger(), nullable=False),
    sa.Column('past_due_cents', sa.BigInteger(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('cash_only', sa.Boolean(), nullable=False),
    sa.Column('arrangement_installment_cents', sa.BigInteger(), nullable=True),
    sa.Column('arrangement_next_due', sa.Date(), nullable=True),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('account_number')
    )
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.create_index('ix_account_status', ['status'], unique=False)

    op.create_table('audit_entry',
    sa.Column('seq', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('at', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('terminal_id', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('operator_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('approver_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('details', sa.Text(), nullable=False),
    sa.Column('prev_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.PrimaryKeyConstraint('seq')
    )
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_entry_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_entry_operator_id'), ['operator_id'], unique=False)

    op.create_table('audit_head',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('last_seq', sa.BigInteger(), nullable=False),
    sa.Column('last_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('fee_code',
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('description', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('gl_account', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('fixed_amount_cents', sa.BigInteger(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('code')
    )
    op.create_table('operator',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('operator_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('pin_hash', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('failed_signins', sa.Integer(), nullable=False),
    sa.Column('locked', sa.Boolean(), nullable=False),
    sa.Column('disabled', sa.Boolean(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('pin_changed_at', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('last_signin_at', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('operator', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_operator_operator_id'), ['operator_id'], unique=True)

    op.execute("INSERT INTO audit_head (id, last_seq, last_hash) VALUES (1, 0, '')")
    if op.get_bind().dialect.name == "sqlite":
        for statement in SQLITE_SEARCH:
            op.execute(statement)
    else:
        for statement in POSTGRES_SEARCH:
            op.execute(statement)


SQLITE_SEARCH = (
    """CREATE VIRTUAL TABLE account_search USING fts5(
        name, service_address, content='account', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2', prefix='1 2 3')""",
    """CREATE TRIGGER account_search_ai AFTER INSERT ON account BEGIN
        INSERT INTO account_search(rowid, name, service_address)
        VALUES (new.id, new.name, new.service_address); END""",
    """CREATE TRIGGER account_search_ad AFTER DELETE ON account BEGIN
        INSERT INTO account_search(account_search, rowid, name, service_address)
        VALUES ('delete', old.id, old.name, old.service_address); END""",
    """CREATE TRIGGER account_search_au AFTER UPDATE OF name, service_address ON account BEGIN
        INSERT INTO account_search(account_search, rowid, name, service_address)
        VALUES ('delete', old.id, old.name, old.service_address);
        INSERT INTO account_search(rowid, name, service_address)
        VALUES (new.id, new.name, new.service_address); END""",
)

ACCENTED = "áàâäãåāăąçćčďéèêëēėęěíìîïīįłñńňóòôöõøōőŕřśšşťúùûüūůűųýÿžźż"
PLAIN = "aaaaaaaaacccdeeeeeeeeiiiiiilnnnooooooooorrssstuuuuuuuuyyzzz"

POSTGRES_SEARCH = (
    # translate() is immutable, so the folded text can be indexed (unaccent() cannot).
    f"""CREATE FUNCTION pos_fold(value text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
        AS $$ SELECT translate(lower(value), '{ACCENTED}', '{PLAIN}') $$""",
    "CREATE INDEX ix_account_search ON account USING gin "
    "(to_tsvector('simple', pos_fold(name) || ' ' || pos_fold(service_address)))",
)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS account_search")
    else:
        op.execute("DROP INDEX IF EXISTS ix_account_search")
        op.execute("DROP FUNCTION IF EXISTS pos_fold(text)")
    with op.batch_alter_table('operator', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_operator_operator_id'))

    op.drop_table('operator')
    op.drop_table('fee_code')
    op.drop_table('audit_head')
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_entry_operator_id'))
        batch_op.drop_index(batch_op.f('ix_audit_entry_kind'))

    op.drop_table('audit_entry')
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.drop_index('ix_account_status')

    op.drop_table('account')
