"""Taking payments at the counter from the keyboard: stub to posted in two keys, splits, warnings, interruptions."""

from __future__ import annotations

import socket
import threading

from pos.core.money import format_cents
from pos.core.scanline import make_scan_line
from pos.tui.app import make_app
from pos.tui.dialogs.confirm import ConfirmDialog
from pos.tui.screens.home import HomeScreen
from pos.tui.screens.lookup import LookupScreen
from pos.tui.screens.payment import PaymentScreen
from pos.tui.widgets.line_row import LineRow
from pos.tui.widgets.tender_row import TenderRow
from tests.tui.conftest import (
    ORDINARY,
    SIZE,
    KeyCounter,
    accounts_where,
    audit_entries,
    burst,
    count_rows,
    notifications,
    open_drawer_for,
    query_database,
    screen_text,
    screen_words,
    settle,
    sign_in,
    signed_in,
)


def scan(settings, account_number: str, amount_cents: int) -> list[str]:
    """The keys a stub scanner sends: the scan line, then Enter."""
    return [*make_scan_line(account_number, amount_cents, settings.scan_line), "enter"]


async def start_payment(pilot, settings, account_number: str, amount_cents: int) -> None:
    """f4 on home opens the payment screen; a stub scanned into its add box is its first line."""
    await pilot.press("f4")
    await burst(pilot, *scan(settings, account_number, amount_cents))


def plain(cents: int) -> str:
    """Cents as a cashier types them: 1234 → "12.34"."""
    return f"{cents // 100}.{cents % 100:02d}"


def payment_screen(pilot) -> PaymentScreen:
    screen = pilot.app.screen
    assert isinstance(screen, PaymentScreen), f"the payment screen is not shown: {screen}"
    return screen


def posted_payments(settings) -> list[tuple]:
    return query_database(settings, "SELECT receipt_number, total_cents, change_cents, turnoff_pulled, note "
                                    "FROM payment_txn WHERE kind = 'payment' ORDER BY receipt_number")


def tenders_posted(settings) -> list[tuple]:
    return query_database(settings, "SELECT type, amount_cents, tendered_cents, change_cents, reference, card_type, "
                                    "card_last4 FROM payment_tender ORDER BY position")


async def test_scanned_stub_to_posted_exact_cash_payment_takes_two_keys(settings):
    """Scan (not counted) → f4: the stub's amount on a line and exact cash filled in → Enter posts. 2 keys."""
    open_drawer_for(settings)
    [(number, balance, _)] = accounts_where(settings, ORDINARY)
    async with make_app(settings).run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        await burst(pilot, *scan(settings, number, balance))
        keys = KeyCounter(pilot)

        await keys.press("f4")
        await keys.press("enter")

        assert keys.count == 2
        [(receipt, total, change, _, _)] = posted_payments(settings)
        assert (total, change) == (balance, 0)
        assert tenders_posted(settings) == [("cash", balance, balance, 0, None, None, None)]
        words = screen_words(pilot)
        assert f"PAID Receipt {receipt}" in words and "NO CHANGE" in words
        assert "Drawer opened." in words and f"Receipt {receipt} printed." in words


async def test_cash_and_check_split_on_two_accounts_takes_nine_keys_plus_the_check_number(settings):
    """Scan stub A (not counted) → f4 → scan stub B on the payment screen (not counted: it adds line 2)
    → f6 (a check) → 5 0 (check $50.00) → Enter → check number 1042 (not counted) → Enter
    → 3 0 (cash handed over, $30.00) → Enter posts. 9 keys plus the check number's 4 digits.

    From f6 on the keys are typed in one go, as a practised cashier does: each Enter moves on at once,
    and nothing typed ahead of it lands in the wrong field."""
    open_drawer_for(settings)
    (first, _, _), (second, _, _) = accounts_where(settings, ORDINARY, 2)
    async with make_app(settings).run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        await burst(pilot, *scan(settings, first, 3500))
        keys = KeyCounter(pilot)

        await keys.press("f4")
        await burst(pilot, *scan(settings, second, 4025))
        await keys.press("f6")
        await keys.type_ahead("5", "0", "enter", *"1042", "enter", "3", "0", "enter", not_counted=4)

        assert keys.count == 9
        [(_, total, change, _, _)] = posted_payments(settings)
        assert (total, change) == (7525, 475)
        lines = query_database(settings, "SELECT account_number, amount_cents FROM payment_line ORDER BY position")
        assert lines == [(first, 3500), (second, 4025)]
        assert tenders_posted(settings) == [("check", 5000, None, 0, "1042", None, None),
                                            ("cash", 2525, 3000, 475, None, None, None)]
        assert "CHANGE $4.75" in screen_text(pilot)


