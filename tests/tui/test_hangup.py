"""A hang-up (the terminal window closed) signs the operator out, journals it, and frees the terminal id."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from tests.tui.conftest import audit_entries, query_database

ROOT = Path(__file__).resolve().parents[2]
COUNTER = """
import asyncio, json, sys
from pos.core.settings import Settings
from pos.tui.app import make_app

settings = Settings(**json.loads(sys.argv[1]))


async def main():
    app = make_app(settings, hold_terminal=True)  # as `pos run` does: the lease and the signal handlers
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press(*"amy", "enter", *"1234", "enter")
        for _ in range(600):
            if app.operator is not None:
                break
            await asyncio.sleep(0.05)
        print("signed in" if app.operator is not None else "not signed in", flush=True)
        for _ in range(600):
            if not app.is_running:
                break
            await asyncio.sleep(0.05)
    print(f"exited {app.return_code}", flush=True)


asyncio.run(main())
"""


def test_a_hang_up_signs_the_cashier_out_and_releases_the_terminal(settings):
    process = subprocess.Popen([sys.executable, "-c", COUNTER, json.dumps(settings.model_dump(mode="json"))],
                               cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        assert process.stdout.readline().strip() == "signed in"
        assert query_database(settings, "SELECT pid FROM terminal_lease WHERE terminal_id = 'T01'") == [(process.pid,)]
        process.send_signal(signal.SIGHUP)
        out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert "exited 1" in out, err
    signouts = audit_entries(settings, "signout")
    assert [(e.operator_id, e.details) for e in signouts] == [("amy", {"reason": "hang-up"})]
    assert query_database(settings, "SELECT * FROM terminal_lease") == []


async def test_a_second_counter_with_the_same_terminal_id_refuses_to_start(settings, capsys):
    from pos.core.db import open_database
    from pos.core.lease import release_lease, take_lease
    from pos.tui.app import make_app
    from tests.tui.conftest import SIZE, settle

    database = open_database(settings.database_url(), migrate=False)
    try:
        first = take_lease(database, settings)  # the counter already running (this process, alive)
        second = make_app(settings, database=database, hold_terminal=True)
        async with second.run_test(size=SIZE) as pilot:
            await settle(pilot)
            for _ in range(100):
                if not second.is_running:
                    break
                await pilot.pause(0.05)
        assert second.return_code == 1
        said = " ".join(capsys.readouterr().err.split())
        assert "Terminal in use: Terminal T01 is already running on" in said and "terminal.id" in said
        release_lease(database, first)
    finally:
        database.dispose()
