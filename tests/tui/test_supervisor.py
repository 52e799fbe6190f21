"""The supervisor's drawers from the keyboard: verify, force close, deposit, the Z report printed and kept as PDF."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from pos.core.db import open_database
from pos.tui.app import make_app
from pos.tui.dialogs.deposit import DepositDialog
from pos.tui.dialogs.approval import ApprovalDialog
from pos.tui.screens.force_close import ForceCloseScreen
from pos.tui.screens.report_view import ReportViewScreen
from pos.tui.screens.supervisor import SupervisorScreen
from pos.tui.widgets.drawers_table import DrawersTable
from tests.tui.conftest import (
    ORDINARY,
    SIZE,
    STANDARD_FLOAT,
    accounts_where,
    audit_entries,
    burst,
    notifications,
    query_database,
    screen_words,
    settle,
    signed_in,
)
from tests.tui.test_keys import assert_all_in_footer

# The count sheet's order: bills 100 50 20 10 5 2 1, coins 1.00 .50 .25 .10 .05 .01, rolls 10 5 2 .50.
SHEET = ["bill:10000", "bill:5000", "bill:2000", "bill:1000", "bill:500", "bill:200", "bill:100", "coin:100",
         "coin:50", "coin:25", "coin:10", "coin:5", "coin:1", "roll:1000", "roll:500", "roll:200", "roll:50"]
PINS = {"amy": "1234", "carl": "2345", "lena": "345678", "sam": "456789"}


@pytest.fixture
def site(demo_settings_for, tmp_path: Path):  # noqa: ANN001, ANN201 - settings per terminal, one database
    """Settings of terminal T01 (where the supervisor signs in) and T02, on the same demo database."""
    reports = {"reports_dir": str(tmp_path / "reports")}
    return {"T01": demo_settings_for(drawer=reports), "T02": demo_settings_for(drawer=reports, terminal={"id": "T02"})}


def with_database(settings, act):  # noqa: ANN001, ANN201
    database = open_database(settings.database_url(), migrate=False)
    try:
        with database.unit_of_work() as uow:
            return act(uow)
    finally:
        database.dispose()


def open_drawer(settings, operator_id: str) -> None:
    from drawer.sessions import OpenDrawer, open_drawer

    with_database(settings, lambda uow: open_drawer(uow, OpenDrawer(operator_id, STANDARD_FLOAT), settings))


def take_payment(settings, operator_id: str, account: str, cents: int, *, check: str | None = None) -> None:
    from pos.core.payments import LineEntry, PostPayment, post_payment
    from pos.core.tenders import TenderEntry

    tender = TenderEntry("check", cents, reference=check) if check else TenderEntry("cash", cents)
    with_database(settings, lambda uow: post_payment(uow, PostPayment(str(uuid.uuid4()), operator_id,
                                                                      (LineEntry(cents, account),), (tender,)),
                                                     settings))


def close_drawer(settings, operator_id: str, cash_cents: int) -> None:
    """Count the float plus ``cash_cents`` in $5 bills, then close keeping the standard float."""
    from drawer.day import CloseDrawer, CountDrawer, close_drawer, save_count

    assert cash_cents % 500 == 0
    counts = dict(STANDARD_FLOAT)
    counts["bill:500"] += cash_cents // 500
    with_database(settings, lambda uow: save_count(uow, CountDrawer(operator_id, counts), settings))
    with_database(settings, lambda uow: close_drawer(uow, CloseDrawer(operator_id, 20_000), settings))


def verify(settings, operator_id: str, by: str = "sam") -> None:
    from drawer.day import VerifyDrawer, verify_drawer
    from pos.core.operators import Credentials

    [(session_id,)] = query_database(settings, f"SELECT id FROM drawer_session WHERE operator_id = '{operator_id}'")
    with_database(settings, lambda uow: verify_drawer(uow, VerifyDrawer(Credentials(by, PINS[by]), session_id),
                                                      settings))


def a_closed_drawer(settings, operator_id: str, cents: int) -> None:
    [(account, _, _)] = accounts_where(settings, ORDINARY)
    open_drawer(settings, operator_id)
    take_payment(settings, operator_id, account, cents)
    close_drawer(settings, operator_id, cents)


def drawer_row(settings, operator_id: str) -> tuple:
    [row] = query_database(settings, "SELECT status, forced, closed_by, verified_by, deposit_id, signoff_note "
                                     f"FROM drawer_session WHERE operator_id = '{operator_id}'")
    return row


def listed(pilot) -> dict[str, list[str]]:
    """Cashier's name → the row's cells, as the supervisor reads them."""
    table = pilot.app.screen.query_one(DrawersTable)
    rows = {}
    for key in table.rows:
        cells = [str(cell) for cell in table.get_row(key)]
        rows[cells[1]] = cells
    return rows


async def open_supervisor(pilot, operator_id: str = "sam") -> None:
    """Signed in, then the command palette: the supervisor's screen is reached by its name."""
    await signed_in(pilot, operator_id)
    await pilot.press("ctrl+p")
    await burst(pilot, *"supervisor", settled=False)
    await pilot.pause(0.3)  # the palette searches in the background
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(pilot.app.screen, SupervisorScreen)


