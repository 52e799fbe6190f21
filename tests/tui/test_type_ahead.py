"""Function keys typed ahead never reach the wrong screen: they act where they were typed, or on nothing."""

from __future__ import annotations

from pos.tui.app import make_app
from pos.tui.dialogs.text_entry import TextEntryDialog
from pos.tui.screens.home import HomeScreen
from pos.tui.screens.payments import PaymentsScreen
from tests.tui.conftest import (ORDINARY, SIZE, accounts_where, burst, let_cashiers_void_alone, open_drawer_for,
                                post_cash_payment, query_database, settle, signed_in)


def voids(settings) -> int:
    return query_database(settings, "SELECT count(*) FROM payment_txn WHERE kind = 'void'")[0][0]


async def test_f8_typed_right_after_f5_on_home_never_starts_a_void_on_the_list(settings):
    open_drawer_for(settings)
    [(number, _, _)] = accounts_where(settings, ORDINARY)
    post_cash_payment(settings, number, 2500)
    async with make_app(settings).run_test(size=SIZE) as pilot:
        await signed_in(pilot)
        await pilot.press("f5")  # the list, its first payment chosen; then back home
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(pilot.app.screen, HomeScreen)

        await burst(pilot, "f5", "f8")  # the list opens; F8 was typed on home, which has no F8

        assert isinstance(pilot.app.screen, PaymentsScreen)
        assert not isinstance(pilot.app.screen, TextEntryDialog)


async def test_f8_typed_right_after_esc_leaves_the_list_acts_on_home_or_nothing(settings):
    open_drawer_for(settings)
    [(number, _, _)] = accounts_where(settings, ORDINARY)
    post_cash_payment(settings, number, 2500)
    async with make_app(settings).run_test(size=SIZE) as pilot:
        await signed_in(pilot)
        await pilot.press("f5")
        await settle(pilot)

        await burst(pilot, "escape", "f6", "f8")  # home, then keys meant for home

        assert not isinstance(pilot.app.screen, TextEntryDialog), pilot.app.screen_stack
        assert not isinstance(pilot.app.screen, PaymentsScreen), pilot.app.screen_stack


async def test_a_function_key_typed_as_a_dialog_closes_does_not_act_on_the_screen_under_it(settings):
    let_cashiers_void_alone(settings, 50_000)  # the void is done as the reason's dialog closes, no approval between
    open_drawer_for(settings)
    accounts = accounts_where(settings, ORDINARY, 2)
    for number, _, _ in accounts:
        post_cash_payment(settings, number, 2500)
    async with make_app(settings).run_test(size=SIZE) as pilot:
        await signed_in(pilot)
        await pilot.press("f5")
        await settle(pilot)
        await pilot.press("f8")
        await settle(pilot)
        assert isinstance(pilot.app.screen, TextEntryDialog)

        await burst(pilot, *"wrong account", "enter", "f8")  # F8 typed in the dialog, as it closes

        assert isinstance(pilot.app.screen, PaymentsScreen)  # no second void asked for
        assert voids(settings) == 1


async def test_a_function_key_typed_as_a_dialog_opens_acts_on_nothing(settings):
    open_drawer_for(settings)
    [(number, _, _)] = accounts_where(settings, ORDINARY)
    post_cash_payment(settings, number, 2500)
    async with make_app(settings).run_test(size=SIZE) as pilot:
        await signed_in(pilot)
        await pilot.press("f5")
        await settle(pilot)

        await burst(pilot, "f8", "f5")  # the void's reason opens; F5 (reprint) waits behind it

        assert isinstance(pilot.app.screen, TextEntryDialog)
        assert query_database(settings, "SELECT count(*) FROM print_job WHERE kind = 'reprint'") == [(0,)]
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(pilot.app.screen, PaymentsScreen)
