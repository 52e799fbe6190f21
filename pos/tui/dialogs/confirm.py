"""A question that needs a keypress: Enter goes ahead, Esc goes back."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from pos.tui.widgets.counter_footer import CounterFooter
from pos.tui.keys import HELP_BINDING


class ConfirmDialog(ModalScreen[bool]):
    """Dismissed with True (Enter) or False (Esc); ``lines`` say what the cashier is agreeing to."""

    BINDINGS = [
        HELP_BINDING,
        Binding("enter", "confirm", "Confirm", show=True),
        Binding("escape", "back", "Back", show=True),
    ]

    def __init__(self, title: str, lines: list[str], *, confirm: str = "Confirm", back: str = "Back") -> None:
        super().__init__(classes="dialog-screen")
        self.title_text = title
        self.lines = lines
        self.confirm_label = confirm
        self.back_label = back

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.title_text, classes="dialog-title", markup=False)
            for line in self.lines:
                yield Static(line, classes="dialog-line", markup=False)
            yield Static(f"Enter: {self.confirm_label.lower()}    Esc: {self.back_label.lower()}",
                         classes="dialog-help", markup=False)
        yield CounterFooter(compact=True)

    def action_confirm(self) -> None:
        self.dismiss(True)

    def action_back(self) -> None:
        self.dismiss(False)
