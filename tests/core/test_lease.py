"""One terminal, one process; one drawer, one terminal: the lease and the drawer rule at the service level."""

from __future__ import annotations

import subprocess
import sys
import uuid
from datetime import datetime, timedelta

import pytest

from drawer.sessions import DrawerError, OpenDrawer, open_drawer
from pos.core import audit, clock
from pos.core.lease import LeaseKeeper, TerminalBusy, refresh_lease, release_lease, take_lease
from pos.core.models import TerminalLease
from pos.core.operators import AddOperator, Credentials, SignIn, SignOut, add_operator, sign_in, sign_out
from pos.core.payments import LineEntry, PostPayment, post_payment
from pos.core.tenders import TenderEntry

FLOAT = {"bill:2000": 10}  # $200.00


def dead_pid() -> int:
    """The id of a process that has exited."""
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True,
                              check=True)
    return int(finished.stdout)


def test_a_second_process_with_the_same_terminal_id_is_refused(database, settings):
    first = take_lease(database, settings)
    with pytest.raises(TerminalBusy, match=f"Terminal T01 is already running on {first.host} \\(process"):
        take_lease(database, settings, pid=first.pid + 1)  # another process on this host, the first still alive
    release_lease(database, first)
    again = take_lease(database, settings)  # released at exit: free again
    assert again.token != first.token


def test_a_lease_of_a_process_that_has_exited_is_taken_over_and_journaled(database, settings):
    gone = take_lease(database, settings, pid=dead_pid())
    mine = take_lease(database, settings)
    assert not refresh_lease(database, gone)  # the old holder learns it lost the terminal
    assert refresh_lease(database, mine)
    with database.reader() as uow:
        taken = audit.search(uow.session, kind="terminal_taken_over")[0]
    assert taken.details["from_pid"] == gone.pid and taken.details["pid"] == mine.pid


def test_a_holder_on_another_host_keeps_the_lease_until_its_heartbeat_is_too_old(database, settings, monkeypatch):
    other = take_lease(database, settings, host="counter-2.example", pid=4242)
    with pytest.raises(TerminalBusy, match="counter-2.example"):
        take_lease(database, settings)
    later = clock.now() + timedelta(seconds=settings.terminal.lease_timeout_seconds + 1)
    monkeypatch.setattr(clock, "now", lambda: later)
    mine = take_lease(database, settings)
    with database.reader() as uow:
        row = uow.session.get(TerminalLease, "T01")
        holder = (row.host, row.pid, row.token)
    assert holder == (mine.host, mine.pid, mine.token) != (other.host, other.pid, other.token)


def test_the_keeper_refreshes_the_heartbeat_and_releases_at_the_end(database, settings):
    quick = settings.model_copy(update={"terminal": settings.terminal.model_copy(
        update={"lease_heartbeat_seconds": 0.05})})
    lease = take_lease(database, quick)
    with database.reader() as uow:
        first = uow.session.get(TerminalLease, "T01").heartbeat_at
    keeper = LeaseKeeper(database, lease, quick).start()
    try:
        deadline = datetime.now() + timedelta(seconds=5)
        beat = first
        while beat == first and datetime.now() < deadline:
            with database.reader() as uow:
                beat = uow.session.get(TerminalLease, "T01").heartbeat_at
    finally:
        keeper.stop()
    assert beat > first
    with database.reader() as uow:
        assert uow.session.get(TerminalLease, "T01") is None


def test_an_open_drawer_is_worked_from_its_own_terminal_only(database, settings):
    from pos.demo import build_demo

    build_demo(settings, accounts=20)
    with database.unit_of_work() as uow:
        open_drawer(uow, OpenDrawer("amy", FLOAT), settings)
    elsewhere = settings.model_copy(update={"terminal": settings.terminal.model_copy(update={"id": "T02"})})
    with database.unit_of_work() as uow:
        assert sign_in(uow, SignIn("amy", "1234"), elsewhere).operator.operator_id == "amy"  # signing in is fine
    payment = PostPayment(str(uuid.uuid4()), "amy", (LineEntry(1000, fee_code="CIT-PARK"),),
                          (TenderEntry("cash", 1000),))
    with database.unit_of_work() as uow, pytest.raises(DrawerError, match="Open your drawer on this terminal"):
        post_payment(uow, payment, elsewhere)
    with database.unit_of_work() as uow, pytest.raises(DrawerError, match="already have an open drawer on terminal T01"):
        open_drawer(uow, OpenDrawer("amy", FLOAT), elsewhere)
    with database.unit_of_work() as uow:
        assert post_payment(uow, payment, settings).receipt_number == "T01-000001"  # at its own terminal


def test_a_hang_up_sign_out_is_journaled_with_its_reason(database, settings):
    with database.unit_of_work() as uow:
        add_operator(uow, AddOperator("boss", "Big Boss", "admin", "909192"), settings)
    with database.unit_of_work() as uow:
        add_operator(uow, AddOperator("amy", "Amy", "cashier", "1357", by=Credentials("boss", "909192")), settings)
    with database.unit_of_work() as uow:
        sign_out(uow, SignOut("amy", "hang-up"), settings)
    with database.reader() as uow:
        entry = audit.search(uow.session, kind="signout")[0]
    assert (entry.operator_id, entry.details) == ("amy", {"reason": "hang-up"})


def test_a_keeper_whose_lease_was_taken_over_says_so(database, settings):
    import threading

    quick = settings.model_copy(update={"terminal": settings.terminal.model_copy(
        update={"lease_heartbeat_seconds": 0.05})})
    gone = take_lease(database, quick, pid=dead_pid())
    told = threading.Event()
    keeper = LeaseKeeper(database, gone, quick, on_lost=told.set)
    take_lease(database, quick)  # this process takes the terminal over from the exited one
    keeper.start()
    assert told.wait(timeout=5)
    keeper.stop()
    with database.reader() as uow:
        assert uow.session.get(TerminalLease, "T01") is not None  # the loser does not release the winner's lease
