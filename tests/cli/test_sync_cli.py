"""`pos sync …` and `pos ledger serve`, driven as a supervisor would, against a real ledger on 127.0.0.1."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from pos.cli.main import app
from tests.sync.conftest import TOKEN, close_batch, counter, ledger_server  # noqa: F401 - fixtures
from tests.sync.test_crash_and_race import _config

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def cli(tmp_path, engine_url, ledger_server, monkeypatch):
    monkeypatch.setenv("POS_CONFIG", str(_config(tmp_path, engine_url, ledger_server)))
    from pos.cli.common import state

    state.config = None
    state.settings = None
    return ledger_server


def pos(*args):
    return runner.invoke(app, list(args))


def test_run_status_show_and_retry(cli, counter, settings):
    refused = close_batch(counter, settings, payments=2)
    accepted = close_batch(counter, settings)
    with counter.reader() as uow:
        from sync.outbox import payload_of

        body = json.loads(payload_of(uow, refused))
    number = body["transactions"][1]["lines"][0]["account_number"]
    cli.ledger.db.execute("UPDATE account SET account_number = 'gone' WHERE account_number = ?", (number,))
    result = pos("sync", "run")
    assert result.exit_code == 0, result.output
    assert f"Batch {accepted}: accepted by the ledger." in result.output
    status = json.loads(pos("sync", "status", "--json").stdout)
    by_id = {b["batch_id"]: b for b in status["batches"]}
    assert by_id[refused]["status"] == "refused" and by_id[accepted]["ledger_ref"].startswith("L-")
    assert by_id[refused]["refusal_reasons"][0]["reason"] == (
        f"transactions[1].lines[0].account_number: {number} is not in the account master")
    table = pos("sync", "status")
    assert table.exit_code == 0 and "Waiting: 0" in table.output and "Last success:" in table.output
    shown = pos("sync", "show", refused)
    assert "is not in the account master" in shown.output and f'"batch_id":"{refused}"' in shown.output
    cli.ledger.db.execute("UPDATE account SET account_number = ? WHERE account_number = 'gone'", (number,))
    assert pos("sync", "retry", refused, "--operator", "sam").exit_code == 0
    assert pos("sync", "run").exit_code == 0
    status = json.loads(pos("sync", "status", "--json").stdout)
    assert {b["status"] for b in status["batches"]} == {"accepted"} and status["status"]["waiting"] == 0


def test_a_held_sender_says_so_and_exits_1(cli, counter, settings, tmp_path, monkeypatch):
    close_batch(counter, settings)
    monkeypatch.setenv("POS_LEDGER__TOKEN", "not-the-token")
    result = pos("sync", "run")
    assert result.exit_code == 1
    assert "Sending is stopped" in result.output and "401" in result.output and "not-the-token" not in result.output
    assert "not-the-token" not in pos("config", "show").output


def test_pull_brings_the_master(cli, counter, settings):
    cli.ledger.seed_accounts([{"account_number": "0077777777", "name": "Pulled Person", "service_address": "7 Oak",
                               "balance_cents": 700, "past_due_cents": 0, "status": "active", "cash_only": False,
                               "updated_at": "2026-11-29T08:00:00+00:00"}])
    result = pos("sync", "pull")
    assert result.exit_code == 0, result.output
    assert "Pulled 41 accounts in 1 pages" in result.output


def test_ledger_serve_answers_the_contract(tmp_path, engine_url):
    if not engine_url.startswith("sqlite"):
        pytest.skip("the served ledger has its own SQLite file")
    accounts = tmp_path / "ACCOUNTS_1.csv"
    accounts.write_text("account_number,name,service_address,balance_cents,past_due_cents,due_date,status,cash_only,"
                        "arrangement_installment_cents,arrangement_next_due,updated_at\n"
                        "0012345678,Ann,1 Main,5234,0,2026-12-05,active,false,,,2026-11-29T08:00:00+00:00\n")
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    process = subprocess.Popen([sys.executable, "-m", "pos", "ledger", "serve", "--database", str(tmp_path / "l.db"),
                                "--token", TOKEN, "--port", str(port), "--accounts", str(accounts)], cwd=ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                reply = httpx.get(f"http://127.0.0.1:{port}/v1/accounts",
                                  headers={"Authorization": f"Bearer {TOKEN}"})
                break
            except httpx.ConnectError:
                assert time.monotonic() < deadline, "pos ledger serve did not start"
                time.sleep(0.1)
        assert reply.json()["accounts"][0]["balance_cents"] == 5234
        assert httpx.get(f"http://127.0.0.1:{port}/v1/fee-codes").status_code == 401
    finally:
        process.terminate()
        process.wait(timeout=10)
