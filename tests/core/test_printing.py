"""The print queue: receipts print after the commit; a printer failure leaves the payment posted and the job waiting."""

import os
import socket
import subprocess
import sys
import threading
import time
import uuid

import pytest
from sqlalchemy import text

from drawer.sessions import OpenDrawer, open_drawer
from pos.core.operators import Credentials
from pos.core.payments import LineEntry, PostPayment, Reprint, VoidPayment, post_payment, reprint, void_payment
from pos.core.printing import print_waiting, receipt_text, recover_interrupted, reprint_unknown, waiting_jobs
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
        open_drawer(uow, OpenDrawer("amy", {"bill:10000": 2}), settings)
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


def test_file_backend_writes_escpos_and_text_and_never_the_drawer_pulse(counter, tmp_path):
    database, settings, number = counter
    posted = pay(database, settings, number)
    [outcome] = print_waiting(database, settings)
    assert outcome.printed
    assert not (tmp_path / "receipts" / "drawer-kicks.escpos").exists()  # the drawer opens on its own path
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
        assert outcome.printed
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
        voided = void_payment(uow, VoidPayment(str(uuid.uuid4()), "amy", posted.receipt_number, "wrong account",
                                               Credentials("lena", "345678")), settings)  # a lead approves
    with database.reader() as uow:
        assert "REPRINT" in receipt_text(uow, posted.receipt_number, settings, reprint=True)
        slip = receipt_text(uow, voided.receipt_number, settings)
    assert "VOID" in slip and posted.receipt_number in slip
    assert [o.printed for o in print_waiting(database, settings)] == [True, True, True]


# --- a real ESC/POS printer's faults (simulated behind a loopback socket) -----------------------------------

from tests.receipts.printer_sim import NetworkPrinterSim  # noqa: E402


@pytest.fixture
def escpos_counter(counter):
    database, settings, number = counter
    sim = NetworkPrinterSim()
    settings = settings.model_copy(update={"printer": settings.printer.model_copy(update={
        "backend": "network", "port": sim.port, "timeout_seconds": 2.0, "status_timeout_seconds": 0.5})})
    yield database, settings, number, sim
    sim.close()


def job_rows(database):
    with database.reader() as uow:
        return [tuple(row) for row in uow.execute(text("SELECT status, last_error FROM print_job ORDER BY created_at"))]


@pytest.mark.parametrize(("fault", "reason"), [("paper_out", "out of paper"), ("cover_open", "cover is open"),
                                               ("offline", "offline")])
def test_a_receipt_is_held_while_the_printer_reports_a_fault_and_prints_once_when_it_clears(escpos_counter, fault,
                                                                                         reason):
    database, settings, number, sim = escpos_counter
    setattr(sim, fault, True)
    posted = pay(database, settings, number)
    [outcome] = print_waiting(database, settings)
    assert outcome.held and reason in outcome.error
    assert job_rows(database)[0][0] == "held" and reason in job_rows(database)[0][1]
    assert print_waiting(database, settings)[0].held  # still in the fault: still held, still not sent
    sim.clear_faults()
    assert sim.count(posted.receipt_number) == 0  # nothing was waiting in the printer's buffer
    [outcome] = print_waiting(database, settings)
    assert outcome.printed
    assert print_waiting(database, settings) == []
    assert sim.count(posted.receipt_number) == 2  # the number under the barcode and in the identity line: one receipt
    assert sim.printed.count(b"PAYMENT RECEIPT") == 1


def test_paper_near_end_prints_and_the_warning_is_kept(escpos_counter):
    database, settings, number, sim = escpos_counter
    sim.near_end = True
    pay(database, settings, number)
    [outcome] = print_waiting(database, settings)
    assert outcome.printed and "nearly out" in outcome.warning
    assert job_rows(database)[0][0] == "printed"


def test_a_dropped_connection_makes_the_job_unknown_and_it_is_never_resent_by_itself(escpos_counter):
    database, settings, number, sim = escpos_counter
    sim.drop_after = 20
    posted = pay(database, settings, number)
    [outcome] = print_waiting(database, settings)
    assert outcome.unknown and "may not have printed" in outcome.error
    sim.drop_after = None
    assert print_waiting(database, settings) == []
    with database.reader() as uow:
        assert [job.status for job in waiting_jobs(uow, settings)] == ["unknown"]
    [outcome] = reprint_unknown(database, settings, posted.receipt_number, "amy")
    assert outcome.printed and outcome.job.kind == "reprint"
    assert sim.printed.count(b"*** REPRINT ***") == 2  # top and bottom banners of the one reprint
    with database.reader() as uow:
        assert waiting_jobs(uow, settings) == []


def test_an_unreachable_printer_holds_the_job_until_it_answers(escpos_counter):
    database, settings, number, sim = escpos_counter
    sim.power_off()
    posted = pay(database, settings, number)
    [outcome] = print_waiting(database, settings)
    assert outcome.held and "unreachable" in outcome.error
    sim.power_on()
    [outcome] = print_waiting(database, settings)
    assert outcome.printed and sim.printed.count(b"PAYMENT RECEIPT") == 1
    assert sim.count(posted.receipt_number) == 2


