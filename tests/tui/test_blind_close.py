"""The blind bar: through a whole blind drawer day, nothing printed and no screen the cashier sees before the
count is saved holds what the drawer should hold (the expected cash after any step of the day)."""

from __future__ import annotations

from pathlib import Path

from pos.core.money import format_cents
from pos.core.scanline import make_scan_line
from pos.tui.app import make_app
from tests.tui.conftest import (ORDINARY, SIZE, accounts_where, burst, notifications, open_drawer_for,
                                screen_text, settle, signed_in)
from tests.tui.test_drawer_day import count_sheet, plain

FLOAT = 20000  # open_drawer_for's standard float


async def test_a_blind_drawer_day_never_shows_or_prints_the_expected_cash_before_the_count(demo_settings_for):
    settings = demo_settings_for(drawer={"blind_close": True, "drop_prompt_cents": 30000})
    open_drawer_for(settings)
    (first, _, _), (second, _, _) = accounts_where(settings, ORDINARY, 2)
    expected_after: list[int] = []  # the drawer's expected cash after each step of the day
    seen: list[str] = []  # every screen shown and every notification, in order

    def look(pilot) -> None:  # noqa: ANN001
        seen.append(screen_text(pilot))
        seen.extend(message for _, _, message in notifications(pilot))

    cash = FLOAT
    async with make_app(settings).run_test(size=SIZE, notifications=True) as pilot:
        await signed_in(pilot)
        look(pilot)
        await pilot.press("f2")
        await settle(pilot)
        for number, amount in ((first, 12345), (second, 9876)):
            await burst(pilot, *make_scan_line(number, amount, settings.scan_line), "enter")
            await pilot.press("f4")
            await settle(pilot)
            look(pilot)
            await pilot.press("enter")  # exact cash
            await settle(pilot)
            cash += amount
            expected_after.append(cash)
            look(pilot)  # the receipt preview, and past $300.00 the drop prompt
            await pilot.press("enter")  # next customer
            await settle(pilot)
        assert any("make a drop" in message for _, _, message in notifications(pilot))
        await pilot.press("escape")
        await settle(pilot)

        await pilot.press("f6")  # the drawer day
        await settle(pilot)
        look(pilot)
        await pilot.press("f2")  # drop two twenties
        await settle(pilot)
        await count_sheet(pilot, {"bill:2000": 2})
        await settle(pilot)
        cash -= 4000
        expected_after.append(cash)
        look(pilot)
        await pilot.press("f3")  # paid-out $12.34 for stamps, within a cashier's authority
        await settle(pilot)
        await burst(pilot, *plain(1234), "enter")
        await burst(pilot, "down", "enter")
        await burst(pilot, *"stamps", "enter")
        await settle(pilot)
        cash -= 1234
        expected_after.append(cash)
        look(pilot)
        await pilot.press("f6")  # loan: one ten-dollar bill
        await settle(pilot)
        await count_sheet(pilot, {"bill:1000": 1})
        await burst(pilot, *"from the safe", "enter")
        await settle(pilot)
        cash += 1000
        expected_after.append(cash)
        look(pilot)

        await pilot.press("f8")  # the close: the count sheet, before the count is saved
        await settle(pilot)
        look(pilot)
        await count_sheet(pilot, {"bill:10000": 3, "bill:2000": 3, "bill:1000": 3})
        look(pilot)

    assert expected_after == [32345, 42221, 38221, 36987, 37987]
    figures = [format_cents(cents) for cents in expected_after]
    bare = [figure.lstrip("$") for figure in figures]
    shown = "\n".join(seen)
    for step in ("PAID", "Drop recorded on slip", "Paid-out recorded on slip", "Loan recorded on slip", "Blind count"):
        assert step in shown, f"the day did not reach: {step}"
    for figure in bare:
        assert figure not in shown, f"{figure} shown to the cashier before the count"
    printed = sorted(Path(settings.printer.directory).iterdir())
    assert len([p for p in printed if p.name.startswith("T01-S")]) >= 3 * 2  # three slips, text and ESC/POS
    for path in printed:
        content = path.read_bytes()
        for figure in bare:
            assert figure.encode() not in content, f"{figure} printed on {path.name}"
        assert b"Cash in drawer" not in content
