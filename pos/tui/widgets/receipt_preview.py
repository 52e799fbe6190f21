"""The receipt as the customer gets it, on screen: scrolls with the arrow keys when it has the focus."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static


class ReceiptPreview(VerticalScroll, can_focus=True):
    """``show`` the text of ``receipt_text``; ``clear`` takes it off."""

    def compose(self) -> ComposeResult:
        yield Static("", classes="receipt-text", markup=False)

    def show(self, text: str) -> None:
        self.query_one(".receipt-text", Static).update(text.rstrip("\n"))
        self.scroll_home(animate=False)

    def clear(self) -> None:
        self.query_one(".receipt-text", Static).update("")
