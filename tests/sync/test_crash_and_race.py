"""Senders killed with SIGKILL at random moments and restarted; two senders racing: each batch lands once."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from sqlalchemy import text

from sync.outbox import list_outbox
from tests.sync.conftest import TOKEN, close_batch
from tests.sync.test_sender import assert_all_accepted_once, drain, ledger_settings

ROOT = Path(__file__).resolve().parents[2]


def test_two_senders_racing_send_each_batch_once(counter, tmp_path, engine_url, ledger_server):
    settings = ledger_settings(tmp_path, engine_url, ledger_server)
    batches = [close_batch(counter, settings) for _ in range(12)]
    ledger_server.faults.push(*[("slow", 0.05)] * 12)
    workers = [threading.Thread(target=drain, args=(counter, settings)) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=30)
    drain(counter, settings)
    assert_all_accepted_once(counter, ledger_server, batches)
    assert ledger_server.faults.count("POST") == 12  # never two senders on one batch


def _config(tmp_path, engine_url, server) -> Path:
    file = tmp_path / "pos.toml"
    file.write_text(f'''
[database]
url = "{engine_url}"
[security]
audit_key = "test-audit-key-0123"
[printer]
backend = "file"
directory = "{tmp_path / 'receipts'}"
[ledger]
base_url = "{server.url}"
token = "{TOKEN}"
timeout_seconds = 2.0
poll_seconds = 0.05
backoff_base_seconds = 0.01
backoff_max_seconds = 0.05
accounts_pull_minutes = 0
''')
    return file


def test_a_sender_killed_at_random_moments_loses_nothing_and_sends_nothing_twice(
        counter, tmp_path, engine_url, ledger_server):
    settings = ledger_settings(tmp_path, engine_url, ledger_server)
    batches = [close_batch(counter, settings) for _ in range(10)]
    ledger_server.faults.push(*[("slow", 0.15)] * 40)  # requests in flight when the kill lands
    environment = {**os.environ, "POS_CONFIG": str(_config(tmp_path, engine_url, ledger_server))}
    rng = random.Random(12)
    started = time.monotonic()
    kills = 0
    while time.monotonic() - started < 12 and kills < 8:
        process = subprocess.Popen([sys.executable, "-m", "pos", "sync", "run", "--follow"], cwd=ROOT,
                                   env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.8, 2.0))
        process.send_signal(signal.SIGKILL)
        process.wait()
        kills += 1
        with counter.reader() as uow:
            if all(e.status == "accepted" for e in list_outbox(uow)):
                break
    drain(counter, settings)
    assert_all_accepted_once(counter, ledger_server, batches)
    with counter.reader() as uow:
        assert uow.execute(text("SELECT count(*) FROM ledger_outbox WHERE status = 'sending'")).scalar() == 0


def test_sigterm_stops_a_following_sender_cleanly(counter, tmp_path, engine_url, ledger_server):
    settings = ledger_settings(tmp_path, engine_url, ledger_server)
    batch_id = close_batch(counter, settings)
    environment = {**os.environ, "POS_CONFIG": str(_config(tmp_path, engine_url, ledger_server))}
    process = subprocess.Popen([sys.executable, "-m", "pos", "sync", "run", "--follow"], cwd=ROOT, env=environment,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 40  # a busy machine starts Python slowly
    while time.monotonic() < deadline and not ledger_server.ledger.accepted_count(batch_id):
        time.sleep(0.05)
    assert ledger_server.ledger.accepted_count(batch_id) == 1
    time.sleep(0.2)  # the sender writes the acceptance down after the ledger answers
    process.send_signal(signal.SIGTERM)
    out, err = process.communicate(timeout=10)
    assert process.returncode == 0, err
    assert f"Batch {batch_id}: accepted by the ledger." in out and "Stopped cleanly" in out
    assert_all_accepted_once(counter, ledger_server, [batch_id])

