"""F1: every key of the screen underneath, with what it does, including the keys the footer has no room for."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from pos.tui.keys import keys_of
from pos.tui.widgets.counter_footer import CounterFooter
from pos.tui.keys import HELP_BINDING

if TYPE_CHECKING:
    from textual.screen import Screen

    from pos.tui.keys import KeyHelp


class KeysHelpDialog(ModalScreen[None]):
    """Built from the screen's bindings when it opens; Esc, Enter or F1 closes it."""

    BINDINGS = [
        HELP_BINDING,
        Binding("escape", "close", "Close", show=True),
        Binding("enter", "close", "Close", show=False),
    ]

    def __init__(self, screen: Screen) -> None:
        super().__init__(classes="dialog-screen")
        self.keys: list[KeyHelp] = keys_of(screen)
        self.screen_name = getattr(screen, "KEYS_TITLE", None) or type(screen).__name__.removesuffix("Screen")

    def compose(self) -> ComposeResult:
        width = max((len(key.display) for key in self.keys), default=4) + 2
        with Vertical(classes="dialog keys-dialog"):
            yield Label(f"Keys: {self.screen_name}", classes="dialog-title", markup=False)
            with VerticalScroll(id="keys-list"):
                for key in self.keys:
                    note = "" if key.enabled else "  (once a row or field is chosen)"
                    yield Static(f"{key.display.ljust(width)}{key.description}{note}", classes="keys-line",
                                 markup=False)
            yield Static("Esc closes this panel. Ctrl+P finds any command by name.", classes="dialog-help",
                         markup=False)
        yield CounterFooter(compact=True)

    def on_mount(self) -> None:
        self.query_one("#keys-list").focus()

    def action_close(self) -> None:
        self.dismiss(None)
