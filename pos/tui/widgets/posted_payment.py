"""A posted payment, on screen: the change in large digits, the receipt number, turn-offs, the printer, the receipt."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Static

from pos.core.money import format_cents
from pos.tui.widgets.change_display import ChangeDisplay
from pos.tui.widgets.receipt_preview import ReceiptPreview

if TYPE_CHECKING:
    from pos.core.payments import PaymentPosted


class PostedPayment(Vertical):
    """``show`` the payment just posted; ``say_drawer`` what the drawer did; ``say_printing`` what the printer did."""

    def __init__(self, *, currency_symbol: str = "$", id: str | None = None) -> None:
        super().__init__(id=id)
        self.currency_symbol = currency_symbol

    def compose(self) -> ComposeResult:
        yield Static("", id="posted-title", markup=False)
        with Horizontal(id="posted-top"):
            with Vertical(id="posted-facts"):
                yield ChangeDisplay(currency_symbol=self.currency_symbol, id="posted-change")
                yield Static("", id="posted-turnoff", markup=False)
                yield Static("", id="drawer-status", markup=False)
                yield Static("", id="print-status", markup=False)
                yield Static("Enter: next customer", id="posted-help", markup=False)
            yield ReceiptPreview(id="posted-receipt")

    def show(self, posted: PaymentPosted, receipt_text: str) -> None:
        total = format_cents(posted.total_cents, symbol=self.currency_symbol)
        title = f"PAID  Receipt {posted.receipt_number}  Total {total}"
        if posted.replayed:
            title += "  (this payment was already posted: nothing was posted twice)"
        self.query_one("#posted-title", Static).update(title)
        self.query_one("#posted-change", ChangeDisplay).show_change(posted.change_cents)
        turnoff = self.query_one("#posted-turnoff", Static)
        turnoff.display = bool(posted.turnoff_accounts)
        turnoff.update(f"TURN-OFF ORDER MUST BE PULLED: {', '.join(posted.turnoff_accounts)}. "
                       "Tell the field crew now; the receipt says so too.")
        self.say_printing("Printing the receipt…")
        self.query_one("#posted-receipt", ReceiptPreview).show(receipt_text)

    def say_drawer(self, text: str, *, failed: bool = False) -> None:
        """What the cash drawer did for this payment (nothing shown when no cash moved)."""
        status = self.query_one("#drawer-status", Static)
        status.display = bool(text)
        status.update(text)
        status.set_class(failed, "-failed")

    def say_printing(self, text: str, *, waiting: bool = False) -> None:
        status = self.query_one("#print-status", Static)
        status.update(text)
        status.set_class(waiting, "-waiting")

    def clear(self) -> None:
        self.query_one("#posted-receipt", ReceiptPreview).clear()
