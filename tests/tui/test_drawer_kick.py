"""At the payment screen the drawer opens when the cash is taken, whatever receipts wait, and never later."""

from __future__ import annotations

import asyncio

import pytest

from pos.tui.app import make_app
from tests.tui.conftest import (
    ORDINARY,
    SIZE,
    accounts_where,
    audit_entries,
    notifications,
    open_drawer_for,
    query_database,
    screen_words,
    settle,
    signed_in,
)
from tests.tui.test_devices import printer_settings, sim, wait_for_words  # noqa: F401 - fixture
from tests.tui.test_payment import posted_payments, start_payment

ESC_P = b"\x1bp"


async def test_with_the_paper_out_three_cash_payments_open_the_drawer_three_times_and_the_fix_opens_it_never(
        demo_settings_for, sim):
    settings = demo_settings_for(printer=printer_settings(sim))
    accounts = accounts_where(settings, ORDINARY, 3)
    open_drawer_for(settings)
    sim.paper_out = True
    async with make_app(settings).run_test(size=SIZE) as pilot:
        await signed_in(pilot)
        for index, (number, balance, _) in enumerate(accounts, start=1):
            await start_payment(pilot, settings, number, balance)
            await pilot.press("enter")
            await settle(pilot)
            receipt = posted_payments(settings)[-1][0]
            words = await wait_for_words(pilot, f"PAID Receipt {receipt}")
            assert "Drawer opened." in words
            sim.wait_quiet()
            assert len(sim.realtime_pulses) == index  # at once, while the receipts wait
            await pilot.press("enter")  # next customer
            await settle(pilot)
        assert ESC_P not in sim.buffered
        sim.clear_faults()
        for _ in range(80):  # the poller prints what waited
            await settle(pilot)
            if sim.printed.count(b"PAYMENT RECEIPT") == 3:
                break
            await asyncio.sleep(0.1)
    assert query_database(settings, "SELECT status FROM print_job") == [("printed",)] * 3
    sim.wait_quiet()
    assert len(sim.realtime_pulses) == 3 and ESC_P not in sim.printed  # clearing the fault opened it zero times


@pytest.mark.parametrize("size", [(80, 24), SIZE])
async def test_a_pulse_that_cannot_reach_the_drawer_is_told_at_once_and_ctrl_d_opens_it_for_that_payment(
        demo_settings_for, sim, size):
    settings = demo_settings_for(printer=printer_settings(sim))
    [(number, balance, _)] = accounts_where(settings, ORDINARY)
    open_drawer_for(settings)
    sim.power_off()
    async with make_app(settings).run_test(size=size) as pilot:
        await signed_in(pilot)
        await start_payment(pilot, settings, number, balance)
        await pilot.press("enter")
        await settle(pilot)
        [(receipt, *_)] = posted_payments(settings)
        await wait_for_words(pilot, "The drawer did not open")
        status = pilot.app.screen.query_one("#drawer-status")
        shown = " ".join(str(status.render()).split())
        assert f"Ctrl+D opens it for receipt {receipt}" in shown
        assert status.region.height > 0 and status.region.bottom <= size[1]  # on screen, also at 80x24
        assert any(severity == "error" and receipt in message for severity, _, message in notifications(pilot))

        sim.power_on()
        await pilot.press("ctrl+d")
        await wait_for_words(pilot, "(no-sale slip")
        assert f"Drawer opened for receipt {receipt}" in " ".join(str(status.render()).split())
        sim.wait_quiet()
        assert sim.printed.count(ESC_P) == 1
    [entry] = audit_entries(settings, "no_sale")
    assert receipt in entry.details["reason"] and entry.operator_id == "amy"
    assert query_database(settings, "SELECT kind, amount_cents FROM drawer_movement") == [("no_sale", 0)]


async def test_ctrl_d_does_nothing_when_the_drawer_opened(demo_settings_for, sim):
    settings = demo_settings_for(printer=printer_settings(sim))
    [(number, balance, _)] = accounts_where(settings, ORDINARY)
    open_drawer_for(settings)
    async with make_app(settings).run_test(size=SIZE) as pilot:
        await signed_in(pilot)
        await start_payment(pilot, settings, number, balance)
        await pilot.press("enter")
        await wait_for_words(pilot, "Drawer opened.")
        await pilot.press("ctrl+d")
        await settle(pilot)
    assert query_database(settings, "SELECT count(*) FROM drawer_movement") == [(0,)]