PRINT_IN_ANOTHER_PROCESS = """
import os, sys
from pos.core.db import open_database
from pos.core.printing import print_waiting
from pos.core.settings import Settings

settings = Settings.model_validate_json(os.environ["POS_TEST_SETTINGS"])
database = open_database(settings.database_url())
print(len([outcome for outcome in print_waiting(database, settings) if outcome.printed]))
"""


def print_in_another_process(settings) -> subprocess.Popen:
    """``pos receipt print`` as a second process of the same terminal would run it, next to the counter's poller."""
    return subprocess.Popen([sys.executable, "-c", PRINT_IN_ANOTHER_PROCESS], stdout=subprocess.PIPE, text=True,
                            env={**os.environ, "POS_TEST_SETTINGS": settings.model_dump_json()})


@pytest.fixture
def escpos_counter_on(engine_url, tmp_path):
    """The counter of ``escpos_counter`` on SQLite and on PostgreSQL: claims must hold on both."""
    settings = make_settings(tmp_path, url=engine_url)
    build_demo(settings, accounts=40)
    from pos.core.db import open_database

    database = open_database(settings.database_url())
    with database.unit_of_work() as uow:
        open_drawer(uow, OpenDrawer("amy", {"bill:10000": 2}), settings)
    with database.reader() as uow:
        number = uow.execute(text("SELECT account_number FROM account WHERE status = 'active' AND cash_only = false "
                                  "AND balance_cents > 3000 ORDER BY account_number LIMIT 1")).scalar_one()
    sim = NetworkPrinterSim()
    settings = settings.model_copy(update={"printer": settings.printer.model_copy(update={
        "backend": "network", "port": sim.port, "timeout_seconds": 10.0, "status_timeout_seconds": 10.0})})
    yield database, settings, number, sim
    sim.close()
    database.dispose()


def wait_for_status(database, status: str, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while status not in [row[0] for row in job_rows(database)]:
        assert time.monotonic() < deadline, f"no job became {status!r}: {job_rows(database)}"
        time.sleep(0.05)


def test_two_processes_printing_the_queue_at_once_print_each_receipt_once(escpos_counter_on):
    database, settings, number, sim = escpos_counter_on
    posted = [pay(database, settings, number, cents) for cents in (1100, 1200, 1300, 1400)]
    sim.answer_delay = 0.05  # each status answer takes a moment: the other process is still on its first job
    other = print_in_another_process(settings)
    wait_for_status(database, "sending")  # the other process read all four and is sending the first
    here = [outcome for outcome in print_waiting(database, settings) if outcome.printed]
    there = int(other.communicate(timeout=120)[0])
    assert len(here) >= 1 and len(here) + there == 4  # both printed, from the same list
    sim.wait_quiet()
    assert sim.printed.count(b"PAYMENT RECEIPT") == 4
    for payment in posted:
        assert sim.count(payment.receipt_number) == 2  # under the barcode and in the identity line: one receipt
    assert [status for status, _ in job_rows(database)] == ["printed"] * 4


def test_a_terminal_that_stops_while_sending_never_resends_by_itself_and_offers_a_reprint(escpos_counter_on):
    database, settings, number, sim = escpos_counter_on
    posted = pay(database, settings, number)
    sim.silent = True  # the printer takes the job's status query and never answers: the sender waits
    slow = settings.model_copy(update={"printer": settings.printer.model_copy(update={"status_timeout_seconds": 30})})
    other = print_in_another_process(slow)
    wait_for_status(database, "sending")
    assert print_waiting(database, settings) == []  # claimed by the other process: not sent from here as well
    other.kill()  # the terminal stops mid-job
    other.wait(timeout=10)
    sim.silent = False
    assert recover_interrupted(database, settings) == [posted.receipt_number]
    assert job_rows(database)[0] == ("unknown", "the terminal stopped while sending it: look at the printer")
    assert print_waiting(database, settings) == []  # never resent by itself
    assert sim.count(posted.receipt_number) == 0
    [outcome] = reprint_unknown(database, settings, posted.receipt_number, "amy")
    assert outcome.printed and sim.printed.count(b"*** REPRINT ***") == 2


class PrinterThatBreaksMidJob:
    """A device whose driver fails with something that is not a printer error, half-way through a job."""

    def status(self):  # noqa: ANN201
        return None

    def send(self, name, escpos, text):  # noqa: ANN001, ANN201
        raise RuntimeError("driver bug after the first bytes went out")


def test_a_job_that_breaks_mid_send_is_unknown_not_stuck_and_not_resent(escpos_counter):
    database, settings, number, sim = escpos_counter
    posted = pay(database, settings, number)
    settings = settings.model_copy(update={"cash_drawer": settings.cash_drawer.model_copy(update={"kick": "none"})})
    with pytest.raises(RuntimeError):
        print_waiting(database, settings, printer=PrinterThatBreaksMidJob())
    [(status, error)] = job_rows(database)
    assert status == "unknown" and "driver bug" in error
    assert print_waiting(database, settings) == []  # never resent by itself
    with database.reader() as uow:
        assert [job.status for job in waiting_jobs(uow, settings)] == ["unknown"]  # still in sight, for REPRINT
    [outcome] = reprint_unknown(database, settings, posted.receipt_number, "amy")
    assert outcome.printed and sim.printed.count(b"*** REPRINT ***") == 2
    assert [status for status, _ in job_rows(database)] == ["reprinted", "printed"]