async def choose(pilot, operator_name: str) -> None:
    table = pilot.app.screen.query_one(DrawersTable)
    for _ in range(table.row_count):
        if table.selected.operator_name == operator_name:
            return
        await pilot.press("down")
    raise AssertionError(f"{operator_name} is not listed")


async def type_pin(pilot, pin: str) -> None:
    assert isinstance(pilot.app.screen, ApprovalDialog)
    await burst(pilot, *pin, "enter")


async def test_a_supervisor_verifies_a_closed_drawer_from_the_list(site):
    settings = site["T01"]
    a_closed_drawer(site["T02"], "carl", 2500)
    async with make_app(settings).run_test(size=SIZE, notifications=True) as pilot:
        await open_supervisor(pilot)
        await assert_all_in_footer(pilot, "enter", "f2", "f3", "f4", "f5", "f6", "escape")
        assert listed(pilot)["Carl CSR II"][3:4] == ["closed"]
        assert "1 drawer today (and any left open), 0 not closed, 1 to verify" in screen_words(pilot)

        await pilot.press("f3")
        await settle(pilot)
        dialog = pilot.app.screen
        assert isinstance(dialog, ApprovalDialog)
        assert dialog.query_one("#approver-id").value == "sam"  # her own id: only the PIN to type
        assert "Verify Carl CSR II's drawer on T02: balanced." in screen_words(pilot)
        await type_pin(pilot, "456789")

        assert isinstance(pilot.app.screen, SupervisorScreen)
        assert drawer_row(settings, "carl")[3] == "sam"
        assert listed(pilot)["Carl CSR II"][9] == "sam"
        assert "Carl CSR II's drawer on T02 verified by sam." in screen_words(pilot)
        assert len(audit_entries(settings, "drawer_verified")) == 1

        await pilot.press("f6")
        await settle(pilot)
        assert "1 drawer on every day, 0 not closed, 0 to verify. F6 shows today." in screen_words(pilot)


