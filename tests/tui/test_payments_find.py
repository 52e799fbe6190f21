"""F5: each receipt's print state, a fresh list each time it opens, one Esc out, and a supervisor's search of
every terminal's receipts with a reprint."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from pos.tui.app import make_app
from pos.tui.screens.home import HomeScreen
from pos.tui.screens.payments import PaymentsScreen
from pos.tui.widgets.payments_table import PaymentsTable
from tests.tui.conftest import (ORDINARY, SIZE, accounts_where, audit_entries, burst, open_drawer_for,
                                post_cash_payment, screen_words, settle, signed_in)
from tests.tui.test_payments_list import listed


def set_print_status(settings, receipt: str, status: str) -> None:
    from sqlalchemy import text

    from pos.core.db import open_database

    database = open_database(settings.database_url(), migrate=False)
    try:
        with database.unit_of_work() as uow:
            uow.execute(text("UPDATE print_job SET status = :status WHERE txn_id = "
                             "(SELECT id FROM payment_txn WHERE receipt_number = :receipt)"),
                        {"status": status, "receipt": receipt})
            uow.commit()
    finally:
        database.dispose()


def print_column(pilot) -> dict[str, str]:
    table = pilot.app.screen.query_one(PaymentsTable)
    return {str(row.value): str(table.get_cell(row.value, "print")) for row in table.rows}


async def test_each_receipt_shows_whether_it_printed_waits_or_needs_a_reprint(settings):
    open_drawer_for(settings)
    accounts = accounts_where(settings, ORDINARY, 3)
    printed, waiting, unknown = (post_cash_payment(settings, number, 1000) for number, _, _ in accounts)
    set_print_status(settings, printed, "printed")
    set_print_status(settings, waiting, "held")
    set_print_status(settings, unknown, "unknown")
    for size in ((80, 24), SIZE):
        async with make_app(settings).run_test(size=size) as pilot:
            await signed_in(pilot)
            await pilot.press("f5")
            await settle(pilot)

            assert print_column(pilot) == {printed: "printed", waiting: "waiting", unknown: "unknown"}
            words = screen_words(pilot)
            assert "unknown" in words and "waiting" in words and "printed" in words  # on screen, not cut off


async def test_f5_forgets_the_last_search_and_one_esc_leaves(settings):
    open_drawer_for(settings)
    accounts = accounts_where(settings, ORDINARY, 3)
    receipts = [post_cash_payment(settings, number, 1000 + index) for index, (number, _, _) in enumerate(accounts)]
    async with make_app(settings).run_test(size=(80, 24)) as pilot:
        await signed_in(pilot)
        await pilot.press("f5")
        await settle(pilot)
        await burst(pilot, *receipts[0], "enter")
        assert listed(pilot) == [receipts[0]]

        await pilot.press("escape")  # one Esc, with the focus on the list
        await settle(pilot)
        assert isinstance(pilot.app.screen, HomeScreen)

        await pilot.press("f5")
        await settle(pilot)
        assert listed(pilot) == receipts[::-1]  # the whole list again
        assert pilot.app.screen.query_one("#payments-search").value == ""

        pilot.app.screen.query_one("#payments-search").focus()  # Esc from the search box leaves too
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(pilot.app.screen, HomeScreen)


async def test_a_supervisor_finds_another_terminals_receipt_of_another_day_and_reprints_it(demo_settings_for,
                                                                                               monkeypatch):
    from pos.core import clock

    settings = demo_settings_for()
    t02 = demo_settings_for(terminal={"id": "T02"})
    [(number, _, _)] = accounts_where(settings, ORDINARY)
    today = clock.now
    monkeypatch.setattr(clock, "now", lambda: today() - timedelta(days=1))  # taken at T02 yesterday
    open_drawer_for(t02, "amy")
    receipt = post_cash_payment(t02, number, 4321)
    monkeypatch.setattr(clock, "now", today)
    async with make_app(settings).run_test(size=(80, 24)) as pilot:
        await signed_in(pilot, "sam")  # a supervisor, with no drawer open anywhere
        await pilot.press("f5")
        await settle(pilot)
        assert isinstance(pilot.app.screen, PaymentsScreen)
        assert "drawer is not open" not in screen_words(pilot)
        assert listed(pilot) == []  # nothing today

        await burst(pilot, *receipt, "enter")
        assert listed(pilot) == [receipt]
        await burst(pilot, *"43.21", "enter")
        assert listed(pilot) == [receipt]
        await burst(pilot, *number, "enter")
        assert listed(pilot) == [receipt]

        await pilot.press("f5")  # reprint, on this terminal's printer
        await settle(pilot)

    [entry] = audit_entries(settings, "receipt_reprinted")
    assert (entry.details["receipt"], entry.operator_id) == (receipt, "sam")
    printed = [path.read_text() for path in Path(settings.printer.directory).glob("*")]
    assert any("REPRINT" in text and receipt in text for text in printed)

