"""Migrations: the schema they build is exactly what the models declare, on both engines."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

import pos.core.models  # noqa: F401 - registers the tables


def _by_hand(item) -> bool:  # noqa: ANN001 - an alembic diff tuple
    """The account search index is written by hand (FTS5 on SQLite, a GIN expression index on PostgreSQL)."""
    text = repr(item)
    return "account_search" in text or "ix_account_search" in text


def test_models_and_migrations_agree(database):
    with database.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = [d for d in compare_metadata(context, SQLModel.metadata) if not _by_hand(d)]
    assert differences == []


def test_downgrade_to_nothing_and_upgrade_again(database):
    from alembic import command

    from pos.core.db import alembic_config, current_revision

    command.downgrade(alembic_config(database.engine), "base")
    assert current_revision(database.engine) is None
    database.upgrade()
    assert current_revision(database.engine) == "0008"
