"""One approval dialog everywhere: a wrong PIN keeps it open with the reason, Esc cancels, the right PIN acts once."""

from __future__ import annotations

from pos.tui.app import make_app
from pos.tui.dialogs.approval import ApprovalDialog
from pos.tui.screens.close_drawer import CloseDrawerScreen
from pos.tui.screens.payments import PaymentsScreen
from tests.tui.conftest import (ORDINARY, SIZE, accounts_where, audit_entries, burst, open_drawer_for,
                                post_cash_payment, query_database, screen_words, settle, signed_in)
from tests.tui.test_drawer_day import count_sheet
from tests.tui.test_payments_list import give_a_reason, open_the_list


def voids(settings) -> int:
    return query_database(settings, "SELECT count(*) FROM payment_txn WHERE kind = 'void'")[0][0]


async def ask_a_void_approval(pilot, settings) -> None:
    await open_the_list(pilot)
    await give_a_reason(pilot)
    assert isinstance(pilot.app.screen, ApprovalDialog)


async def test_a_wrong_pin_keeps_the_void_approval_open_with_the_reason_then_the_right_one_voids(settings):
    open_drawer_for(settings)
    [(number, _, _)] = accounts_where(settings, ORDINARY)
    receipt = post_cash_payment(settings, number, 60000, acknowledged=("overpayment",))
    async with make_app(settings).run_test(size=SIZE) as pilot:
        await ask_a_void_approval(pilot, settings)

        await burst(pilot, *"lena", "enter", *"999999", "enter")

        dialog = pilot.app.screen
        assert isinstance(dialog, ApprovalDialog)  # still open
        message = str(dialog.query_one("#dialog-message").content)
        assert "PIN" in message and "Esc cancels" in message, message
        assert dialog.query_one("#approver-pin").value == ""  # typed again
        assert dialog.focused is dialog.query_one("#approver-pin")
        assert voids(settings) == 0

        await burst(pilot, *"345678", "enter")

        assert isinstance(pilot.app.screen, PaymentsScreen)
        assert voids(settings) == 1
        assert "approved by lena" in screen_words(pilot)
    [entry] = audit_entries(settings, "payment_voided")
    assert (entry.details["voids"], entry.approver_id) == (receipt, "lena")


async def test_esc_cancels_the_void_approval_and_nothing_is_voided(settings):
    open_drawer_for(settings)
    [(number, _, _)] = accounts_where(settings, ORDINARY)
    post_cash_payment(settings, number, 60000, acknowledged=("overpayment",))
    async with make_app(settings).run_test(size=SIZE) as pilot:
        await ask_a_void_approval(pilot, settings)
        await burst(pilot, *"lena", "enter", *"99")

        await pilot.press("escape")
        await settle(pilot)

        assert isinstance(pilot.app.screen, PaymentsScreen)
        assert "Not voided" in screen_words(pilot)
        assert voids(settings) == 0


async def reach_the_close_sign_off(pilot) -> None:
    """A drawer opened with $200.00 counted $5.00 short at the close: the lead must sign off."""
    await signed_in(pilot)
    await pilot.press("f6")
    await settle(pilot)
    await pilot.press("f8")
    await settle(pilot)
    assert isinstance(pilot.app.screen, CloseDrawerScreen)
    await count_sheet(pilot, {"bill:10000": 1, "bill:2000": 3, "bill:1000": 2, "bill:500": 1, "bill:100": 5,
                              "coin:25": 20})
    for _ in range(6):  # Enter on, past the totals, to the save; recount; the note; until the sign-off asks
        if isinstance(pilot.app.screen, ApprovalDialog):
            return
        words = screen_words(pilot)
        if "note" in str(getattr(pilot.app.focused, "id", "")):
            await burst(pilot, *"five dollars missing", "enter")
        elif "recount" in words.lower() and "Still" not in words:
            await pilot.press("f12")
        else:
            await burst(pilot, "enter")
        await settle(pilot)
    assert isinstance(pilot.app.screen, ApprovalDialog), screen_words(pilot)


def closed(settings) -> bool:
    return query_database(settings, "SELECT status FROM drawer_session")[0][0] == "closed"


async def test_a_wrong_pin_keeps_the_close_sign_off_open_with_the_reason(settings):
    open_drawer_for(settings)
    async with make_app(settings).run_test(size=SIZE) as pilot:
        await reach_the_close_sign_off(pilot)

        await burst(pilot, *"lena", "enter", *"111111", "enter")

        dialog = pilot.app.screen
        assert isinstance(dialog, ApprovalDialog)
        message = str(dialog.query_one("#dialog-message").content)
        assert "PIN" in message and "Esc cancels" in message, message
        assert not closed(settings)

        await burst(pilot, *"345678", "enter")
        await settle(pilot)
        assert closed(settings)
        assert "signed off by lena" in screen_words(pilot) or "DRAWER CLOSEOUT" in screen_words(pilot)


async def test_esc_cancels_the_close_sign_off_and_the_drawer_stays_open(settings):
    open_drawer_for(settings)
    async with make_app(settings).run_test(size=SIZE) as pilot:
        await reach_the_close_sign_off(pilot)

        await pilot.press("escape")
        await settle(pilot)

        assert isinstance(pilot.app.screen, CloseDrawerScreen)
        assert "Not closed" in screen_words(pilot)
        assert not closed(settings)
