"""The payments list's search: a receipt number (scanned from its barcode or typed), an account or an amount."""

from __future__ import annotations

from textual.binding import Binding
from textual.widgets import Input

PROMPT = "Scan a receipt, or type a receipt number, an account number or an amount, then Enter (empty: all)"


class SearchBox(Input):
    """Enter posts ``Input.Submitted`` with what was typed or scanned."""

    BINDINGS = [Binding("enter", "submit", "Search", show=True)]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(placeholder=PROMPT, max_length=40, id=id)
