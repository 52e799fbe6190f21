"""PostgreSQL: the terminal's role may only add to the journal and the posted money; the owner migrates.

The grants below are the ones the README's security section gives, table for table.
"""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ProgrammingError

from drawer.sessions import OpenDrawer, open_drawer
from pos.core import audit
from pos.core.db import open_database
from pos.core.payments import LineEntry, PostPayment, post_payment
from pos.core.tenders import TenderEntry
from pos.demo import build_demo

# Never updated, never deleted: the terminal adds rows and reads them.
APPEND_ONLY = ("audit_entry", "payment_txn", "payment_line", "payment_tender", "drawer_movement", "drawer_count")
# Updated in their life by the services (the head on every entry, the drawer on every cash payment …).
UPDATED = ("audit_head", "batch", "drawer_session", "deposit", "account", "fee_code", "operator", "receipt_counter",
           "print_job")


def grants(role: str) -> list[str]:
    return [f"GRANT USAGE ON SCHEMA {{schema}} TO {role}",
            f"GRANT SELECT ON alembic_version TO {role}",
            f"GRANT SELECT, INSERT ON {', '.join(APPEND_ONLY)} TO {role}",
            f"GRANT SELECT, INSERT, UPDATE ON {', '.join(UPDATED)} TO {role}",
            f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA {{schema}} TO {role}"]


@pytest.fixture
def terminal_url(database, settings, engine_url):
    """The owner (this test's connection) migrates and seeds; a LOGIN role with the README's grants posts."""
    if not database.engine.dialect.name == "postgresql":
        pytest.skip("SQLite keeps the journal append-only with triggers instead (test_audit_tamper)")
    build_demo(settings, accounts=20)
    role = f"pos_terminal_{uuid.uuid4().hex[:8]}"
    with database.engine.begin() as connection:
        schema = connection.execute(text("SELECT current_schema()")).scalar_one()
        connection.execute(text(f"CREATE ROLE {role} LOGIN"))
        for statement in grants(role):
            connection.execute(text(statement.format(schema=schema)))
    yield make_url(engine_url).set(username=role).render_as_string(hide_password=False)
    with database.engine.begin() as connection:
        connection.execute(text(f"DROP OWNED BY {role}"))
        connection.execute(text(f"DROP ROLE {role}"))


def test_postgres_terminal_role_posts_but_cannot_rewrite_the_journal_or_the_money(terminal_url, settings):
    terminal = open_database(terminal_url)  # as the terminal starts: an upgrade with nothing to do writes nothing
    try:
        with terminal.unit_of_work() as uow:
            open_drawer(uow, OpenDrawer("amy", {"bill:10000": 2}), settings)
        with terminal.unit_of_work() as uow:
            posted = post_payment(uow, PostPayment(str(uuid.uuid4()), "amy", (LineEntry(2500, fee_code="CIT-PARK"),),
                                                   (TenderEntry("cash", 3000),)), settings)
        assert posted.change_cents == 500
        for statement in ("UPDATE audit_entry SET details = '{}'", "DELETE FROM audit_entry",
                          "UPDATE payment_tender SET tendered_cents = 100000", "DELETE FROM payment_txn",
                          "TRUNCATE audit_entry", "UPDATE audit_entry SET seq = seq",
                          "ALTER TABLE audit_entry DROP COLUMN binds"):
            with terminal.unit_of_work() as uow, pytest.raises(ProgrammingError, match="permission denied|must be "
                                                                                        "owner"):
                uow.execute(text(statement))
        with terminal.reader() as uow:
            assert audit.verify(uow.session, key=settings.security.audit_key).ok
    finally:
        terminal.dispose()
