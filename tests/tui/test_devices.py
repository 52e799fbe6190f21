"""Devices at the counter: a receipt held while the printer is out of paper prints once by itself; the devices screen."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text

from pos.core.db import open_database
from pos.tui.app import make_app
from pos.tui.screens.devices import DevicesScreen
from tests.receipts.printer_sim import NetworkPrinterSim
from tests.tui.conftest import (
    ORDINARY,
    SIZE,
    accounts_where,
    burst,
    notifications,
    open_drawer_for,
    post_cash_payment,
    query_database,
    screen_words,
    settle,
    signed_in,
)
from tests.tui.test_payment import posted_payments, start_payment


@pytest.fixture
def sim():
    printer = NetworkPrinterSim()
    yield printer
    printer.close()


def printer_settings(sim) -> dict:
    return {"backend": "network", "host": "127.0.0.1", "port": sim.port, "timeout_seconds": 2.0,
            "status_timeout_seconds": 2.0, "poll_seconds": 0.5}  # a busy machine is not a silent printer


async def wait_for_words(pilot, words: str, seconds: float = 8.0) -> str:
    for _ in range(int(seconds / 0.1)):
        await settle(pilot)
        text = screen_words(pilot)
        if words in text:
            return text
        await asyncio.sleep(0.1)
    raise AssertionError(f"{words!r} never shown; the screen says: {screen_words(pilot)}")


@pytest.mark.parametrize(("fault", "reason"), [("paper_out", "the printer is out of paper"),
                                               ("cover_open", "the printer cover is open")])
async def test_a_payment_taken_while_the_printer_is_in_a_fault_prints_once_when_it_clears(demo_settings_for, sim,
                                                                                         fault, reason):
    settings = demo_settings_for(printer=printer_settings(sim))
    [(number, balance, _)] = accounts_where(settings, ORDINARY)
    open_drawer_for(settings)
    setattr(sim, fault, True)
    async with make_app(settings).run_test(size=SIZE) as pilot:
        await signed_in(pilot)
        await start_payment(pilot, settings, number, balance)
        await pilot.press("enter")
        await settle(pilot)

        [(receipt, *_)] = posted_payments(settings)  # the payment is posted
        words = await wait_for_words(pilot, f"Receipt waiting because {reason}")
        assert "It prints" in words and "F5 tries now." in words
        assert query_database(settings, "SELECT status FROM print_job") == [("held",)]

        sim.clear_faults()
        await wait_for_words(pilot, f"Receipt {receipt} printed.")
    assert query_database(settings, "SELECT status FROM print_job") == [("printed",)]
    assert sim.printed.count(b"PAYMENT RECEIPT") == 1


async def test_the_status_bar_shows_a_printer_fault_until_it_is_cleared(demo_settings_for, sim):
    settings = demo_settings_for(printer={**printer_settings(sim), "poll_seconds": 1.0})
    [(number, balance, _)] = accounts_where(settings, ORDINARY)
    open_drawer_for(settings)
    sim.paper_out = True
    async with make_app(settings).run_test(size=SIZE) as pilot:
        await signed_in(pilot)
        await start_payment(pilot, settings, number, balance)
        await pilot.press("enter")
        await wait_for_words(pilot, "Printer: paper out")  # the poller read the fault
        sim.clear_faults()
        await pilot.press("f5")  # the cashier put paper in and tries at once: printed from the payment screen
        [(receipt, *_)] = posted_payments(settings)
        await wait_for_words(pilot, f"Receipt {receipt} printed.")
        for _ in range(40):  # the next poll asks the printer although nothing waits, and the bar clears
            await settle(pilot)
            if "Printer:" not in screen_words(pilot):
                break
            await asyncio.sleep(0.1)
        assert "Printer:" not in screen_words(pilot)
    assert sim.printed.count(b"PAYMENT RECEIPT") == 1


async def test_a_receipt_whose_connection_dropped_is_offered_as_a_reprint(demo_settings_for, sim):
    settings = demo_settings_for(printer=printer_settings(sim))
    [(number, balance, _)] = accounts_where(settings, ORDINARY)
    open_drawer_for(settings)
    sim.drop_after = 30
    async with make_app(settings).run_test(size=SIZE) as pilot:
        await signed_in(pilot)
        await start_payment(pilot, settings, number, balance)
        await pilot.press("enter")
        [(receipt, *_)] = posted_payments(settings)
        await wait_for_words(pilot, "may not have printed")
        await asyncio.sleep(1.2)  # two poller ticks: an unknown job is never sent again by itself
        assert query_database(settings, "SELECT status FROM print_job") == [("unknown",)]
        sim.drop_after = None
        await pilot.press("f5")
        await wait_for_words(pilot, f"Receipt {receipt} printed.")
    assert sim.printed.count(b"*** REPRINT ***") == 2  # one reprint, banner top and bottom
    assert sorted(query_database(settings, "SELECT kind, status FROM print_job")) == [
        ("receipt", "reprinted"), ("reprint", "printed")]


async def test_devices_screen_shows_the_printer_and_prints_a_test_page(demo_settings_for, sim):
    settings = demo_settings_for(printer=printer_settings(sim))
    sim.near_end = True
    async with make_app(settings).run_test(size=SIZE) as pilot:
        await signed_in(pilot)
        await pilot.press("f10")
        await settle(pilot)
        assert isinstance(pilot.app.screen, DevicesScreen)
        assert "Ready; paper nearly out" in await wait_for_words(pilot, "Ready")
        await burst(pilot, "t")
        await wait_for_words(pilot, "Test page printed.")
        sim.cover_open = True
        await pilot.press("f5")
        await wait_for_words(pilot, "The printer cover is open")
    assert sim.printed.count(b"PRINTER TEST") == 1


async def test_a_check_taken_is_endorsed_on_the_slip_station_when_the_cashier_inserts_it(demo_settings_for, sim):
    settings = demo_settings_for(printer=printer_settings(sim),
                                 endorsement={"enabled": True, "bank_account": "Acct 000123456789"})
    [(number, balance, _)] = accounts_where(settings, ORDINARY)
    open_drawer_for(settings)
    async with make_app(settings).run_test(size=SIZE, notifications=True) as pilot:
        await signed_in(pilot)
        await start_payment(pilot, settings, number, balance)
        await pilot.press("f6")
        await burst(pilot, *f"{balance // 100}.{balance % 100:02d}", "enter", *"1042", "enter")  # posts
        await settle(pilot)
        [(receipt, *_)] = posted_payments(settings)
        await wait_for_words(pilot, "Endorse the check 1042")
        await pilot.press("enter")  # the check is in the slip station
        await wait_for_words(pilot, "The check 1042 is endorsed.")
    sim.wait_quiet()
    assert sim.count("FOR DEPOSIT ONLY") == 1 and sim.count(receipt) >= 1 and sim.count("Acct 000123456789") == 1


async def test_the_cashier_is_warned_when_the_drawer_stays_open_after_a_payment(demo_settings_for, sim):
    settings = demo_settings_for(printer=printer_settings(sim),
                                 cash_drawer={"sensor": "open_when_high", "open_warning_seconds": 1})
    [(number, balance, _)] = accounts_where(settings, ORDINARY)
    open_drawer_for(settings)
    async with make_app(settings).run_test(size=SIZE, notifications=True) as pilot:
        await signed_in(pilot)
        await start_payment(pilot, settings, number, balance)
        await pilot.press("enter")
        await settle(pilot)
        sim.drawer_pin3_high = True  # the drawer kicked open with the receipt, and nobody shuts it
        for _ in range(60):
            await settle(pilot)
            if any("The cash drawer has been open for more than" in message
                   for _, _, message in notifications(pilot)):
                break
            await asyncio.sleep(0.1)
        else:
            raise AssertionError(f"no warning; notifications: {notifications(pilot)}")
        assert "Drawer OPEN" in screen_words(pilot)  # and the status bar says so on every screen
        sim.drawer_pin3_high = False
        await wait_for_words(pilot, "Drawer closed")
        await pilot.press("escape")
        assert "Drawer closed" in await wait_for_words(pilot, "Account lookup")


async def test_a_receipt_half_sent_when_the_counter_stopped_is_offered_for_reprint_not_resent(demo_settings_for, sim):
    settings = demo_settings_for(printer=printer_settings(sim))
    [(number, _, _)] = accounts_where(settings, ORDINARY)
    open_drawer_for(settings)
    receipt = post_cash_payment(settings, number, 2500)
    database = open_database(settings.database_url(), migrate=False)
    with database.unit_of_work() as uow:  # the counter stopped while this job was going to the printer
        uow.execute(text("UPDATE print_job SET status = 'sending', attempts = 1"))
        uow.commit()
    database.dispose()
    async with make_app(settings).run_test(size=SIZE, notifications=True) as pilot:
        await signed_in(pilot)
        assert any(f"Receipt {receipt} was being sent when the counter stopped" in message
                   for _, _, message in notifications(pilot))
        assert query_database(settings, "SELECT status FROM print_job") == [("unknown",)]
        await asyncio.sleep(1.5)  # three printer polls: an unknown job is never sent by itself
        await settle(pilot)
    assert sim.count(receipt) == 0
