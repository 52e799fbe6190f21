"""The cash drawer opens when the cash is taken, on its own path: never with (or after) a waiting receipt."""

import uuid

from pos.core.operators import Credentials
from pos.core.payments import LineEntry, PostPayment, VoidPayment, void_payment
from pos.core.printing import JobPrinted, open_drawer_for_payment, print_waiting, waiting_jobs
from pos.core.tenders import TenderEntry
from receipts.errors import JobOutcomeUnknown
from receipts.printers import FilePrinter
from tests.core.test_printing import counter, escpos_counter, job_rows, pay  # noqa: F401 - fixtures

ESC_P = b"\x1bp"


def take_cash(database, settings, number, cents=2000):
    """What the payment screen does: post, then open the drawer at once, then try the receipt."""
    posted = pay(database, settings, number, cents)
    kick = open_drawer_for_payment(settings, posted.receipt_number, posted.has_cash)
    return posted, kick, print_waiting(database, settings)


def test_with_the_paper_out_three_cash_payments_open_the_drawer_three_times_at_once_and_never_again(escpos_counter):
    database, settings, number, sim = escpos_counter
    sim.paper_out = True
    numbers = []
    for _ in range(3):
        posted, kick, [outcome] = take_cash(database, settings, number)
        numbers.append(posted.receipt_number)
        assert kick.opened and kick.error is None
        assert outcome.held  # paper out holds the oldest receipt, and with it the pass
        sim.wait_quiet()
    assert len(sim.realtime_pulses) == 3  # one real-time pulse per payment, at once
    assert ESC_P not in sim.buffered  # nothing that would open the drawer later waits in the printer
    with database.reader() as uow:
        assert [job.receipt_number for job in waiting_jobs(uow, settings)] == numbers
    sim.clear_faults()
    assert [outcome.printed for outcome in print_waiting(database, settings)] == [True, True, True]
    sim.wait_quiet()
    assert len(sim.realtime_pulses) == 3 and ESC_P not in sim.printed  # clearing the fault opened it zero times
    assert sim.printed.count(b"PAYMENT RECEIPT") == 3


def test_a_ready_printer_gets_the_pulse_apart_from_the_receipt(escpos_counter):
    database, settings, number, sim = escpos_counter
    posted, kick, [outcome] = take_cash(database, settings, number)
    sim.wait_quiet()
    assert kick.opened and outcome.printed
    assert sim.printed.count(ESC_P) == 1 and sim.realtime_pulses == []
    assert sim.printed.index(ESC_P) < sim.printed.index(b"PAYMENT RECEIPT")  # the drawer first, then the paper


def test_an_unreachable_printer_cannot_open_the_drawer_and_says_so(escpos_counter):
    database, settings, number, sim = escpos_counter
    sim.power_off()
    posted, kick, [outcome] = take_cash(database, settings, number)
    assert kick.needed and not kick.opened and kick.failed
    assert f"127.0.0.1:{sim.port}" in kick.error and "unreachable" in kick.error
    assert outcome.held
    sim.power_on()
    assert print_waiting(database, settings)[0].printed
    sim.wait_quiet()
    assert ESC_P not in sim.printed and sim.realtime_pulses == []  # the receipt that waited opens nothing


def test_a_printer_in_an_error_ignores_a_pulse_so_the_kick_is_reported_as_not_delivered(escpos_counter):
    database, settings, number, sim = escpos_counter
    original = sim.status_byte
    sim.status_byte = lambda n: original(n) | (0x20 if n == 3 else 0)  # an unrecoverable error
    posted, kick, _ = take_cash(database, settings, number)
    assert kick.failed and "error" in kick.error
    sim.wait_quiet()
    assert sim.realtime_pulses == [] and ESC_P not in bytes(sim.printed + sim.buffered)


def test_an_absent_serial_drawer_is_reported_at_once(counter):
    database, settings, number = counter
    settings = settings.model_copy(update={"cash_drawer": settings.cash_drawer.model_copy(
        update={"kick": "serial", "serial_port": ""})})
    posted, kick, [outcome] = take_cash(database, settings, number)
    assert kick.failed and "serial_port" in kick.error
    assert outcome.printed


