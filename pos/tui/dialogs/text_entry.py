"""One line of words for the record: a payment's note or a void's reason. Never a card number."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from pos.core.errors import InputError
from pos.tui import entry
from pos.tui.screens.base import CounterScreen
from pos.tui.widgets.counter_footer import CounterFooter
from pos.tui.widgets.dialog_field import DialogField
from pos.tui.keys import HELP_BINDING


class TextEntryDialog(ModalScreen[str | None]):
    """Dismissed with the checked text ("" when a note is taken off) or None (Esc)."""

    BINDINGS = [HELP_BINDING, Binding("escape", "back", "Back", show=True)]

    def __init__(self, *, title: str, field: str, value: str = "", required: bool = False, max_length: int = 500,
                 lines: list[str] | None = None, placeholder: str = "") -> None:
        super().__init__(classes="dialog-screen")
        self.title_text = title
        self.field = field
        self.value = value
        self.required = required
        self.max_length = max_length
        self.lines = lines or []
        self.placeholder = placeholder

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.title_text, classes="dialog-title", markup=False)
            for line in self.lines:
                yield Static(line, classes="dialog-line", markup=False)
            yield Label(self.field.capitalize(), classes="dialog-label", markup=False)
            yield DialogField(self.value, placeholder=self.placeholder, id="text-entry")
            yield Static("", id="dialog-message", markup=False)
        yield CounterFooter(compact=True)

    def on_mount(self) -> None:
        self.query_one("#text-entry", Input).focus()

    @on(Input.Submitted, "#text-entry")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            text = entry.free_text(event.value, self.field, max_length=self.max_length, required=self.required)
        except InputError as error:
            if entry.is_card_number_refusal(error):
                event.input.clear()  # not left on the screen either
            self.query_one("#dialog-message", Static).update(error.message)
            self.post_message(CounterScreen.Refused(error))
            return
        self.dismiss(text or "")

    def action_back(self) -> None:
        self.dismiss(None)

