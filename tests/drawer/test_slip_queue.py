"""Drop, paid-out, loan and no-sale slips wait in the print queue like receipts: held, retried, never lost."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from drawer.day import MakeDrop, MakeLoan, MakePaidOut, OpenNoSale, make_drop, make_loan, make_paid_out, open_no_sale
from pos.core import audit
from pos.core.printing import print_waiting, reprint_unknown, waiting_jobs
from tests.drawer.test_day import day, pay, run  # noqa: F401 - fixture
from tests.receipts.printer_sim import NetworkPrinterSim


@pytest.fixture
def sim():
    printer = NetworkPrinterSim()
    yield printer
    printer.close()


@pytest.fixture
def on_sim(settings, sim):
    return settings.model_copy(update={"printer": settings.printer.model_copy(update={
        "backend": "network", "port": sim.port, "timeout_seconds": 2.0, "status_timeout_seconds": 0.5})})


def test_every_kind_of_slip_is_queued_with_its_movement(day, settings):
    pay(day, settings, 5000)
    made = [run(day, make_drop, MakeDrop("amy", {"bill:2000": 1}), settings),
            run(day, make_paid_out, MakePaidOut("amy", 500, "petty_cash"), settings),
            run(day, make_loan, MakeLoan("amy", {"coin:25": 4}), settings),
            run(day, open_no_sale, OpenNoSale("amy", "change for the meter"), settings)]
    with day.reader() as uow:
        slips = [job for job in waiting_jobs(uow, settings) if job.kind == "slip"]
        documents = dict(uow.execute(text("SELECT movement_id, document FROM print_job WHERE kind = 'slip'")).all())
    assert [job.receipt_number for job in slips] == [m.number for m in made]
    assert all(m.number in documents[m.movement_id] for m in made)


def test_a_drop_slip_waits_out_paper_out_and_prints_once_when_it_clears(day, on_sim, sim):
    pay(day, on_sim, 5000)
    print_waiting(day, on_sim)  # the receipt
    sim.paper_out = True
    drop = run(day, make_drop, MakeDrop("amy", {"bill:2000": 1}), on_sim)
    [outcome] = print_waiting(day, on_sim)
    assert outcome.held and outcome.job.receipt_number == drop.number and outcome.job.kind == "slip"
    assert print_waiting(day, on_sim)[0].held  # the poller's next try: still held, nothing sent
    sim.clear_faults()
    assert sim.count(drop.number) == 0  # nothing waited in the printer's own buffer
    [outcome] = print_waiting(day, on_sim)
    assert outcome.printed
    assert print_waiting(day, on_sim) == []
    sim.wait_quiet()
    assert sim.count(drop.number) == 1
    assert b"\x1bt\x13" in sim.printed  # in the fixed code page, like every document


def test_a_slip_whose_outcome_is_unknown_is_reprinted_marked_reprint_and_audited(day, on_sim, sim):
    pay(day, on_sim, 5000)
    print_waiting(day, on_sim)
    loan = run(day, make_loan, MakeLoan("amy", {"coin:25": 4}), on_sim)
    sim.drop_after = 20
    [outcome] = print_waiting(day, on_sim)
    assert outcome.unknown
    sim.drop_after = None
    assert print_waiting(day, on_sim) == []  # never resent by itself
    [outcome] = reprint_unknown(day, on_sim, loan.number, "amy")
    assert outcome.printed and outcome.job.receipt_number == loan.number
    sim.wait_quiet()
    assert sim.count("*** REPRINT ***") == 1
    with day.reader() as uow:
        assert [e.details["slip"] for e in audit.search(uow.session, kind="slip_reprinted")] == [loan.number]
        statuses = sorted(uow.execute(text("SELECT status FROM print_job WHERE kind = 'slip'")).scalars())
    assert statuses == ["printed", "reprinted"]
