"""Bad input in every amount and reference field: a message naming the field, nothing posted, no card number kept.

The six tries of the issue, for every field. Free-text fields (a note, a void reason) take letters,
digits and signs as words: there only an empty reason and a card number are wrong (and a note
longer than 500 characters). An authorisation code is letters and digits, so letters alone are one.
"""

from __future__ import annotations

from pathlib import Path

from pos.tui.app import make_app
from pos.tui.dialogs.text_entry import TextEntryDialog
from pos.tui.screens.payment import PaymentScreen
from pos.tui.widgets.form_field import FormField
from tests.tui.conftest import (
    ORDINARY,
    SIZE,
    accounts_where,
    burst,
    count_rows,
    notifications,
    open_drawer_for,
    post_cash_payment,
    query_database,
    screen_words,
    settle,
    signed_in,
)
from tests.tui.test_payment import start_payment

CARD_NUMBER = "4111111111111111"
BAD = {
    "empty": "",
    "letters": "abc",
    "too many decimals": "1.234",
    "negative": "-5",
    "huge": "100000.01",  # settings.money.max_amount_cents is $100,000.00
    "card number": CARD_NUMBER,
}
HUGE_REFERENCE = "1" * 22  # longer than any reference


def tries(field_name: str) -> dict[str, str]:
    values = dict(BAD)
    if field_name in ("check number", "money order number", "last four digits", "authorisation code"):
        values["huge"] = HUGE_REFERENCE
    if field_name in ("check number", "money order number", "authorisation code"):
        del values["letters"]  # "abc" is a reference: letters, digits, dash and slash (MO-5005)
        values["punctuation"] = "12#34"
    return values


def assert_no_card_number_kept(settings) -> None:
    """Not in any table (audit details included), and not in the database files' bytes either."""
    for path in Path(settings.database_url().removeprefix("sqlite:///")).parent.glob("pos.db*"):
        assert CARD_NUMBER.encode() not in path.read_bytes(), path
    tables = [name for (name,) in query_database(settings, "SELECT name FROM sqlite_master WHERE type = 'table'")]
    for table in tables:
        for row in query_database(settings, f"SELECT * FROM {table}"):
            assert CARD_NUMBER not in repr(row), table


async def refused(pilot, field: FormField, value: str, post_key: str = "f12") -> str:
    """Put ``value`` in the field, press the post key, and return the message the app showed.

    (The value is set, not typed: forty-odd tries typed key by key would take most of this file's time.)
    """
    pilot.app.clear_notifications()
    field.value = value
    pilot.app.screen.set_focus(field)
    await burst(pilot, post_key, settled=False)  # refused before any work starts
    assert field.value in (value, "")  # a card number is taken off the screen
    shown = notifications(pilot)
    assert shown, f"{field.field_name} = {value!r} was not refused"
    return shown[-1][2]


async def test_every_amount_and_reference_field_of_a_payment_refuses_bad_input(settings):
    open_drawer_for(settings)
    [(number, _, _)] = accounts_where(settings, ORDINARY)
    async with make_app(settings).run_test(size=SIZE, notifications=True) as pilot:
        await signed_in(pilot)
        await start_payment(pilot, settings, number, 1000)
        await pilot.press("f6", "f7", "f8", "down", "down", "enter")  # a check, a card, a money order
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, PaymentScreen)
        good = {"line 1 amount": "10.00", "check amount": "1.00", "check number": "1042", "card amount": "1.00",
                "card type": "VISA", "last four digits": "4242", "authorisation code": "A1B2", "money order amount":
                "1.00", "money order number": "555", "cash tendered": "20.00"}
        fields = {field.field_name: field for field in screen.query(FormField)}
        assert set(fields) == set(good)
        for name, value in good.items():
            fields[name].value = value

        for name in ("line 1 amount", "cash tendered", "check amount", "check number", "last four digits",
                     "authorisation code", "money order number"):
            for what, value in tries(name).items():
                message = await refused(pilot, fields[name], value)

                assert message.startswith(f"{name}: "), (what, message)
                assert CARD_NUMBER not in message
                if value == CARD_NUMBER:
                    assert fields[name].value == ""  # not left on the screen either
                else:
                    assert fields[name].value == value
                fields[name].value = good[name]

        assert count_rows(settings, "payment_txn") == 0
    assert_no_card_number_kept(settings)


