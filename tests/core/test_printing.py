"""The print queue: receipts print after the commit; a printer failure leaves the payment posted and the job waiting."""

import socket
import threading
import uuid

import pytest
from sqlalchemy import text

from drawer.sessions import OpenDrawer, open_drawer
from pos.core.payments import LineEntry, PostPayment, Reprint, VoidPayment, post_payment, reprint, void_payment
from pos.core.printing import print_waiting, receipt_text, waiting_jobs
from pos.core.tenders import TenderEntry
from pos.demo import build_demo
from receipts.printers import NetworkPrinter
from tests.conftest import make_settings


class LoopbackPrinter:
    """A raw TCP 9100 listener on 127.0.0.1 that keeps every connection's bytes."""

    def __init__(self) -> None:
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(8)
        self.server.settimeout(5)
        self.port = self.server.getsockname()[1]
        self.received: list[bytes] = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.stopping = False
        self.thread.start()

    def _serve(self) -> None:
        while not self.stopping:
            try:
                connection, _ = self.server.accept()
            except OSError:
                return
            with connection:
                connection.settimeout(5)
                chunks = []
                while True:
                    data = connection.recv(65536)
                    if not data:
                        break
                    chunks.append(data)
                self.received.append(b"".join(chunks))

    def close(self) -> None:
        self.stopping = True
        self.server.close()
        self.thread.join(timeout=5)


@pytest.fixture
def counter(tmp_path):
    settings = make_settings(tmp_path)
    build_demo(settings, accounts=60)
    from pos.core.db import open_database

    database = open_database(settings.database_url())
    with database.unit_of_work() as uow:
        open_drawer(uow, OpenDrawer("amy", {10000: 2}), settings)
    with database.reader() as uow:
        number = uow.execute(text("SELECT account_number FROM account WHERE status = 'active' AND cash_only = false "
                                  "AND balance_cents > 3000 ORDER BY account_number LIMIT 1")).scalar_one()
    yield database, settings, number
    database.dispose()


def pay(database, settings, number, cents=2000):
    command = PostPayment(str(uuid.uuid4()), "amy", (LineEntry(cents, number),), (TenderEntry("cash", cents + 500),),
                          acknowledged=frozenset({"below_installment"}))
    with database.unit_of_work() as uow:
        return post_payment(uow, command, settings)


def test_file_backend_writes_escpos_and_text_and_kicks_the_drawer_for_cash(counter, tmp_path):
    database, settings, number = counter
    posted = pay(database, settings, number)
    [outcome] = print_waiting(database, settings)
    assert outcome.printed and outcome.drawer_opened
    folder = tmp_path / "receipts"
    name = f"{posted.receipt_number}-receipt-{posted.print_job_id[:8]}"
    text_copy = (folder / f"{name}.txt").read_text(encoding="utf-8")
    assert posted.receipt_number in text_copy and "Change" in text_copy
    assert (folder / f"{name}.escpos").read_bytes().startswith(b"\x1b@")
    with database.reader() as uow:
        assert waiting_jobs(uow, settings) == []
    assert print_waiting(database, settings) == []  # nothing prints twice


def test_printer_down_leaves_the_payment_posted_and_the_job_waiting_then_prints_once(counter, tmp_path):
    database, settings, number = counter
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()
    posted = pay(database, settings, number)
    [outcome] = print_waiting(database, settings, NetworkPrinter("127.0.0.1", port, 1.0))
    assert not outcome.printed and f"127.0.0.1:{port}" in outcome.error
    with database.reader() as uow:
        [job] = waiting_jobs(uow, settings)
        assert uow.execute(text("SELECT count(*) FROM payment_txn")).scalar_one() == 1
    assert (job.status, job.attempts, job.receipt_number) == ("failed", 1, posted.receipt_number)
    printer = LoopbackPrinter()
    try:
        [outcome] = print_waiting(database, settings, NetworkPrinter("127.0.0.1", printer.port, 2.0))
        assert outcome.printed and not outcome.drawer_opened  # a retry never opens the drawer again
        assert print_waiting(database, settings, NetworkPrinter("127.0.0.1", printer.port, 2.0)) == []
    finally:
        printer.close()
    assert len(printer.received) == 1
    assert posted.receipt_number.encode() in printer.received[0]


def test_reprint_says_reprint_and_a_void_prints_a_void_slip(counter):
    database, settings, number = counter
    posted = pay(database, settings, number)
    with database.unit_of_work() as uow:
        reprint(uow, Reprint(posted.receipt_number, "amy"), settings)
    with database.unit_of_work() as uow:
        voided = void_payment(uow, VoidPayment(str(uuid.uuid4()), "amy", posted.receipt_number, "wrong account"),
                              settings)
    with database.reader() as uow:
        assert "REPRINT" in receipt_text(uow, posted.receipt_number, settings, reprint=True)
        slip = receipt_text(uow, voided.receipt_number, settings)
    assert "VOID" in slip and posted.receipt_number in slip
    assert [o.printed for o in print_waiting(database, settings)] == [True, True, True]
