"""Opening the drawer from the keyboard: the float counted by denomination, a reason for a difference, the kick."""

from __future__ import annotations

import socket
from pathlib import Path

from pos.tui.app import make_app
from pos.tui.screens.drawer import OpenDrawerScreen
from pos.tui.screens.home import HomeScreen
from tests.tui.conftest import (
    SIZE,
    audit_entries,
    burst,
    notifications,
    query_database,
    screen_words,
    settle,
    signed_in,
)
from tests.tui.test_keys import assert_all_in_footer


def drawer_sessions(settings) -> list[tuple]:
    return query_database(settings, "SELECT operator_id, status, float_cents, expected_float_cents, "
                                    "float_difference_reason FROM drawer_session")


async def count(pilot, *entries: str) -> None:
    """Type each count and Enter, one denomination after the other ("" keeps the 0 that is there), as fast
    as a cashier who knows the sheet: keys typed ahead of an Enter land in the next field."""
    await burst(pilot, *(key for how_many in entries for key in (*how_many, "enter")))


async def test_home_says_the_drawer_is_not_open_and_f3_counts_the_float_and_opens_it(settings):
    async with make_app(settings).run_test(size=SIZE) as pilot:
        await signed_in(pilot)
        assert "Drawer: NOT OPEN on this terminal. F3 opens it" in screen_words(pilot)

        await pilot.press("f3")
        await settle(pilot)
        assert isinstance(pilot.app.screen, OpenDrawerScreen)
        assert "Float expected: $200.00" in screen_words(pilot)
        await assert_all_in_footer(pilot, "enter", "f12", "escape")
        await count(pilot, "1", "", "3", "2")  # $100, $50, $20 and $10 bills
        assert "Counted $180.00 Expected $200.00 Difference -$20.00" in screen_words(pilot)

        await count(pilot, "4")  # $5 bills: $200.00, and Enter went on to the $2 bills
        assert "Counted $200.00 Expected $200.00 Matches" in screen_words(pilot)
        await pilot.press("f12")
        await settle(pilot)

        assert isinstance(pilot.app.screen, HomeScreen)
        assert "Drawer: open since" in screen_words(pilot) and "float $200.00" in screen_words(pilot)
        assert "f3" not in pilot.app.screen.active_bindings  # open: nothing to open
    assert drawer_sessions(settings) == [("amy", "open", 20000, 20000, None)]
    assert (Path(settings.printer.directory) / "drawer-kicks.escpos").read_bytes().startswith(b"\x1bp")


async def test_a_float_that_differs_is_refused_without_a_reason_and_opened_with_one(settings):
    async with make_app(settings).run_test(size=SIZE, notifications=True) as pilot:
        await signed_in(pilot)
        await pilot.press("f3")
        await settle(pilot)
        await count(pilot, "3")  # three $100 bills
        await pilot.press("f12")
        await settle(pilot)

        reason = ("Invalid input", "reason: the float counted $300.00 differs from the $200.00 expected by $100.00: "
                                   "say why")
        assert ("error", *reason) in notifications(pilot)
        assert drawer_sessions(settings) == []
        assert pilot.app.focused.id == "drawer-reason"

        await burst(pilot, *"extra hundred from the safe")
        await pilot.press("enter")
        await settle(pilot)

    assert drawer_sessions(settings) == [("amy", "open", 30000, 20000, "extra hundred from the safe")]
    [entry] = audit_entries(settings, "float_difference")
    assert entry.details["difference_cents"] == 10000


async def test_a_drawer_that_does_not_kick_open_is_shown_and_stays_open(demo_settings_for):
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()  # no printer listens there
    settings = demo_settings_for(printer={"backend": "network", "host": "127.0.0.1", "port": port,
                                          "timeout_seconds": 0.5})
    async with make_app(settings).run_test(size=SIZE) as pilot:
        await signed_in(pilot)
        await pilot.press("f3")
        await settle(pilot)
        await count(pilot, "2")
        await pilot.press("f12")
        await settle(pilot)

        assert isinstance(pilot.app.screen, HomeScreen)
        words = screen_words(pilot)
        assert f"The drawer did not kick open: Printer 127.0.0.1:{port} is unreachable" in words
        assert "Open it with its key." in words and "Drawer: open since" in words
    assert drawer_sessions(settings) == [("amy", "open", 20000, 20000, None)]
