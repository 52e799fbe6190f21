"""Today's payments on this drawer: newest first, found by a scanned receipt, reprinted and voided."""

from __future__ import annotations

from pathlib import Path

from pos.tui.app import make_app
from pos.tui.dialogs.approval import ApprovalDialog
from pos.tui.screens.payments import PaymentsScreen
from pos.tui.widgets.payments_table import PaymentsTable
from tests.tui.conftest import (
    ORDINARY,
    SIZE,
    accounts_where,
    audit_entries,
    burst,
    let_cashiers_void_alone,
    notifications,
    open_drawer_for,
    post_cash_payment,
    query_database,
    screen_words,
    settle,
    signed_in,
)


def listed(pilot) -> list[str]:
    assert isinstance(pilot.app.screen, PaymentsScreen)
    return [str(key.value) for key in pilot.app.screen.query_one(PaymentsTable).rows]


async def open_the_list(pilot) -> None:
    await signed_in(pilot)
    await pilot.press("f5")
    await settle(pilot)


async def give_a_reason(pilot, reason: str = "keyed to the wrong account") -> None:
    await pilot.press("f8")
    await settle(pilot)
    await burst(pilot, *reason)
    await pilot.press("enter")
    await settle(pilot)


async def test_payments_are_listed_newest_first_and_a_scanned_receipt_finds_one(settings):
    open_drawer_for(settings)
    accounts = accounts_where(settings, ORDINARY, 3)
    receipts = [post_cash_payment(settings, number, 1000 + index) for index, (number, _, _) in enumerate(accounts)]
    async with make_app(settings).run_test(size=SIZE) as pilot:
        await open_the_list(pilot)
        assert listed(pilot) == receipts[::-1]

        await burst(pilot, *receipts[1], "enter")  # the barcode scanner types the number and Enter

        assert listed(pilot) == [receipts[1]]
        words = screen_words(pilot)
        assert "1 payment found" in words
        assert f"Receipt {receipts[1]}" in words and "$10.01" in words  # the receipt itself, on screen


async def test_a_cashier_voids_her_own_payment_once(settings):
    let_cashiers_void_alone(settings, 50_000)
    open_drawer_for(settings)
    [(number, _, _)] = accounts_where(settings, ORDINARY)
    receipt = post_cash_payment(settings, number, 2500)
    async with make_app(settings).run_test(size=SIZE, notifications=True) as pilot:
        await open_the_list(pilot)
        await give_a_reason(pilot)

        [(void_receipt,)] = query_database(settings, "SELECT receipt_number FROM payment_txn WHERE kind = 'void'")
        for _ in range(40):  # the list reloads, then the chosen row's receipt loads: two workers after the void
            words = screen_words(pilot)
            if f"VOIDED {void_receipt}" in words and f"VOIDS {receipt}" in words:
                break
            await pilot.pause(0.05)
        assert f"Receipt {receipt} voided by void receipt {void_receipt}." in words
        assert f"VOIDED {void_receipt}" in words and f"VOIDS {receipt}" in words

        await pilot.press("down")  # the void is the newest row; the payment is under it
        await give_a_reason(pilot, "again")

        assert ("error", "Payment", f"Receipt {receipt} was already voided by receipt {void_receipt}") in \
            notifications(pilot)
    [entry] = audit_entries(settings, "payment_voided")
    assert (entry.operator_id, entry.approver_id) == ("amy", None)
    assert entry.details["voids"] == receipt and entry.details["reason"] == "keyed to the wrong account"


async def test_a_cashiers_void_asks_a_lead_for_approval_by_default(settings):
    open_drawer_for(settings)
    [(number, _, _)] = accounts_where(settings, ORDINARY)
    receipt = post_cash_payment(settings, number, 2500)
    async with make_app(settings).run_test(size=SIZE) as pilot:
        await open_the_list(pilot)
        await give_a_reason(pilot)
        assert isinstance(pilot.app.screen, ApprovalDialog)
        assert "needs a lead's or supervisor's approval" in screen_words(pilot)

        await burst(pilot, *"lena", "enter", *"345678")  # typed in one go, as an approver does
        assert "345678" not in screen_words(pilot)  # the PIN is masked, and not left in the id field
        await pilot.press("enter")
        await settle(pilot)

        assert "approved by lena" in screen_words(pilot)
    [entry] = audit_entries(settings, "payment_voided")
    assert (entry.details["voids"], entry.approver_id) == (receipt, "lena")


async def test_a_void_after_the_batch_is_closed_is_refused_with_the_services_message(settings):
    open_drawer_for(settings)
    [(number, _, _)] = accounts_where(settings, ORDINARY)
    receipt = post_cash_payment(settings, number, 2500)
    close_batches(settings)
    async with make_app(settings).run_test(size=SIZE, notifications=True) as pilot:
        await open_the_list(pilot)
        await give_a_reason(pilot)

        message = (f"The batch of receipt {receipt} is closed: a void is no longer possible; tell a supervisor, "
                   "who corrects it with the central billing office")
        assert ("error", "Payment", message) in notifications(pilot)
        assert str(pilot.app.screen.query_one("#payments-message").content) == f"Not voided: {message}"
    assert query_database(settings, "SELECT count(*) FROM payment_txn WHERE kind = 'void'") == [(0,)]


async def test_reprint_prints_the_receipt_marked_reprint(settings):
    open_drawer_for(settings)
    [(number, _, _)] = accounts_where(settings, ORDINARY)
    receipt = post_cash_payment(settings, number, 2500)
    async with make_app(settings).run_test(size=SIZE) as pilot:
        await open_the_list(pilot)
        await pilot.press("f5")
        await settle(pilot)

        assert f"Reprint of {receipt} printed." in screen_words(pilot)
    printed = [path.read_text() for path in Path(settings.printer.directory).glob("*reprint*.txt")]
    assert len(printed) == 1 and "REPRINT" in printed[0] and receipt in printed[0]
    [entry] = audit_entries(settings, "receipt_reprinted")
    assert entry.details["receipt"] == receipt


def close_batches(settings) -> None:
    """A supervisor closed the batch (batch closing is not on a screen yet): straight in the database."""
    from sqlalchemy import text

    from pos.core.db import open_database

    database = open_database(settings.database_url(), migrate=False)
    try:
        with database.unit_of_work() as uow:
            uow.session.execute(text("UPDATE batch SET status = 'closed'"))
            uow.commit()
    finally:
        database.dispose()