async def test_a_note_is_attached_but_never_a_card_number_nor_a_novel(settings):
    open_drawer_for(settings)
    [(number, _, _)] = accounts_where(settings, ORDINARY)
    async with make_app(settings).run_test(size=SIZE, notifications=True) as pilot:
        await signed_in(pilot)
        await start_payment(pilot, settings, number, 1000)
        await pilot.press("f9")
        await settle(pilot)
        box = pilot.app.screen.query_one("#text-entry")
        for value in (CARD_NUMBER, f"{CARD_NUMBER[:4]} {CARD_NUMBER[4:8]} {CARD_NUMBER[8:12]} {CARD_NUMBER[12:]}",
                      "x" * 501):
            box.value = value
            await burst(pilot, "enter", settled=False)

            assert isinstance(pilot.app.screen, TextEntryDialog)
            assert notifications(pilot)[-1][2].startswith("note: ")
            assert CARD_NUMBER[:8] not in box.value  # a card number is not left on the screen
        assert "looks like a full card number" in screen_words(pilot)

        box.value = ""
        await burst(pilot, *"paid by the tenant")
        await pilot.press("enter")
        await settle(pilot)
        assert "Note: paid by the tenant" in screen_words(pilot)
        await pilot.press("enter")  # post
        await settle(pilot)

    assert query_database(settings, "SELECT note FROM payment_txn") == [("paid by the tenant",)]
    assert_no_card_number_kept(settings)


async def test_every_float_count_refuses_bad_input_and_no_drawer_opens(settings):
    async with make_app(settings).run_test(size=SIZE, notifications=True) as pilot:
        await signed_in(pilot)
        await pilot.press("f3")
        await settle(pilot)
        screen = pilot.app.screen
        fields = [field for field in screen.query(FormField) if field.kind == "count"]
        for field in fields[:1] + fields[-1:]:  # the first bill and the last roll
            for what, value in {**BAD, "huge": "1000001"}.items():
                message = await refused(pilot, field, value)

                assert message.startswith(f"{field.field_name}: "), (what, message)
                field.value = "0"

        assert query_database(settings, "SELECT count(*) FROM drawer_session") == [(0,)]
    assert_no_card_number_kept(settings)


async def test_a_void_reason_is_required_and_never_a_card_number(settings):
    open_drawer_for(settings)
    [(number, _, _)] = accounts_where(settings, ORDINARY)
    post_cash_payment(settings, number, 2500)
    async with make_app(settings).run_test(size=SIZE, notifications=True) as pilot:
        await signed_in(pilot)
        await pilot.press("f5", "f8")
        await settle(pilot)
        for value in ("", "   ", CARD_NUMBER):
            pilot.app.screen.query_one("#text-entry").value = value
            await burst(pilot, "enter")

            assert isinstance(pilot.app.screen, TextEntryDialog)
            assert notifications(pilot)[-1][2].startswith("void reason: ")

    assert query_database(settings, "SELECT count(*) FROM payment_txn WHERE kind = 'void'") == [(0,)]
    assert_no_card_number_kept(settings)


async def test_a_card_number_typed_in_a_lookup_add_or_search_box_is_refused_and_taken_off_the_screen(settings):
    open_drawer_for(settings)
    async with make_app(settings).run_test(size=SIZE, notifications=True) as pilot:
        await signed_in(pilot)
        for key, box, field in ((None, "#lookup-box", "lookup"), ("f4", "#add-line", "add line"),
                                ("escape", None, None), ("f5", "#payments-search", "search")):
            if key:
                await pilot.press(key)
                await settle(pilot)
            if box is None:
                continue
            pilot.app.clear_notifications()
            await burst(pilot, *CARD_NUMBER, "enter")

            assert notifications(pilot)[-1][2].startswith(f"{field}: looks like a full card number"), field
            assert pilot.app.screen.query_one(box).value == ""
            assert CARD_NUMBER not in screen_words(pilot)
    assert_no_card_number_kept(settings)
