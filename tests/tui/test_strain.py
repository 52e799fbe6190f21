"""The counter under a database that does not answer, or answers slowly: nothing waits forever."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from textual.widgets import Static

from tests.conftest import make_settings
from tests.core.silent_server import silent_server
from tests.tui.conftest import SIZE

ROOT = Path(__file__).resolve().parents[2]


async def test_sign_in_against_a_database_that_never_answers_says_so_within_the_connect_timeout(tmp_path):
    from pos.tui.app import make_app

    with silent_server() as url:
        settings = make_settings(tmp_path, url, database={"connect_timeout_seconds": 2})
        app = make_app(settings)
        async with app.run_test(size=SIZE) as pilot:
            started = time.monotonic()
            await pilot.press(*"amy", "enter", *"1234", "enter")
            message = app.screen.query_one("#signin-message", Static)
            while "Signing in" in str(message.render()) and time.monotonic() - started < 15:
                await pilot.pause(0.1)
            shown = str(message.render())
            elapsed = time.monotonic() - started
    print(f"sign-in answered after {elapsed:.1f} s")
    assert elapsed < 12, f"sign-in sat on 'Signing in…' for {elapsed:.1f} s"
    assert "database does not answer" in shown and "Nothing was posted" in shown
    assert "psycopg" not in shown and "OperationalError" not in shown


QUIT_SCRIPT = textwrap.dedent("""
    import sys, time
    from tests.conftest import make_settings
    from tests.core.silent_server import silent_server
    from pos.entry import run_until_quit
    from pos.tui.app import make_app

    async def quit_soon(pilot):
        await pilot.pause(1.0)  # the database is being opened, and will not answer for a minute
        await pilot.press("ctrl+q")

    from pos.core.logs import configure_logging

    print(configure_logging(), flush=True)  # where this run logs: the test reads it there
    with silent_server() as url:
        settings = make_settings(__import__("pathlib").Path(sys.argv[1]), url,
                                 database={"connect_timeout_seconds": 120})
        run_until_quit(make_app(settings), headless=True, auto_pilot=quit_soon, size=(80, 24))
""")


def test_ctrl_q_quits_while_a_worker_waits_on_the_database(tmp_path):
    started = time.monotonic()
    # The script imports the suite's conftest, which points HOME and XDG at POS_TEST_ROOT: a root of its own
    # keeps its log apart from every other test's.
    environment = {**os.environ, "POS_TEST_ROOT": str(tmp_path / "suite")}
    finished = subprocess.run([sys.executable, "-c", QUIT_SCRIPT, str(tmp_path)], cwd=ROOT, capture_output=True,
                              text=True, timeout=60, env=environment)
    elapsed = time.monotonic() - started
    assert finished.returncode == 0, finished.stderr[-2000:]
    assert elapsed < 30, f"ctrl+q took {elapsed:.1f} s to leave"
    log = Path(finished.stdout.splitlines()[0])
    assert log.is_relative_to(tmp_path), log
    logged = log.read_text()
    assert "quit while threads still waited" in logged  # it did leave a worker behind in the database


async def test_a_slow_post_holds_the_payment_screen_until_its_outcome_is_shown(demo_settings_for, tmp_path):
    """Another terminal holds the database (BEGIN IMMEDIATE): Esc, F-keys, sign-out and idle sign-out wait."""
    import sqlite3

    from pos.tui.app import make_app
    from pos.tui.screens.payment import PaymentScreen
    from tests.tui.conftest import (ORDINARY, accounts_where, count_rows, open_drawer_for, screen_words, settle,
                                    signed_in)
    from tests.tui.test_payment import start_payment

    settings = demo_settings_for(database={"busy_timeout_ms": 60_000})
    open_drawer_for(settings)
    [(number, balance, _)] = accounts_where(settings, ORDINARY)
    app = make_app(settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await signed_in(pilot)
        await start_payment(pilot, settings, number, balance)
        await settle(pilot)
        other_terminal = sqlite3.connect(tmp_path / "pos.db", isolation_level=None, timeout=30)
        try:
            other_terminal.execute("BEGIN IMMEDIATE")
            await pilot.press("enter")  # posts the exact cash payment; it now waits on the other terminal
            await pilot.pause(0.3)
            for key in ("escape", "f2", "f5", "f10", "ctrl+o"):
                await pilot.press(key)
            app._last_key_at = 0.0  # no key for ages: the idle sign-out is due
            await app._check_idle()
            await pilot.pause(0.2)
            assert isinstance(app.screen, PaymentScreen), f"left the payment in flight for {app.screen}"
            assert app.operator is not None, "signed out in the middle of a post"
            assert "Posting… please wait" in screen_words(pilot)
        finally:
            other_terminal.execute("ROLLBACK")
            other_terminal.close()
        await settle(pilot)
        assert isinstance(app.screen, PaymentScreen)
        assert "PAID Receipt" in screen_words(pilot)
    assert count_rows(settings, "payment_txn") == 1


async def test_a_post_whose_connection_is_terminated_is_told_in_words_and_the_detail_is_logged(engine_url, tmp_path,
                                                                                                monkeypatch):
    """PostgreSQL: the post waits on a row another session holds; an administrator terminates the post's session."""
    if not engine_url.startswith("postgresql"):
        import pytest

        pytest.skip("a server session to terminate exists on PostgreSQL only")
    from pos.core.db import open_database
    from pos.core.logs import configure_logging, log_file
    from pos.demo import build_demo
    from pos.tui.app import make_app
    from pos.tui.screens.payment import PaymentScreen
    from tests.core.test_database_strain import DRIVER_WORDS, _wait_for_blocked_backend
    from tests.tui.conftest import (ORDINARY, accounts_where, count_rows, notifications, open_drawer_for,
                                    screen_words, settle, signed_in)
    from tests.tui.test_payment import start_payment

    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    configure_logging()
    settings = make_settings(tmp_path, engine_url)
    build_demo(settings, accounts=40)
    open_drawer_for(settings)
    [(number, balance, _)] = accounts_where(settings, ORDINARY)
    app = make_app(settings)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await signed_in(pilot)
        await start_payment(pilot, settings, number, balance)
        await settle(pilot)
        holder_database = open_database(engine_url, migrate=False)
        holder = holder_database.engine.raw_connection()
        try:
            cursor = holder.cursor()
            cursor.execute("BEGIN")
            cursor.execute("SELECT * FROM audit_head FOR UPDATE")  # another terminal in the middle of a post
            await pilot.press("enter")
            blocked = _wait_for_blocked_backend(holder)
            cursor.execute("SELECT pg_terminate_backend(%s)", (blocked,))
            for _ in range(100):  # the worker fails (settle() would raise it): wait for the screen to say so
                if "was lost" in screen_words(pilot):
                    break
                await pilot.pause(0.1)
            words = screen_words(pilot)
            told = notifications(pilot)
        finally:
            holder.rollback()
            holder.close()
            holder_database.dispose()
        assert isinstance(app.screen, PaymentScreen)
    assert "connection to the database" in words and "was lost" in words and "Nothing was posted" in words
    assert any(title == "Database not answering" and "was lost" in message for _, title, message in told)
    for word in (*DRIVER_WORDS, "AdminShutdown"):
        assert word not in words and not any(word in message for _, _, message in told)
    logged = log_file().read_text()
    assert "AdminShutdown" in logged or "terminating connection" in logged
    assert count_rows(settings, "payment_txn") == 0