async def test_turnoff_banner_shows_as_the_past_due_amount_is_typed_and_again_after_posting(settings):
    [(number, balance, past_due)] = accounts_where(
        settings, "status = 'shutoff_pending' AND NOT cash_only AND arrangement_installment_cents IS NULL "
                  "AND past_due_cents > 100 AND past_due_cents < balance_cents")
    open_drawer_for(settings)
    async with make_app(settings).run_test(size=SIZE) as pilot:
        await signed_in(pilot)
        await burst(pilot, *number, "enter")
        await pilot.press("f4", "shift+tab")  # from the cash tendered back to the line's amount
        await settle(pilot)
        await burst(pilot, *plain(past_due - 1))
        assert "TURN-OFF ORDER MUST BE PULLED" not in screen_words(pilot)

        await pilot.press("ctrl+u")
        await burst(pilot, *plain(past_due))

        assert f"TURN-OFF ORDER MUST BE PULLED: {number} pays its past-due amount" in screen_words(pilot)
        assert count_rows(settings, "payment_txn") == 0
        await pilot.press("enter", "enter")  # on to the cash tendered (exact), then post
        await settle(pilot)

        words = screen_words(pilot)
        assert f"TURN-OFF ORDER MUST BE PULLED: {number}" in words
        assert f"TURN-OFF ORDER PULLED: {number}" in words  # the receipt preview says so too
    [(_, total, _, turnoff_pulled, _)] = posted_payments(settings)
    assert total == past_due and turnoff_pulled


