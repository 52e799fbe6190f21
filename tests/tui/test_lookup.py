"""Account lookup from the keyboard: number, name, address, scanned stub, and the alerts on the card."""

from __future__ import annotations

from pos.core.money import format_cents
from pos.core.scanline import make_scan_line
from pos.tui.app import make_app
from pos.tui.screens.home import HomeScreen
from pos.tui.screens.lookup import LookupScreen
from pos.tui.widgets.account_card import AccountCard
from pos.tui.widgets.results_table import ResultsTable
from tests.tui.conftest import SIZE, burst, notifications, query_database, screen_text, screen_words, settle, sign_in


async def look_up(pilot, entry: str) -> None:
    await burst(pilot, *entry, "enter")


def card_on_screen(pilot) -> AccountCard | None:
    """The account card if it is what the lookup screen shows now."""
    screen = pilot.app.screen
    if not isinstance(screen, LookupScreen):
        return None
    card = screen.query_one(AccountCard)
    return card if card.display and screen.query_one("#lookup-views").current == "account" else None


def results_on_screen(pilot) -> list[str]:
    table = pilot.app.screen.query_one(ResultsTable)
    return [str(row_key.value) for row_key in table.rows]


def one_account(settings, where: str) -> tuple:
    rows = query_database(settings, "SELECT account_number, name, service_address, balance_cents, past_due_cents, "
                                    "arrangement_installment_cents, arrangement_next_due FROM account "
                                    f"WHERE {where} ORDER BY account_number LIMIT 1")
    assert rows, f"the demo data has no account where {where}"
    return rows[0]


async def test_exact_account_number_typed_on_home_opens_the_card(settings):
    number, name, address, balance, *_ = one_account(settings, "balance_cents > 0")
    async with make_app(settings).run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        await look_up(pilot, number)

        assert card_on_screen(pilot) is not None
        shown = screen_text(pilot)
        assert number in shown and name in shown and address in shown
        assert format_cents(balance) in shown


async def test_account_number_without_leading_zeros_opens_the_card(settings):
    number, name, *_ = one_account(settings, "1 = 1")
    async with make_app(settings).run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        await look_up(pilot, number.lstrip("0"))

        assert card_on_screen(pilot) is not None
        assert name in screen_text(pilot)


async def test_part_of_a_name_lists_ranked_matches_and_enter_opens_the_highlighted_one(settings):
    async with make_app(settings).run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        await look_up(pilot, "garc")

        listed = results_on_screen(pilot)
        assert len(listed) > 1
        names = [row[0] for row in query_database(
            settings, f"SELECT name FROM account WHERE account_number IN ({','.join(repr(n) for n in listed)})")]
        assert all("Garcia" in name for name in names)
        assert "accounts match, best first" in screen_text(pilot)

        await pilot.press("down", "enter")
        await settle(pilot)

        card = card_on_screen(pilot)
        assert card is not None and card.account.account_number == listed[1]


async def test_part_of_an_address_lists_matches_and_enter_opens_the_first(settings):
    async with make_app(settings).run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        await look_up(pilot, "oak")

        listed = results_on_screen(pilot)
        assert len(listed) > 1
        await pilot.press("enter")
        await settle(pilot)

        card = card_on_screen(pilot)
        assert card is not None and card.account.account_number == listed[0]
        assert " Oak " in f" {card.account.service_address} "


async def test_name_and_street_together_narrow_the_list(settings):
    number, name, address, *_ = one_account(settings, "name LIKE '% Garcia'")
    street = address.split()[1]
    async with make_app(settings).run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        await look_up(pilot, f"garcia {street}")

        assert results_on_screen(pilot)[0] == number


async def test_scanned_stub_opens_the_card_with_the_stub_amount(settings):
    number, *_ = one_account(settings, "balance_cents > 0")
    stub = make_scan_line(number, 12345, settings.scan_line)
    async with make_app(settings).run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        await look_up(pilot, stub)

        card = card_on_screen(pilot)
        assert card is not None and card.account.account_number == number
        assert "Bill stub scanned: amount due $123.45" in screen_text(pilot)


async def test_stub_with_a_bad_check_digit_shows_the_scan_line_error(settings):
    number, *_ = one_account(settings, "balance_cents > 0")
    bad = with_wrong_check_digit(make_scan_line(number, 12345, settings.scan_line))
    async with make_app(settings).run_test(size=SIZE, notifications=True) as pilot:
        await sign_in(pilot)
        await look_up(pilot, bad)

        assert card_on_screen(pilot) is None
        assert ("error", "Scan line", "scan line: the check digit is wrong (mod 10); rescan the stub or key the "
                                      "account") in notifications(pilot)
        assert "the check digit is wrong" in screen_words(pilot)


async def test_scanning_the_next_stub_while_a_card_is_shown_opens_the_next_account(settings):
    [(first,), (second,)] = query_database(settings, "SELECT account_number FROM account ORDER BY id LIMIT 2")
    async with make_app(settings).run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        await look_up(pilot, make_scan_line(first, 1000, settings.scan_line))
        assert pilot.app.focused is card_on_screen(pilot)

        await look_up(pilot, make_scan_line(second, 2000, settings.scan_line))

        card = card_on_screen(pilot)
        assert card is not None and card.account.account_number == second
        assert "amount due $20.00" in screen_text(pilot)


