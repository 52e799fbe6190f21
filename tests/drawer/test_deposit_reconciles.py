"""Drops reach the bank: a deposit takes its drawers' drops from the safe, and its slip reconciles the day's
collections, less over/short, with the deposit (a fixed case on both engines, random days on SQLite)."""

from __future__ import annotations

import itertools
import uuid

import pytest
from hypothesis import HealthCheck, given, settings as hypothesis_settings
from hypothesis import strategies as st
from sqlalchemy import text

from drawer.day import (CloseDrawer, CountDrawer, CountItem, MakeDrop, MakeLoan, MakePaidOut, VerifyDrawer,
                        close_drawer, make_drop, make_loan, make_paid_out, save_count, verify_drawer)
from drawer.deposit import PrepareDeposit, prepare_deposit
from drawer.documents import deposit_slip_text
from drawer.journal import cash_in_drawer_cents
from drawer.reports import deposit_slip
from drawer.sessions import OpenDrawer, open_drawer
from pos.core.operators import Credentials
from pos.core.payments import LineEntry, PostPayment, VoidPayment, post_payment, void_payment
from pos.core.tenders import TenderEntry
from pos.demo import build_demo
from tests.conftest import make_settings

SAM = Credentials("sam", "456789")  # supervisor
LENA = Credentials("lena", "345678")  # lead
FLOAT = {"bill:10000": 2}  # $200.00
BAGS = itertools.count(1)


def run(database, service, command, settings):
    with database.unit_of_work() as uow:
        return service(uow, command, settings)


def pay(database, settings, cents, tender):
    command = PostPayment(str(uuid.uuid4()), "amy", (LineEntry(cents, fee_code="CIT-PARK"),), (tender,))
    return run(database, post_payment, command, settings)


def session_now(database):
    with database.reader() as uow:
        return uow.execute(text("SELECT id FROM drawer_session WHERE status <> 'closed'")).scalar_one()


def close_and_deposit(database, settings, *, cash_counted, items, note="counted"):
    run(database, save_count, CountDrawer("amy", cash_counted, tuple(items)), settings)
    session = session_now(database)
    counted = sum(int(key.split(":")[1]) * n for key, n in cash_counted.items())
    retained = min(20000, counted // 10000 * 10000)
    run(database, close_drawer, CloseDrawer("amy", retained, SAM, note), settings)  # a lost check is beyond a lead
    run(database, verify_drawer, VerifyDrawer(SAM, session), settings)
    bag = f"BAG-{next(BAGS)}-{uuid.uuid4().hex[:6]}"
    made = run(database, prepare_deposit, PrepareDeposit(SAM, (session,), bag), settings)
    with database.reader() as uow:
        return made, deposit_slip(uow, bag, settings)


def cash_of(cents: int) -> dict[str, int]:
    return {key: n for key, n in (("bill:10000", cents // 10000), ("coin:1", cents % 10000)) if n}


@pytest.fixture
def day(database, settings):
    build_demo(settings, accounts=10)
    run(database, open_drawer, OpenDrawer("amy", FLOAT), settings)
    return database


def test_a_drop_goes_into_the_deposit_and_the_slip_reconciles(day, settings):
    pay(day, settings, 30000, TenderEntry("cash", 30000))  # $500 in the drawer
    run(day, make_drop, MakeDrop("amy", {"bill:10000": 1}), settings)  # $100 to the safe
    made, slip = close_and_deposit(day, settings, cash_counted={"bill:10000": 4}, items=())
    assert (made.cash_cents, made.drops_cents) == (40000 - 20000 + 10000, 10000)
    assert made.total_cents == 30000 == slip.total_cents  # the day's collections, all of them
    assert [(line.key, line.count) for line in slip.cash] == [("bill:10000", 3)]
    [drawer] = slip.drawers
    assert (drawer.cash_cents, drawer.drops_cents, drawer.collections_cents) == (20000, 10000, 30000)
    text = deposit_slip_text(slip, 42)
    assert "Cash from drops" in text and "$100.00" in text
    assert "Reconciles with the deposit" in text.splitlines()


@hypothesis_settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(payments=st.lists(st.tuples(st.sampled_from(["cash", "check"]), st.integers(1, 20000),
                                   st.integers(0, 3000), st.booleans()), min_size=1, max_size=5),
       drops=st.lists(st.integers(1, 3), max_size=2), paid_out=st.integers(0, 2000), loan=st.integers(0, 3),
       cash_over_short=st.integers(-1500, 1500), lose_a_check=st.booleans())
def test_any_drawer_days_deposit_reconciles_with_its_collections(sqlite_day, payments, drops, paid_out, loan,
                                                                  cash_over_short, lose_a_check):
    database, settings = sqlite_day
    if session_now_or_none(database) is None:
        run(database, open_drawer, OpenDrawer("amy", FLOAT, "float from the safe"), settings)
    checks = []
    for number, (tender, amount, extra, voided) in enumerate(payments, start=1):
        reference = f"{uuid.uuid4().int % 10**8}"
        handed = TenderEntry("cash", amount + extra) if tender == "cash" else TenderEntry("check", amount, reference)
        posted = pay(database, settings, amount, handed)
        if voided:
            run(database, void_payment, VoidPayment(str(uuid.uuid4()), "amy", posted.receipt_number, "wrong", LENA),
                settings)
        elif tender == "check":
            checks.append(CountItem("check", reference, amount))
    for tens in drops:
        with database.reader() as uow:
            held = cash_in_drawer_cents(uow, session_now(database))
        if tens * 1000 <= held:
            run(database, make_drop, MakeDrop("amy", {"bill:1000": tens}), settings)
    if loan:
        run(database, make_loan, MakeLoan("amy", {"bill:1000": loan}), settings)
    with database.reader() as uow:
        held = cash_in_drawer_cents(uow, session_now(database))
    if 0 < paid_out <= held:
        run(database, make_paid_out, MakePaidOut("amy", paid_out, "petty_cash"), settings)
        held -= paid_out
    counted_cash = max(held + cash_over_short, 0)
    items = checks[1:] if lose_a_check and checks else checks
    made, slip = close_and_deposit(database, settings, cash_counted=cash_of(counted_cash), items=items,
                                   note="random day")
    [drawer] = slip.drawers
    assert drawer.reconciled_cents == drawer.deposit_cents == slip.total_cents == made.total_cents
    assert slip.cash_cents == sum(line.total_cents for line in slip.cash)
    with database.reader() as uow:
        dropped = uow.execute(text("SELECT COALESCE(SUM(amount_cents), 0) FROM drawer_movement "
                                   "WHERE kind = 'drop' AND session_id = :s"), {"s": drawer.session_id}).scalar_one()
    assert drawer.drops_cents == dropped and made.drops_cents == dropped
    assert "DOES NOT RECONCILE" not in deposit_slip_text(slip, 32)


def session_now_or_none(database):
    with database.reader() as uow:
        return uow.execute(text("SELECT id FROM drawer_session WHERE status <> 'closed'")).scalar_one_or_none()


@pytest.fixture
def sqlite_day(tmp_path):
    """One SQLite database for every random day: each example opens, runs, closes and deposits a drawer."""
    from pos.core.db import open_database

    settings = make_settings(tmp_path)
    build_demo(settings, accounts=10)
    database = open_database(settings.database_url())
    yield database, settings
    database.dispose()