async def test_a_wrong_pin_verifies_nothing_and_says_why(site):
    settings = site["T01"]
    a_closed_drawer(site["T02"], "carl", 2500)
    async with make_app(settings).run_test(size=SIZE, notifications=True) as pilot:
        await open_supervisor(pilot)
        await pilot.press("f3")
        await settle(pilot)
        await type_pin(pilot, "999999")

        assert drawer_row(settings, "carl")[3] is None
        dialog = pilot.app.screen
        assert isinstance(dialog, ApprovalDialog)  # still open, with the reason: the PIN is typed again
        assert "Operator id or PIN is not right" in str(dialog.query_one("#dialog-message").content)
        assert ("error", "Sign-in refused", "Operator id or PIN is not right.") \
            in notifications(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert "Not verified" in screen_words(pilot)


async def test_a_supervisor_force_closes_a_drawer_left_open_with_her_own_count(site):
    settings = site["T01"]
    accounts = accounts_where(settings, ORDINARY, 2)
    open_drawer(site["T02"], "amy")
    take_payment(site["T02"], "amy", accounts[0][0], 2500)
    take_payment(site["T02"], "amy", accounts[1][0], 4210, check="1042")
    async with make_app(settings).run_test(size=SIZE, notifications=True) as pilot:
        await open_supervisor(pilot)
        assert listed(pilot)["Amy Cashier"][3] == "open"
        await pilot.press("f4")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ForceCloseScreen)
        await assert_all_in_footer(pilot, "enter", "f12", "escape")
        assert "Check 1042 $42.10 receipt T02-000002" in screen_words(pilot)  # posted: for reference

        counts = dict(STANDARD_FLOAT, **{"bill:500": STANDARD_FLOAT["bill:500"] + 5})  # the float and $25.00
        for key in SHEET:
            await burst(pilot, *str(counts.get(key, 0)), "enter", settled=False)
        await burst(pilot, "enter", "enter")  # no card, no ACH
        await burst(pilot, "enter", *"1042", "enter", *"42.10", "enter")  # tender: check (typed for you)
        words = screen_words(pilot)
        assert "Counted: 1 item, $42.10" in words and "Added Check 1042 $42.10." in words
        await burst(pilot, "enter", "enter")  # an empty number goes on; the standard float stays
        await burst(pilot, *"cashier went home ill", "enter")
        await type_pin(pilot, "456789")

        assert isinstance(pilot.app.screen, ReportViewScreen)
        words = screen_words(pilot)
        assert "DRAWER CLOSEOUT (Z)" in words and "Amy Cashier" in words
        assert drawer_row(settings, "amy") == ("closed", 1, "sam", None, None, "cashier went home ill")
        [entry] = audit_entries(settings, "drawer_force_closed")
        assert entry.operator_id == "sam"

        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(pilot.app.screen, SupervisorScreen)
        row = listed(pilot)["Amy Cashier"]
        assert (row[3], row[6], row[7]) == ("closed", "$0.00", "FORCED")


async def test_a_force_close_without_a_note_is_refused_and_changes_nothing(site):
    settings = site["T01"]
    open_drawer(site["T02"], "amy")
    async with make_app(settings).run_test(size=SIZE, notifications=True) as pilot:
        await open_supervisor(pilot)
        await pilot.press("f4")
        await settle(pilot)
        await pilot.press("f12")
        await settle(pilot)

        assert isinstance(pilot.app.screen, ForceCloseScreen)
        assert "Not closed: note: is required" in screen_words(pilot)
        assert pilot.app.screen.focused.id == "force-note"
    assert drawer_row(settings, "amy")[0] == "open"


async def test_a_deposit_from_two_verified_drawers_shows_prints_and_keeps_its_slip(site):
    settings = site["T01"]
    [(first, _, _), (second, _, _)] = accounts_where(settings, ORDINARY, 2)
    for terminal, operator_id, account, cents in (("T01", "amy", first, 2500), ("T02", "carl", second, 4000)):
        open_drawer(site[terminal], operator_id)
        take_payment(site[terminal], operator_id, account, cents)
        close_drawer(site[terminal], operator_id, cents)
        verify(site[terminal], operator_id)
    async with make_app(settings).run_test(size=SIZE, notifications=True) as pilot:
        await open_supervisor(pilot)
        await pilot.press("f5")
        await settle(pilot)
        assert isinstance(pilot.app.screen, DepositDialog)
        await assert_all_in_footer(pilot, "space", "enter", "escape")
        words = screen_words(pilot)
        assert "T01 · Amy Cashier" in words and "T02 · Carl CSR II" in words
        await pilot.press("enter")  # both are chosen: on to the bag number
        await burst(pilot, *"B-1001", "enter")
        await type_pin(pilot, "456789")

        assert isinstance(pilot.app.screen, ReportViewScreen)
        words = screen_words(pilot)
        assert "BANK DEPOSIT SLIP" in words and "B-1001" in words
        await pilot.press("end")  # the slip (a block per drawer, drops, reconciliation) is longer than the screen
        await pilot.pause()
        assert "DEPOSIT TOTAL $65.00" in screen_words(pilot)
        [(deposit_id, bag, cash, items, total, by)] = query_database(
            settings, "SELECT id, bag_number, cash_cents, items_cents, total_cents, prepared_by FROM deposit")
        assert (bag, cash, items, total, by) == ("B-1001", 6500, 0, 6500, "sam")
        assert {drawer_row(settings, who)[4] for who in ("amy", "carl")} == {deposit_id}
        await settle(pilot)  # the slip printed and kept as a PDF without a key
        [printed] = list(Path(settings.printer.directory).glob("deposit-B-1001-*.txt"))
        assert "BANK DEPOSIT SLIP" in printed.read_text() and "B-1001" in printed.read_text()
        [pdf] = list(Path(settings.drawer.reports_dir).glob("deposit-B-1001-*.pdf"))
        assert pdf.read_bytes().startswith(b"%PDF")

        await pilot.press("escape")
        await settle(pilot)
        assert {listed(pilot)[name][10] for name in ("Amy Cashier", "Carl CSR II")} == {"B-1001"}


