"""The receipt on screen: every line whole, as on paper, however long the receipt and whatever the terminal's size."""

from __future__ import annotations

import uuid

import pytest

from pos.tui.app import make_app
from pos.tui.widgets.receipt_preview import ReceiptPreview
from tests.tui.conftest import ORDINARY, accounts_where, burst, open_drawer_for, settle, signed_in


def post_long_payment(settings, accounts: list[str]) -> str:
    """One payment over many accounts: a receipt much taller than the screen."""
    from pos.core.db import open_database
    from pos.core.payments import LineEntry, PostPayment, post_payment
    from pos.core.tenders import TenderEntry

    database = open_database(settings.database_url(), migrate=False)
    try:
        with database.unit_of_work() as uow:
            lines = tuple(LineEntry(1000 + index, number) for index, number in enumerate(accounts))
            total = sum(line.amount_cents for line in lines)
            return post_payment(uow, PostPayment(str(uuid.uuid4()), "amy", lines,
                                                 (TenderEntry("cash", total + 1234),)), settings).receipt_number
    finally:
        database.dispose()


def assert_every_shown_line_whole(pilot, preview: ReceiptPreview, *, taller: bool = True) -> None:
    """Each row of the preview holds one line of the receipt, whole, in order (no wrap, no column lost)."""
    lines = preview.text.splitlines()
    region = preview.scrollable_content_region
    rows = [strip.text for strip in pilot.app.screen._compositor.render_strips()]
    if taller:
        assert len(lines) > region.height, "the receipt must be longer than the preview for this test"
    first = round(preview.scroll_y)
    for offset in range(min(region.height, len(lines) - first)):
        line = lines[first + offset]
        shown = rows[region.y + offset][region.x:region.x + region.width]
        assert shown.rstrip() == line.rstrip(), f"row {offset}: {shown!r} is not {line!r}"
    assert region.width >= max(len(line) for line in lines)
    assert preview.max_scroll_x == 0  # nothing of a line hidden to the right


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
@pytest.mark.parametrize("columns", [42, 48])
async def test_a_long_receipt_shows_every_line_whole_in_the_payments_list(demo_settings_for, size, columns):
    settings = demo_settings_for(printer={"columns": columns})
    open_drawer_for(settings)
    accounts = [number for number, _, _ in accounts_where(settings, ORDINARY, 8)]
    post_long_payment(settings, accounts)
    async with make_app(settings).run_test(size=size) as pilot:
        await signed_in(pilot)
        await pilot.press("f5")
        await settle(pilot)
        preview = pilot.app.screen.query_one(ReceiptPreview)
        assert preview.text
        assert_every_shown_line_whole(pilot, preview)

        preview.focus()
        await pilot.press("pagedown")  # further down the receipt, still whole
        await settle(pilot)
        assert preview.scroll_y > 0
        assert_every_shown_line_whole(pilot, preview)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_posted_payments_receipt_shows_every_line_whole(settings, size):
    from tests.tui.test_payment import scan

    open_drawer_for(settings)
    [(number, balance, _)] = accounts_where(settings, ORDINARY)
    async with make_app(settings).run_test(size=size) as pilot:
        await signed_in(pilot)
        await pilot.press("f4")
        await burst(pilot, *scan(settings, number, balance))
        await pilot.press("enter")
        await settle(pilot)
        preview = pilot.app.screen.query_one("#posted-receipt", ReceiptPreview)
        assert preview.text
        assert_every_shown_line_whole(pilot, preview, taller=size == (80, 24))