def test_no_cash_no_drawer(counter, tmp_path):
    database, settings, number = counter
    command = PostPayment(str(uuid.uuid4()), "amy", (LineEntry(2000, number),), (TenderEntry("check", 2000, "1001"),),
                          acknowledged=frozenset({"below_installment"}))
    with database.unit_of_work() as uow:
        from pos.core.payments import post_payment

        posted = post_payment(uow, command, settings)
    kick = open_drawer_for_payment(settings, posted.receipt_number, posted.has_cash)
    assert not kick.needed and not kick.opened and not kick.failed
    assert not (tmp_path / "receipts" / "drawer-kicks.escpos").exists()


def test_a_void_of_a_cash_payment_opens_the_drawer_once_and_its_slip_never_does(counter, tmp_path):
    database, settings, number = counter
    posted = pay(database, settings, number)
    print_waiting(database, settings)
    with database.unit_of_work() as uow:
        voided = void_payment(uow, VoidPayment(str(uuid.uuid4()), "amy", posted.receipt_number, "wrong account",
                                               Credentials("lena", "345678")), settings)
    kick = open_drawer_for_payment(settings, voided.receipt_number, voided.has_cash)
    assert kick.opened
    assert [outcome.printed for outcome in print_waiting(database, settings)] == [True]
    assert (tmp_path / "receipts" / "drawer-kicks.escpos").read_bytes().count(ESC_P) == 1


class LosesTheFirstJob(FilePrinter):
    """A printer whose connection drops during the first job only (its outcome is unknown); then it is fine."""

    def __init__(self, directory) -> None:
        super().__init__(directory)
        self.sent = 0

    def send(self, job_id, escpos, text):
        self.sent += 1
        if self.sent == 1:
            raise JobOutcomeUnknown("Printer dropped the connection while the receipt was sent: it may not have "
                                    "printed")
        return super().send(job_id, escpos, text)


def test_a_job_whose_outcome_is_unknown_does_not_hold_back_the_jobs_behind_it(counter, tmp_path):
    database, settings, number = counter
    first, second = pay(database, settings, number), pay(database, settings, number)
    outcomes = print_waiting(database, settings, LosesTheFirstJob(tmp_path / "paper"))
    assert [(o.job.receipt_number, o.unknown, o.printed) for o in outcomes] == [
        (first.receipt_number, True, False), (second.receipt_number, False, True)]


def test_a_job_that_cannot_be_laid_out_does_not_hold_back_the_jobs_behind_it(counter, tmp_path, monkeypatch):
    database, settings, number = counter
    first, second = pay(database, settings, number), pay(database, settings, number)
    import pos.core.printing as printing

    real = printing.receipt_for

    def broken_for_the_first(uow, txn_id, settings, **options):
        if txn_id == first.txn_id:
            raise ValueError("a line the layout cannot hold")
        return real(uow, txn_id, settings, **options)

    monkeypatch.setattr(printing, "receipt_for", broken_for_the_first)
    outcomes = print_waiting(database, settings)
    assert [(o.job.receipt_number, o.printed) for o in outcomes] == [(first.receipt_number, False),
                                                                      (second.receipt_number, True)]
    assert "cannot be laid out" in outcomes[0].error
    assert [row[0] for row in job_rows(database)] == ["failed", "printed"]


def test_a_printer_fault_holds_every_job_and_asks_the_printer_once(escpos_counter):
    database, settings, number, sim = escpos_counter
    sim.paper_out = True
    pay(database, settings, number), pay(database, settings, number)
    outcomes = print_waiting(database, settings)
    assert len(outcomes) == 1 and outcomes[0].held  # paper out applies to every job: the pass stops
    assert [row[0] for row in job_rows(database)] == ["held", "pending"]
    assert isinstance(outcomes[0], JobPrinted)
