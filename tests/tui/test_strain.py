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

    configure_logging()
    with silent_server() as url:
        settings = make_settings(__import__("pathlib").Path(sys.argv[1]), url,
                                 database={"connect_timeout_seconds": 120})
        run_until_quit(make_app(settings), headless=True, auto_pilot=quit_soon, size=(80, 24))
""")


def test_ctrl_q_quits_while_a_worker_waits_on_the_database(tmp_path):
    started = time.monotonic()
    environment = {**os.environ, "XDG_STATE_HOME": str(tmp_path / "state")}
    finished = subprocess.run([sys.executable, "-c", QUIT_SCRIPT, str(tmp_path)], cwd=ROOT, capture_output=True,
                              text=True, timeout=60, env=environment)
    elapsed = time.monotonic() - started
    assert finished.returncode == 0, finished.stderr[-2000:]
    assert elapsed < 30, f"ctrl+q took {elapsed:.1f} s to leave"
    logged = (tmp_path / "state" / "pos" / "log" / "pos.log").read_text()
    assert "quit while threads still waited" in logged  # it did leave a worker behind in the database