async def test_f9_prints_the_report_and_f11_keeps_it_as_a_pdf(site):
    settings = site["T01"]
    a_closed_drawer(site["T02"], "carl", 2500)
    async with make_app(settings).run_test(size=SIZE, notifications=True) as pilot:
        await open_supervisor(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ReportViewScreen)
        await assert_all_in_footer(pilot, "f9", "f11", "escape")
        assert "DRAWER CLOSEOUT (Z)" in screen_words(pilot)

        await pilot.press("f9")
        await settle(pilot)
        printed = list(Path(settings.printer.directory).glob("closeout-T02-*.txt"))
        assert len(printed) == 1 and "DRAWER CLOSEOUT (Z)" in printed[0].read_text()
        assert "Printed on the receipt printer." in screen_words(pilot)

        await pilot.press("f11")
        await settle(pilot)
        [pdf] = list(Path(settings.drawer.reports_dir).glob("closeout-T02-*.pdf"))
        assert pdf.read_bytes().startswith(b"%PDF")
        assert f"Saved as {pdf}" in " ".join(message for _, _, message in notifications(pilot))


async def test_a_cashier_sees_the_list_but_may_not_verify_force_close_or_deposit(site):
    settings = site["T01"]
    a_closed_drawer(site["T02"], "carl", 2500)
    async with make_app(settings).run_test(size=SIZE, notifications=True) as pilot:
        await open_supervisor(pilot, "amy")
        assert listed(pilot)["Carl CSR II"][3] == "closed"

        await pilot.press("f3")
        await settle(pilot)
        assert isinstance(pilot.app.screen, SupervisorScreen)  # no PIN asked: it would be refused anyway
        refusal = ("Amy Cashier (cashier) may not verify drawers or force-close them: "
                   "a supervisor signs in to do it.")
        assert ("error", "Not allowed", refusal) in notifications(pilot)
        await pilot.press("f5")
        await settle(pilot)
        assert isinstance(pilot.app.screen, SupervisorScreen)
        assert "may not prepare deposits" in screen_words(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert "may not read other cashiers' closeout reports" in screen_words(pilot)
    assert drawer_row(settings, "carl")[3:5] == (None, None)
    assert audit_entries(settings, "drawer_verified") == []


async def test_the_deposit_dialog_and_slip_show_the_drawers_drops_and_the_bag_takes_them(site):
    from drawer.day import MakeDrop, make_drop

    settings = site["T01"]
    [(account, _, _)] = accounts_where(settings, ORDINARY)
    open_drawer(site["T02"], "amy")
    take_payment(site["T02"], "amy", account, 15000)
    with_database(site["T02"], lambda uow: make_drop(uow, MakeDrop("amy", {"bill:2000": 2}), site["T02"]))
    close_drawer(site["T02"], "amy", 11000)
    verify(site["T02"], "amy")
    async with make_app(settings).run_test(size=SIZE, notifications=True) as pilot:
        await open_supervisor(pilot)
        await pilot.press("f5")
        await settle(pilot)
        assert isinstance(pilot.app.screen, DepositDialog)
        assert "T02 · Amy Cashier · $40.00 in drops" in screen_words(pilot)
        await pilot.press("enter")
        await burst(pilot, *"B-2002", "enter")
        await type_pin(pilot, "456789")
        assert isinstance(pilot.app.screen, ReportViewScreen)
        assert "Cash from drops $40.00" in screen_words(pilot)
        await settle(pilot)  # the slip printed as it is shown
        [printed] = list(Path(settings.printer.directory).glob("deposit-B-2002-*.txt"))
        assert "Reconciles with the deposit" in printed.read_text()
    [(cash, total)] = query_database(settings, "SELECT cash_cents, total_cents FROM deposit")
    assert (cash, total) == (15000, 15000)  # every dollar collected reaches the bank