async def test_overpayment_waits_for_a_key_and_esc_posts_nothing(settings):
    [(number, balance, _)] = accounts_where(settings, ORDINARY)
    open_drawer_for(settings)
    async with make_app(settings).run_test(size=SIZE) as pilot:
        await signed_in(pilot)
        await start_payment(pilot, settings, number, balance + 1000)
        await pilot.press("enter")
        await settle(pilot)

        assert isinstance(pilot.app.screen, ConfirmDialog)
        assert f"{format_cents(1000)} becomes a credit" in screen_words(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert count_rows(settings, "payment_txn") == 0

        await pilot.press("f12", "enter")  # post again; confirm
        await settle(pilot)

    [(_, total, _, _, _)] = posted_payments(settings)
    assert total == balance + 1000
    assert query_database(settings, f"SELECT balance_cents FROM account WHERE account_number = '{number}'") == [
        (-1000,)]
    [entry] = audit_entries(settings, "payment_posted")
    assert entry.details["acknowledged"] == ["overpayment"]


async def test_final_account_and_a_payment_below_the_installment_are_confirmed_together(settings):
    [(final, _, _)] = accounts_where(settings, "status = 'final' AND NOT cash_only AND balance_cents > 2000 "
                                               "AND arrangement_installment_cents IS NULL")
    [(arranged, _, _)] = accounts_where(settings, "status = 'active' AND NOT cash_only "
                                                  "AND arrangement_installment_cents > 1000")
    open_drawer_for(settings)
    async with make_app(settings).run_test(size=SIZE) as pilot:
        await signed_in(pilot)
        await start_payment(pilot, settings, final, 1000)
        await burst(pilot, *scan(settings, arranged, 500))
        await pilot.press("enter")
        await settle(pilot)

        words = screen_words(pilot)
        assert isinstance(pilot.app.screen, ConfirmDialog)
        assert f"Account {final} is final bill" in words and "below the arrangement installment" in words
        await pilot.press("enter")
        await settle(pilot)

    [entry] = audit_entries(settings, "payment_posted")
    assert entry.details["acknowledged"] == ["below_installment", "inactive_account"]


async def test_a_check_is_refused_for_a_cash_only_account(settings):
    [(number, balance, _)] = accounts_where(settings, "cash_only AND balance_cents > 0")
    open_drawer_for(settings)
    async with make_app(settings).run_test(size=SIZE, notifications=True) as pilot:
        await signed_in(pilot)
        await burst(pilot, *number, "enter")
        await pilot.press("f4", "f6")
        await settle(pilot)

        assert [row.tender_type for row in payment_screen(pilot).tender_rows()] == ["cash"]
        assert ("error", "Tender", f"Account {number} is cash only: a check cannot be taken") in notifications(pilot)
        assert "CASH ONLY" in screen_text(pilot)


async def test_card_tender_keeps_only_type_last_four_and_authorisation_code(settings):
    [(number, balance, _)] = accounts_where(settings, ORDINARY)
    open_drawer_for(settings)
    async with make_app(settings).run_test(size=SIZE) as pilot:
        await signed_in(pilot)
        await start_payment(pilot, settings, number, balance)
        await pilot.press("f7")  # the card pays the whole total; the cash tender falls away
        await burst(pilot, "enter", "v", "enter", *"4242", "enter", *"a1b2c3", "enter")  # typed in one go
        await settle(pilot)

    assert tenders_posted(settings) == [("card", balance, None, 0, "A1B2C3", "VISA", "4242")]


async def test_fee_codes_found_by_code_or_description_take_their_fixed_amount_or_ask_for_it(settings):
    open_drawer_for(settings)
    async with make_app(settings).run_test(size=SIZE) as pilot:
        await signed_in(pilot)
        await pilot.press("f4")
        await burst(pilot, *"backflow device")
        assert "PERMIT-BKF Backflow device permit ($100.00)" in screen_words(pilot)
        await pilot.press("enter")  # the first match is taken, with its fixed $100.00
        await pilot.press("f3")
        await burst(pilot, *"cit-park", "enter")
        screen = payment_screen(pilot)
        assert pilot.app.focused is screen.line_rows()[1].amount  # no fixed amount: it is asked for
        await burst(pilot, *"35")
        assert screen.tender_rows()[0].amount.value == "135.00"
        await pilot.press("enter", "enter")
        await settle(pilot)

    assert query_database(settings, "SELECT fee_code, account_number, amount_cents FROM payment_line "
                                    "ORDER BY position") == [("PERMIT-BKF", None, 10000), ("CIT-PARK", None, 3500)]


async def test_an_interrupted_payment_is_kept_and_the_next_account_joins_it(settings):
    (first, _, _), (second, _, _) = accounts_where(settings, ORDINARY, 2)
    open_drawer_for(settings)
    async with make_app(settings).run_test(size=SIZE) as pilot:
        await signed_in(pilot)
        await burst(pilot, *scan(settings, first, 2000))
        await pilot.press("f4")
        await burst(pilot, *"50")  # cash handed over, typed over the exact amount
        await pilot.press("escape")  # the phone rang
        await settle(pilot)
        assert isinstance(pilot.app.screen, HomeScreen)

        await burst(pilot, *second, "enter")  # another account looked up from home
        await pilot.press("f4")
        await settle(pilot)

        screen = payment_screen(pilot)
        assert [row.account.account_number for row in screen.line_rows()] == [first, second]
        [cash] = screen.tender_rows()
        assert cash.amount.value == "50"
        assert count_rows(settings, "payment_txn") == 0


async def test_a_repeated_enter_posts_the_payment_once(settings):
    [(number, balance, _)] = accounts_where(settings, ORDINARY)
    open_drawer_for(settings)
    async with make_app(settings).run_test(size=SIZE) as pilot:
        await signed_in(pilot)
        await start_payment(pilot, settings, number, balance)
        await burst(pilot, "enter", "enter", "enter")

    assert count_rows(settings, "payment_txn") == 1


async def test_a_retry_after_a_lost_answer_reports_the_payment_posted_and_posts_nothing_twice(settings, monkeypatch):
    import pos.core.payments as payments
    from pos.core.errors import DatabaseError

    real_post = payments.post_payment
    keys_tried = []

    def post_then_lose_the_answer(uow, command, settings_):
        keys_tried.append(command.idempotency_key)
        posted = real_post(uow, command, settings_)
        if len(keys_tried) == 1:
            raise DatabaseError("The connection to the database was lost")
        return posted

    monkeypatch.setattr(payments, "post_payment", post_then_lose_the_answer)
    [(number, balance, _)] = accounts_where(settings, ORDINARY)
    open_drawer_for(settings)
    async with make_app(settings).run_test(size=SIZE, notifications=True) as pilot:
        await signed_in(pilot)
        await start_payment(pilot, settings, number, balance // 2)  # half: the retry is no overpayment either
        await pilot.press("enter")
        await settle(pilot)
        assert ("error", "Database error", "The connection to the database was lost") in notifications(pilot)
        assert "Not posted" in screen_words(pilot)

        await pilot.press("enter")
        await settle(pilot)

        assert "this payment was already posted: nothing was posted twice" in screen_words(pilot)
    assert len(keys_tried) == 2 and keys_tried[0] == keys_tried[1]
    assert count_rows(settings, "payment_txn") == 1


async def test_the_next_payment_gets_a_new_key_and_enter_goes_to_an_empty_lookup(settings):
    (first, balance_1, _), (second, balance_2, _) = accounts_where(settings, ORDINARY, 2)
    open_drawer_for(settings)
    async with make_app(settings).run_test(size=SIZE) as pilot:
        await signed_in(pilot)
        for number, balance in ((first, balance_1), (second, balance_2)):
            await burst(pilot, *scan(settings, number, balance))
            await pilot.press("f4", "enter")
            await settle(pilot)
            await pilot.press("enter")  # next customer
            await settle(pilot)

            assert isinstance(pilot.app.screen, LookupScreen)
            assert pilot.app.focused.id == "lookup-box" and pilot.app.focused.value == ""
    keys = query_database(settings, "SELECT idempotency_key FROM payment_txn")
    assert len(set(keys)) == 2


class FlakyPrinter:
    """A receipt printer's TCP port that is off at first, then comes on (a real socket behind NetworkPrinter)."""

    def __init__(self) -> None:
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        self.port = probe.getsockname()[1]
        probe.close()  # nothing listens yet: connecting is refused
        self.received = bytearray()

    def switch_on(self) -> None:
        server = socket.create_server(("127.0.0.1", self.port))
        self._thread = threading.Thread(target=self._serve, args=(server,), daemon=True)
        self._thread.start()

    def _serve(self, server: socket.socket) -> None:
        with server:
            server.settimeout(5)
            connection, _ = server.accept()
            with connection:
                while chunk := connection.recv(65536):
                    self.received += chunk


async def test_a_printer_failure_leaves_the_receipt_waiting_and_f5_prints_it(demo_settings_for):
    printer = FlakyPrinter()
    settings = demo_settings_for(printer={"backend": "network", "host": "127.0.0.1", "port": printer.port,
                                          "timeout_seconds": 1.0})
    [(number, balance, _)] = accounts_where(settings, ORDINARY)
    open_drawer_for(settings)
    async with make_app(settings).run_test(size=SIZE) as pilot:
        await signed_in(pilot)
        await start_payment(pilot, settings, number, balance)
        await pilot.press("enter")
        await settle(pilot)

        [(receipt, *_)] = posted_payments(settings)
        words = screen_words(pilot)
        assert f"PAID Receipt {receipt}" in words  # the payment stands
        assert f"Receipt waiting: Printer 127.0.0.1:{printer.port} is unreachable" in words
        assert "f5" in pilot.app.screen.active_bindings

        printer.switch_on()
        await pilot.press("f5")
        await settle(pilot)
        printer._thread.join(5)

        assert f"Receipt {receipt} printed." in screen_words(pilot)
    assert receipt.encode() in printer.received
    assert query_database(settings, "SELECT status FROM print_job") == [("printed",)]


async def test_posting_without_an_open_drawer_is_refused_and_nothing_is_posted(settings):
    [(number, balance, _)] = accounts_where(settings, ORDINARY)
    async with make_app(settings).run_test(size=SIZE, notifications=True) as pilot:
        await signed_in(pilot)
        await start_payment(pilot, settings, number, balance)
        assert "Your drawer is not open on this terminal" in screen_words(pilot)

        await pilot.press("enter")
        await settle(pilot)

        assert ("error", "Drawer", "Open your drawer on this terminal before taking a payment") in notifications(pilot)
    assert count_rows(settings, "payment_txn") == 0


async def test_removing_a_line_renumbers_the_rest_and_the_cash_follows_the_total(settings):
    (first, _, _), (second, _, _) = accounts_where(settings, ORDINARY, 2)
    open_drawer_for(settings)
    async with make_app(settings).run_test(size=SIZE) as pilot:
        await signed_in(pilot)
        await start_payment(pilot, settings, first, 1000)
        await burst(pilot, *scan(settings, second, 2500))
        screen = payment_screen(pilot)
        assert screen.tender_rows()[0].amount.value == "35.00"

        await pilot.press("shift+tab", "shift+tab", "ctrl+r")  # cash → line 2 → line 1, removed
        await settle(pilot)

        [line] = screen.line_rows()
        assert (line.account.account_number, line.position, line.amount.field_name) == (second, 1, "line 1 amount")
        assert screen.tender_rows()[0].amount.value == "25.00"
        assert isinstance(screen.query_one(LineRow), LineRow) and isinstance(screen.query_one(TenderRow), TenderRow)
