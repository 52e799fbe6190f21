"""The drawer day from the keyboard: drops, paid-outs, loans, a blind close, and a whole scripted day."""

from __future__ import annotations

from pathlib import Path

from drawer.reports import closeout_report
from pos.core.db import open_database
from pos.core.scanline import make_scan_line
from pos.tui.app import make_app
from pos.tui.screens.close_drawer import CloseDrawerScreen
from tests.tui.conftest import (ORDINARY, SIZE, accounts_where, audit_entries, burst, let_cashiers_void_alone,
                                notifications, open_drawer_for, post_cash_payment, query_database, screen_words,
                                settle, signed_in)

# The count sheet's order: bills 100 50 20 10 5 2 1, coins 1.00 .50 .25 .10 .05 .01, rolls 10 5 2 .50.
SHEET = ["bill:10000", "bill:5000", "bill:2000", "bill:1000", "bill:500", "bill:200", "bill:100", "coin:100",
         "coin:50", "coin:25", "coin:10", "coin:5", "coin:1", "roll:1000", "roll:500", "roll:200", "roll:50"]
VALUE = {key: int(key.split(":")[1]) for key in SHEET}


def plain(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


async def count_sheet(pilot, counts: dict[str, int]) -> None:
    """One field per denomination, each typed then Enter, as the cashier goes down the sheet."""
    for key in SHEET:
        await burst(pilot, *str(counts.get(key, 0)), "enter", settled=False)
    await settle(pilot)


def report_of(settings):
    [(session_id,)] = query_database(settings, "SELECT id FROM drawer_session ORDER BY opened_at DESC LIMIT 1")
    database = open_database(settings.database_url(), migrate=False)
    try:
        with database.reader() as uow:
            return closeout_report(uow, session_id, settings)
    finally:
        database.dispose()


async def test_drop_paid_out_loan_and_no_sale_from_the_drawer_day_screen(settings):
    open_drawer_for(settings)
    async with make_app(settings).run_test(size=SIZE) as pilot:
        await signed_in(pilot)
        await pilot.press("f6")
        await settle(pilot)
        await pilot.press("f2")  # drop: two $20 bills
        await settle(pilot)
        await count_sheet(pilot, {"bill:2000": 2})
        await settle(pilot)
        assert "Drop recorded on slip T01-S00001: $40.00." in screen_words(pilot)

        await pilot.press("f3")  # paid-out $45.00, above a cashier's $20.00: a lead approves
        await settle(pilot)
        await burst(pilot, *"45.00", "enter")
        await burst(pilot, "down", "enter")
        await burst(pilot, *"stamps", "enter")
        await burst(pilot, *"lena", "enter", *"345678", "enter")
        await settle(pilot)
        assert "Paid-out recorded on slip T01-S00002: $45.00, approved by lena." in screen_words(pilot)

        await pilot.press("f6")  # loan: one roll of quarters
        await settle(pilot)
        await count_sheet(pilot, {"roll:1000": 1})
        await burst(pilot, *"from the safe", "enter")
        await pilot.press("f7")
        await settle(pilot)
        await burst(pilot, *"meter change", "enter")
        await settle(pilot)
        words = screen_words(pilot)
        assert "No-sale recorded on slip T01-S00004." in words
        assert "T01-S00003" in words and "+$10.00" in words
    rows = query_database(settings, "SELECT number, kind, amount_cents, reason_code, approved_by FROM drawer_movement "
                                    "ORDER BY number")
    assert rows == [("T01-S00001", "drop", 4000, None, None), ("T01-S00002", "paid_out", 4500, "petty_cash", "lena"),
                    ("T01-S00003", "loan", 1000, None, None), ("T01-S00004", "no_sale", 0, None, None)]
    slips = sorted(path.name for path in Path(settings.printer.directory).glob("T01-S*.txt"))
    assert len(slips) == 4, slips


async def test_a_whole_scripted_day_through_the_keyboard_gives_every_closeout_figure(demo_settings_for, tmp_path):
    """Float, 30 mixed payments, 2 voids, a drop, a paid-out, a loan, a blind close $2.00 short with a
    recount and a lead's sign-off: every figure of the Z report is what the day adds up to; the Z report
    prints on the (file) receipt printer at the close, and F11 keeps it as a PDF."""
    settings = demo_settings_for(drawer={"reports_dir": str(tmp_path / "reports")})
    let_cashiers_void_alone(settings, 50_000)
    accounts = accounts_where(settings, ORDINARY, 30)
    float_counts = {"bill:2000": 5, "bill:1000": 5, "bill:500": 4, "bill:100": 15, "coin:25": 60}  # $200.00
    async with make_app(settings).run_test(size=SIZE, notifications=True) as pilot:
        await signed_in(pilot)
        await pilot.press("f3")
        await settle(pilot)
        await count_sheet(pilot, float_counts)  # Enter on the last field opens the drawer
        await settle(pilot)

        cash_total = check_total = change_total = 0
        await pilot.press("f2")  # the lookup screen: each customer's stub is scanned there
        await settle(pilot)
        for index, (number, _, _) in enumerate(accounts):
            amount = 1000 + 37 * index
            await burst(pilot, *make_scan_line(number, amount, settings.scan_line), "enter")
            await pilot.press("f4")
            await settle(pilot)
            if index % 5 == 4:  # every fifth pays by check
                await pilot.press("f6")
                await burst(pilot, *plain(amount), "enter", *f"{500 + index}", "enter")
                check_total += amount
            elif index % 3 == 0:  # a twenty more than due: change
                await burst(pilot, *plain(amount + 2000), "enter")
                cash_total += amount
                change_total += 2000
            else:
                await pilot.press("enter")
                cash_total += amount
            await settle(pilot)
            assert "PAID" in screen_words(pilot), f"payment {index} did not post: {screen_words(pilot)}"
            await pilot.press("enter")  # next customer: back to the lookup
            await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        posted = query_database(settings, "SELECT receipt_number, total_cents FROM payment_txn "
                                          "WHERE kind = 'payment' ORDER BY receipt_number")
        assert len(posted) == 30

        # Two voids from the payments list: the newest payment (a check), then the one under it (cash).
        await pilot.press("f5")
        await settle(pilot)
        voided = []
        for attempt in range(2):
            if attempt:
                await pilot.press("down")  # past the void just made, onto the next payment
                await settle(pilot)
            await pilot.press("f8")
            await settle(pilot)
            await burst(pilot, *"keyed twice", "enter")
            await settle(pilot)
            for _ in range(40):
                rows = query_database(settings, "SELECT count(*) FROM payment_txn WHERE kind = 'void'")
                if rows[0][0] > len(voided):
                    break
                await pilot.pause(0.05)
            voided.append(rows[0][0])
            await settle(pilot)
        for _ in range(3):  # receipt → list → search box → home
            if pilot.app.screen.__class__.__name__ == "HomeScreen":
                break
            await pilot.press("escape")
            await settle(pilot)
        void_rows = query_database(settings, "SELECT o.total_cents, (SELECT count(*) FROM payment_tender t "
                                             "WHERE t.txn_id = o.id AND t.type = 'check') FROM payment_txn v "
                                             "JOIN payment_txn o ON o.id = v.reverses_txn_id WHERE v.kind = 'void'")
        assert len(void_rows) == 2
        void_cash = sum(total for total, checks in void_rows if not checks)
        void_checks = sum(total for total, checks in void_rows if checks)

        # The day between payments.
        await pilot.press("f6")
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        await count_sheet(pilot, {"bill:2000": 5})  # $100 to the safe
        await pilot.press("f3")
        await settle(pilot)
        await burst(pilot, *"12.50", "enter")  # within a cashier's $20.00
        await burst(pilot, "enter")
        await burst(pilot, *"refund of a deposit", "enter")
        await settle(pilot)
        await pilot.press("f6")
        await settle(pilot)
        await count_sheet(pilot, {"roll:1000": 2})
        await burst(pilot, *"quarters", "enter")
        await settle(pilot)

        expected_cash = 20000 + cash_total - void_cash - 10000 - 1250 + 2000
        checks_in_drawer = query_database(settings, "SELECT t.reference, t.amount_cents FROM payment_tender t JOIN "
                                                    "payment_txn p ON p.id = t.txn_id WHERE t.type = 'check' AND "
                                                    "p.kind = 'payment' AND p.id NOT IN (SELECT reverses_txn_id FROM "
                                                    "payment_txn WHERE kind = 'void') ORDER BY p.posted_at")

        # Blind close: the cashier counts $2.00 short (a $1 bill fewer... and one more missing).
        await pilot.press("f8")
        await settle(pilot)
        assert isinstance(pilot.app.screen, CloseDrawerScreen)
        assert "Blind count" in screen_words(pilot)
        cash_counted = expected_cash - 200
        counts = {"bill:2000": cash_counted // 2000}
        rest = cash_counted % 2000
        counts["bill:100"] = rest // 100
        counts["coin:1"] = rest % 100
        await count_sheet(pilot, counts)
        for _ in checks_in_drawer:  # the items table: Space ticks each check in the drawer
            await pilot.press("space")
        await pilot.press("enter")  # on to the card settlement total (none today)
        await burst(pilot, "enter")  # on to the ACH total (none either)
        await burst(pilot, "enter")  # saves the count
        await settle(pilot)
        words = screen_words(pilot)
        assert "short by $2.00, beyond the tolerance" in words
        await pilot.press("f5")  # recount: the same
        await settle(pilot)
        await pilot.press("f12")
        await settle(pilot)
        assert "Still short by $2.00 after the recount" in screen_words(pilot)
        await pilot.press("enter")  # the float kept ($200.00 offered): Enter goes on to the note
        await settle(pilot)
        assert pilot.app.focused is not None and pilot.app.focused.id == "close-note"
        assert "note: is required" not in screen_words(pilot)
        await pilot.press("f12")  # closing without the note is refused
        await settle(pilot)
        assert "note: is required" in screen_words(pilot)
        await burst(pilot, *"gave $2 too much change", "enter")  # then the lead signs off
        await settle(pilot)
        await burst(pilot, *"lena", "enter", *"345678", "enter")
        await settle(pilot)
        assert any("Drawer closed (short by $2.00, signed off by lena)" in message
                   for _, _, message in notifications(pilot))
        assert "DRAWER CLOSEOUT (Z)" in screen_words(pilot)  # the Z report, on screen and to the printer
        await pilot.press("f11")
        await settle(pilot)

    report = report_of(settings)
    figures = {t.tender: t for t in report.tenders}
    assert report.opening_float_cents == 20000
    assert report.payments_count == 30 and report.payments_cents == cash_total + check_total
    assert figures["cash"].payments_cents == cash_total + change_total and figures["cash"].change_cents == change_total
    assert figures["cash"].voids_cents == void_cash and figures["check"].voids_cents == void_checks
    assert figures["cash"].expected_cents == expected_cash
    assert query_database(settings, "SELECT cash_cents FROM drawer_session") == [(expected_cash,)]
    assert figures["check"].expected_cents == check_total - void_checks
    assert figures["cash"].over_short_cents == -200 and figures["check"].over_short_cents == 0
    assert [m.kind for m in report.movements] == ["drop", "paid_out", "loan"]
    assert [m.amount_cents for m in report.movements] == [10000, 1250, 2000]
    assert len(report.voids) == 2
    assert (report.counts_made, report.over_short_cents, report.signed_off_by) == (2, -200, "lena")
    assert report.status == "closed" and report.retained_float_cents == 20000
    assert report.deposit_cash_cents == cash_counted - 20000
    assert [i.status for i in report.items] == ["matched"] * len(checks_in_drawer)
    assert [e.kind for e in audit_entries(settings, "drawer_closed")] == ["drawer_closed"]
    [printed] = Path(settings.printer.directory).glob("closeout-T01-*.txt")
    z_text = printed.read_text()
    assert "SHORT" in z_text and "-$2.00" in z_text and "lena" in z_text
    [pdf] = (tmp_path / "reports").glob("closeout-T01-*.pdf")
    assert pdf.read_bytes().startswith(b"%PDF")


async def test_the_cashier_is_asked_for_a_drop_and_cash_waits_past_the_till_limit(demo_settings_for):
    settings = demo_settings_for(drawer={"drop_prompt_cents": 25000, "till_limit_cents": 30000})
    open_drawer_for(settings)
    (first, _, _), (second, _, _), (third, _, _) = accounts_where(settings, ORDINARY, 3)
    post_cash_payment(settings, first, 9000)  # the drawer holds $290.00
    async with make_app(settings).run_test(size=SIZE, notifications=True) as pilot:
        await signed_in(pilot)
        await pilot.press("f2")
        await settle(pilot)
        await burst(pilot, *make_scan_line(second, 2000, settings.scan_line), "enter")
        await pilot.press("f4", "enter")  # $310.00 now: over the prompt
        await settle(pilot)
        assert any("make a drop to the safe" in message for _, _, message in notifications(pilot))
        await pilot.press("enter")  # next customer
        await settle(pilot)
        await burst(pilot, *make_scan_line(third, 1500, settings.scan_line), "enter")
        await pilot.press("f4", "enter")  # over the till limit: refused, nothing posted
        await settle(pilot)
        # A blind close: the refusal names the limit, never what the drawer holds.
        assert any("The drawer holds more cash than the till limit of $300.00: make a drop" in message
                   for _, _, message in notifications(pilot))
        assert not any("$310.00" in message or "$290.00" in message for _, _, message in notifications(pilot))
    assert query_database(settings, "SELECT count(*) FROM payment_txn")[0][0] == 2


async def test_closing_with_a_payment_half_entered_is_refused_and_the_payment_kept(settings):
    open_drawer_for(settings)
    [(number, _, _)] = accounts_where(settings, ORDINARY)
    async with make_app(settings).run_test(size=SIZE, notifications=True) as pilot:
        await signed_in(pilot)
        await pilot.press("f2")
        await settle(pilot)
        await burst(pilot, *make_scan_line(number, 1234, settings.scan_line), "enter")
        await pilot.press("f4")  # the payment screen has the stub's line; not posted
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("f6", "f8")
        await settle(pilot)
        assert any("A payment is half-entered on the payment screen" in message
                   for _, _, message in notifications(pilot))
        assert pilot.app.screen.__class__.__name__ == "DrawerDayScreen"
        await pilot.press("escape", "f4")
        await settle(pilot)
        assert "$12.34" in screen_words(pilot)  # still there
    assert query_database(settings, "SELECT status FROM drawer_session") == [("open",)]
