"""A cash row typed as 0 beside a check that covers the payment is dropped; alone it is refused by name."""

from __future__ import annotations

from pos.tui.app import make_app
from tests.tui.conftest import (
    ORDINARY,
    SIZE,
    accounts_where,
    burst,
    notifications,
    open_drawer_for,
    query_database,
    screen_words,
    sign_in,
)
from tests.tui.test_payment import scan, tenders_posted


async def test_a_cash_row_of_zero_beside_a_covering_check_is_dropped_and_the_check_posts(settings):
    open_drawer_for(settings)
    [(number, _, _)] = accounts_where(settings, ORDINARY)
    async with make_app(settings).run_test(size=SIZE, notifications=True) as pilot:
        await sign_in(pilot)
        await burst(pilot, *scan(settings, number, 3500))
        await pilot.press("f4")
        await burst(pilot, "0")  # the cash row first: no cash, the customer pays by check
        await pilot.press("f6")
        await burst(pilot, "3", "5", "enter", *"1042", "enter", "enter")  # check, its number, cash 0: post

        assert not [n for n in notifications(pilot) if n[0] == "error"], notifications(pilot)
        assert tenders_posted(settings) == [("check", 3500, None, 0, "1042", None, None)]
        assert "PAID" in screen_words(pilot)


async def test_a_cash_row_of_zero_alone_is_refused_naming_the_field(settings):
    open_drawer_for(settings)
    [(number, _, _)] = accounts_where(settings, ORDINARY)
    async with make_app(settings).run_test(size=SIZE, notifications=True) as pilot:
        await sign_in(pilot)
        await burst(pilot, *scan(settings, number, 3500))
        await pilot.press("f4")
        await burst(pilot, "0", "enter")

        assert query_database(settings, "SELECT count(*) FROM payment_txn") == [(0,)]
        assert any("must be more than zero" in message and "ash" in message
                   for _, _, message in notifications(pilot)), notifications(pilot)
