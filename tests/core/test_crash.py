"""A process posting payments is killed (SIGKILL) at random moments: nothing reported is lost or doubled."""

import os
import random
import signal
import sqlite3
import time
import uuid

from drawer.sessions import OpenDrawer, open_drawer
from pos.core import audit
from pos.core.db import open_database
from pos.core.payments import LineEntry, PostPayment, post_payment
from pos.core.tenders import TenderEntry
from pos.demo import build_demo
from tests.conftest import make_settings

ROUNDS = 50


def _poster(url: str, settings, numbers: list[str], retry_key: str | None, out_fd: int) -> None:  # noqa: ANN001
    """Child: post payments forever, saying TRY before and POSTED after each; retries an unreported key first."""
    database = open_database(url, migrate=False)
    out = os.fdopen(out_fd, "w", buffering=1)
    index = 0
    while True:
        key = retry_key or str(uuid.uuid4())
        retry_key = None
        out.write(f"TRY {key}\n")
        amount = 100 + index % 900
        command = PostPayment(key, "amy", (LineEntry(amount, numbers[index % len(numbers)]),),
                              (TenderEntry("check", amount // 2, "1001"), TenderEntry("cash", amount)),
                              acknowledged=frozenset({"overpayment", "below_installment", "inactive_account"}))
        with database.unit_of_work() as uow:
            posted = post_payment(uow, command, settings)
        out.write(f"POSTED {key} {posted.receipt_number}\n")
        index += 1


def test_sigkill_while_posting_never_loses_or_doubles_a_reported_payment(tmp_path):
    settings = make_settings(tmp_path)
    build_demo(settings, accounts=40)
    url = settings.database_url()
    database = open_database(url)
    with database.unit_of_work() as uow:
        open_drawer(uow, OpenDrawer("amy", {"bill:10000": 2}), settings)
    with database.reader() as uow:
        from sqlalchemy import text

        numbers = [r[0] for r in uow.execute(text("SELECT account_number FROM account WHERE cash_only = false"))]
    database.dispose()

    rng = random.Random(20261124)
    reported: dict[str, str] = {}
    unreported: str | None = None
    for _round in range(ROUNDS):
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child never returns into pytest
            try:
                os.close(read_fd)
                _poster(url, settings, numbers, unreported, write_fd)
            finally:
                os._exit(3)
        os.close(write_fd)
        time.sleep(rng.uniform(0.02, 0.35))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        with os.fdopen(read_fd) as lines:
            tried = None
            for line in lines.read().splitlines():
                word, key, *rest = line.split()
                if word == "TRY":
                    tried = key
                elif word == "POSTED":
                    reported[key] = rest[0]
                    tried = None
        unreported = tried  # the next process retries the attempt that was in flight

        with sqlite3.connect(tmp_path / "pos.db") as raw:
            assert raw.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            rows = raw.execute("SELECT idempotency_key, receipt_number FROM payment_txn").fetchall()
        by_key: dict[str, list[str]] = {}
        for key, receipt in rows:
            by_key.setdefault(key, []).append(receipt)
        for key, receipt in reported.items():
            assert by_key.get(key) == [receipt], f"reported payment {receipt} is not there exactly once"
        sequence = sorted(int(receipt.split("-")[1]) for _, receipt in rows)
        assert sequence == list(range(1, len(sequence) + 1)), "receipt numbers have a gap"

    assert len(reported) > ROUNDS  # the kills landed while payments were flowing
    database = open_database(url, migrate=False)
    with database.reader() as uow:
        assert audit.verify(uow.session, key=settings.security.audit_key).ok
    database.dispose()
