"""The database under strain: nothing waits forever, and a person reads words, never the driver's text."""

from __future__ import annotations

import threading
import time
import uuid

import pytest
from sqlalchemy import text

from drawer.sessions import OpenDrawer, open_drawer
from pos.core.accounts import get_account
from pos.core.db import open_database
from pos.core.errors import DatabaseUnavailable
from pos.core.payments import LineEntry, PostPayment, post_payment
from pos.core.tenders import TenderEntry
from pos.demo import build_demo
from tests.core.silent_server import silent_server

STANDARD_FLOAT = {"bill:10000": 2}
DRIVER_WORDS = ("psycopg", "sqlite3", "OperationalError", "SELECT", "UPDATE", "INSERT", "sqlalche.me", "[SQL")


def readable(message: str) -> None:
    for word in DRIVER_WORDS:
        assert word not in message, f"driver text {word!r} reached a person: {message}"


@pytest.fixture
def counter(database, settings):
    build_demo(settings, accounts=40)
    with database.unit_of_work() as uow:
        open_drawer(uow, OpenDrawer("amy", STANDARD_FLOAT), settings)
    return database


def a_payment(database, settings) -> PostPayment:
    with database.reader() as uow:
        number = uow.execute(text("SELECT account_number FROM account WHERE status = 'active' "
                                  "AND cash_only = false ORDER BY account_number LIMIT 1")).scalar_one()
        account = get_account(uow, number)
    return PostPayment(str(uuid.uuid4()), "amy", (LineEntry(1500, account.account_number),),
                       (TenderEntry("cash", 1500),), None, frozenset({"partial", "overpayment"}))


def payments(database) -> int:
    with database.reader() as uow:
        return uow.execute(text("SELECT count(*) FROM payment_txn")).scalar_one()


def test_a_server_that_never_answers_is_reported_within_the_connect_timeout():
    with silent_server() as url:
        started = time.monotonic()
        with pytest.raises(DatabaseUnavailable) as refused:
            open_database(url, connect_timeout_seconds=2)
        elapsed = time.monotonic() - started
    assert elapsed < 6, f"waited {elapsed:.1f} s for a database that never answers"
    assert "does not answer" in refused.value.message and "Nothing was posted" in refused.value.message
    readable(refused.value.message)


def test_postgres_sessions_carry_lock_and_statement_timeouts_even_after_migrations(engine_url):
    database = open_database(engine_url, lock_timeout_seconds=3, statement_timeout_seconds=7)  # migrated too
    try:
        if database.is_sqlite:
            pytest.skip("SQLite has the busy time-out only (busy_timeout_ms)")
        with database.reader() as uow:  # the pooled connection the migrations ran on: no time-out left off
            assert uow.execute(text("SELECT count(*) FROM alembic_version")).scalar_one() == 1
            assert uow.execute(text("SHOW lock_timeout")).scalar_one() == "3s"
            assert uow.execute(text("SHOW statement_timeout")).scalar_one() == "7s"
            assert uow.execute(text("SHOW search_path")).scalar_one().startswith("t_")  # the URL's options
        raw = database.engine.raw_connection()
        try:  # a dead network ends the connection too: keepalives and the TCP user time-out
            parameters = raw.driver_connection.info.get_parameters()
        finally:
            raw.close()
        assert (parameters["keepalives"], parameters["tcp_user_timeout"], parameters["connect_timeout"]) == \
            ("1", "7000", "5")
    finally:
        database.dispose()


def test_a_post_blocked_by_a_lock_fails_within_the_lock_timeout_and_posts_nothing(counter, settings):
    command = a_payment(counter, settings)
    database = open_database(settings.database_url(), migrate=False, lock_timeout_seconds=1, busy_timeout_ms=1000)
    holder = counter.engine.raw_connection()
    try:
        cursor = holder.cursor()
        if counter.is_sqlite:
            cursor.execute("BEGIN IMMEDIATE")  # another terminal's writing transaction
        else:
            cursor.execute("BEGIN")
            cursor.execute("SELECT * FROM audit_head FOR UPDATE")  # another terminal mid-post
        started = time.monotonic()
        with pytest.raises(DatabaseUnavailable) as refused, database.unit_of_work() as uow:
            post_payment(uow, command, settings)
        elapsed = time.monotonic() - started
    finally:
        holder.rollback()
        holder.close()
        database.dispose()
    assert elapsed < 5, f"the post waited {elapsed:.1f} s on a lock"
    assert "Nothing was posted" in refused.value.message and refused.value.outcome_known
    readable(refused.value.message)
    assert payments(counter) == 0


def test_a_post_whose_connection_is_terminated_says_so_in_words_and_logs_the_detail(counter, settings, tmp_path,
                                                                                      monkeypatch):
    if counter.is_sqlite:
        pytest.skip("a server-side session to terminate exists on PostgreSQL only")
    from pos.core.logs import configure_logging, log_file

    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    configure_logging()
    command = a_payment(counter, settings)
    holder = counter.engine.raw_connection()
    outcome: list[BaseException] = []
    try:
        cursor = holder.cursor()
        cursor.execute("BEGIN")
        cursor.execute("SELECT * FROM audit_head FOR UPDATE")

        def post() -> None:
            try:
                with counter.unit_of_work() as uow:
                    post_payment(uow, command, settings)
            except BaseException as error:  # noqa: BLE001 - handed to the test
                outcome.append(error)

        poster = threading.Thread(target=post)
        poster.start()
        blocked = _wait_for_blocked_backend(holder)
        cursor.execute("SELECT pg_terminate_backend(%s)", (blocked,))
        poster.join(timeout=10)
    finally:
        holder.rollback()
        holder.close()
    assert outcome and isinstance(outcome[0], DatabaseUnavailable), outcome
    message = outcome[0].message
    assert "connection to the database" in message and "was lost" in message and "Nothing was posted" in message
    readable(message)
    assert "AdminShutdown" not in message
    logged = log_file().read_text()
    assert "AdminShutdown" in logged or "terminating connection" in logged
    assert payments(counter) == 0


def _wait_for_blocked_backend(holder) -> int:  # noqa: ANN001 - a DBAPI connection
    cursor = holder.cursor()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        cursor.execute("SELECT pid FROM pg_locks WHERE NOT granted AND pg_backend_pid() = ANY(pg_blocking_pids(pid)) "
                       "LIMIT 1")
        row = cursor.fetchone()
        if row:
            return row[0]
        time.sleep(0.05)
    raise AssertionError("the post never blocked on the held lock")
