"""A drop slip taken while the printer is out of paper waits, and prints once by itself when paper is in."""

from __future__ import annotations

import asyncio

from pos.tui.app import make_app
from tests.tui.conftest import open_drawer_for, query_database, screen_words, settle, signed_in
from tests.tui.test_devices import printer_settings, sim, wait_for_words  # noqa: F401 - fixture
from tests.tui.test_drawer_day import count_sheet


async def test_a_drop_slip_waits_for_the_paper_and_prints_by_itself(demo_settings_for, sim):
    settings = demo_settings_for(printer=printer_settings(sim))
    open_drawer_for(settings)
    sim.paper_out = True
    async with make_app(settings).run_test(size=(80, 24)) as pilot:
        await signed_in(pilot)
        await pilot.press("f6")
        await settle(pilot)
        await pilot.press("f2")  # drop: two $20 bills
        await settle(pilot)
        await count_sheet(pilot, {"bill:2000": 2})
        words = await wait_for_words(pilot, "Drop recorded on slip T01-S00001")
        assert "Slip waiting because the printer is out of paper" in words
        assert query_database(settings, "SELECT kind, status FROM print_job") == [("slip", "held")]
        sim.clear_faults()
        for _ in range(80):  # the printer poller prints it once the printer is ready
            await settle(pilot)
            if query_database(settings, "SELECT status FROM print_job") == [("printed",)]:
                break
            await asyncio.sleep(0.1)
    assert query_database(settings, "SELECT status FROM print_job") == [("printed",)]
    sim.wait_quiet()
    assert sim.count("T01-S00001") == 1


async def test_f5_on_the_drawer_day_prints_a_waiting_slip_now_and_reprints_one_that_may_not_have(
        demo_settings_for, sim):
    settings = demo_settings_for(printer={**printer_settings(sim), "poll_seconds": 300})  # no poller in the way
    open_drawer_for(settings)
    sim.paper_out = True
    async with make_app(settings).run_test(size=(120, 40)) as pilot:
        await signed_in(pilot)
        await pilot.press("f6")
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        await count_sheet(pilot, {"bill:2000": 1})
        await wait_for_words(pilot, "Slip waiting because the printer is out of paper")
        assert "Print now" in screen_words(pilot)
        sim.clear_faults()
        await pilot.press("f5")
        await wait_for_words(pilot, "Slip T01-S00001 printed.")
        assert "Print now" not in screen_words(pilot)

        sim.drop_after = 20  # the next slip's connection drops mid-way
        await pilot.press("f2")
        await settle(pilot)
        await count_sheet(pilot, {"bill:2000": 1})
        await wait_for_words(pilot, "may not have printed")
        sim.drop_after = None
        await pilot.press("f5")
        await wait_for_words(pilot, "Slip T01-S00002 printed.")
    sim.wait_quiet()
    assert sim.count("*** REPRINT ***") == 1
    assert sorted(row[0] for row in query_database(settings, "SELECT status FROM print_job")) == [
        "printed", "printed", "reprinted"]