async def test_typing_while_the_results_have_the_focus_starts_a_new_entry(settings):
    number, name, *_ = one_account(settings, "1 = 1")
    async with make_app(settings).run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        await look_up(pilot, "garcia")
        assert isinstance(pilot.app.focused, ResultsTable)

        await look_up(pilot, number)

        card = card_on_screen(pilot)
        assert card is not None and card.account.account_number == number


async def test_rescanning_after_a_refused_stub_replaces_the_entry(settings):
    number, *_ = one_account(settings, "balance_cents > 0")
    good = make_scan_line(number, 4200, settings.scan_line)
    async with make_app(settings).run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        await look_up(pilot, with_wrong_check_digit(good))
        await look_up(pilot, good)

        card = card_on_screen(pilot)
        assert card is not None and card.account.account_number == number
        assert pilot.app.screen.query_one("#lookup-box").value == good


async def test_a_failed_lookup_takes_the_last_customers_card_off_the_screen(settings):
    number, name, *_ = one_account(settings, "balance_cents > 0")
    async with make_app(settings).run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        await look_up(pilot, number)
        await look_up(pilot, with_wrong_check_digit(make_scan_line(number, 500, settings.scan_line)))

        assert card_on_screen(pilot) is None
        assert name not in screen_text(pilot)


async def test_a_number_not_on_file_says_so(settings):
    async with make_app(settings).run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        await look_up(pilot, "9999999999")

        assert card_on_screen(pilot) is None
        assert "No account matches “9999999999”" in screen_text(pilot)


async def test_shut_off_pending_account_shows_the_alert_on_the_card(settings):
    number, *_ = one_account(settings, "status = 'shutoff_pending'")
    async with make_app(settings).run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        await look_up(pilot, number)

        assert "SHUT-OFF PENDING" in screen_text(pilot)
        assert card_alert_kinds(pilot)["SHUT-OFF PENDING"] == "-danger"


async def test_cash_only_account_shows_the_alert_on_the_card(settings):
    number, *_ = one_account(settings, "cash_only")
    async with make_app(settings).run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        await look_up(pilot, number)

        assert "CASH ONLY" in screen_text(pilot)
        assert card_alert_kinds(pilot)["CASH ONLY"] == "-danger"


async def test_payment_arrangement_shows_the_installment_and_its_due_date(settings):
    number, _, _, _, past_due, installment, next_due = one_account(
        settings, "arrangement_installment_cents IS NOT NULL")
    async with make_app(settings).run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        await look_up(pilot, number)

        shown = screen_text(pilot)
        assert f"PAYMENT ARRANGEMENT: {format_cents(installment)} due {next_due}" in shown
        assert f"PAST DUE: {format_cents(past_due)}" in shown


async def test_account_without_flags_says_there_are_no_alerts(settings):
    number, *_ = one_account(settings, "status = 'active' AND NOT cash_only AND past_due_cents = 0 "
                                       "AND arrangement_installment_cents IS NULL")
    async with make_app(settings).run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        await look_up(pilot, number)

        assert "No alerts on this account" in screen_text(pilot)


async def test_escape_steps_back_from_card_to_results_to_box_to_home(settings):
    async with make_app(settings).run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        await look_up(pilot, "garcia")
        await pilot.press("enter")
        await settle(pilot)
        assert card_on_screen(pilot) is not None

        await pilot.press("escape")
        assert card_on_screen(pilot) is None
        assert isinstance(pilot.app.focused, ResultsTable)
        await pilot.press("escape")
        assert pilot.app.focused.id == "lookup-box"
        await pilot.press("escape")
        assert isinstance(pilot.app.screen, HomeScreen)


async def test_an_interrupted_lookup_is_resumed_where_it_was_left(settings):
    number, name, *_ = one_account(settings, "1 = 1")
    async with make_app(settings).run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        await look_up(pilot, number)
        await pilot.press("escape", "escape")  # card → box → home: the phone rang
        assert isinstance(pilot.app.screen, HomeScreen)

        await pilot.press("f2")
        await pilot.pause()

        assert card_on_screen(pilot) is not None
        assert name in screen_text(pilot)


async def test_new_lookup_key_clears_the_box_and_the_card_for_the_next_customer(settings):
    number, *_ = one_account(settings, "1 = 1")
    async with make_app(settings).run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        await look_up(pilot, number)
        await pilot.press("f2")

        box = pilot.app.screen.query_one("#lookup-box")
        assert box.value == "" and pilot.app.focused is box
        assert card_on_screen(pilot) is None


def with_wrong_check_digit(scan_line: str) -> str:
    return scan_line[:-1] + str((int(scan_line[-1]) + 1) % 10)


def card_alert_kinds(pilot) -> dict[str, str]:
    """Each alert line's leading words → its severity class."""
    kinds = {}
    for line in pilot.app.screen.query(".alert"):
        text = str(line.content)
        severity = next(c for c in line.classes if c.startswith("-"))
        kinds[text.split(":")[0]] = severity
    return kinds
