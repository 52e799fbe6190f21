"""The change to hand back, in large digits the cashier reads at a glance (or what is still due)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Digits, Label

from pos.core.money import format_cents


class ChangeDisplay(Vertical):
    """``show_change`` or ``show_due``; the caption says which, in words a test or a reader can find."""

    def __init__(self, *, currency_symbol: str = "$", id: str | None = None) -> None:
        super().__init__(id=id)
        self.currency_symbol = currency_symbol
        self._shown: tuple[str, str, str] | None = None

    def compose(self) -> ComposeResult:
        yield Label("", classes="change-caption", markup=False)
        yield Digits("", classes="change-digits")

    def show_change(self, change_cents: int) -> None:
        self._show("CHANGE" if change_cents else "NO CHANGE", change_cents, "-change")

    def show_due(self, due_cents: int) -> None:
        self._show("STILL DUE", due_cents, "-due")

    def clear(self) -> None:
        self._set("", "", "")

    def _show(self, caption: str, cents: int, kind: str) -> None:
        text = format_cents(cents, symbol=self.currency_symbol)
        # The large font has no thousands separator.
        self._set(f"{caption} {text}", text.replace(",", ""), kind)

    def _set(self, caption: str, digits: str, kind: str) -> None:
        if self._shown == (caption, digits, kind):
            return  # typing goes on; what is shown stays
        self._shown = (caption, digits, kind)
        self.query_one(".change-caption", Label).update(caption)
        self.query_one(Digits).update(digits)
        self.set_classes(kind)
