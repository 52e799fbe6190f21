"""A paid-out: the amount, a reason code from the configuration, and a note."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from pos.core.errors import InputError
from pos.tui import entry
from pos.tui.screens.base import CounterScreen
from pos.tui.widgets.counter_footer import CounterFooter
from pos.tui.widgets.form_field import FormField
from pos.tui.keys import HELP_BINDING

if TYPE_CHECKING:
    from pos.core.settings import Settings

NOTE_LENGTH = 200


@dataclass(frozen=True)
class PaidOutEntry:
    amount_cents: int
    reason_code: str
    note: str | None


class PaidOutDialog(ModalScreen[PaidOutEntry | None]):
    """Amount, Enter; ↑↓ the reason, Enter; the note, Enter confirms."""

    BINDINGS = [HELP_BINDING, Binding("f12", "confirm", "Confirm", show=True),
                Binding("escape", "back", "Back", show=True)]

    def __init__(self, settings: Settings) -> None:
        super().__init__(classes="dialog-screen")
        self.settings = settings

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Paid-out: cash out of the drawer", classes="dialog-title")
            yield Label("Amount", classes="dialog-label")
            yield FormField(field_name="amount", kind="amount", id="paid-out-amount", max_length=16)
            yield Label("Reason (↑↓, Enter)", classes="dialog-label")
            yield OptionList(*(Option(label, id=code) for code, label in self.settings.drawer.paid_out_reasons.items()),
                             id="paid-out-reason")
            yield Label("Note (who received it, what for)", classes="dialog-label")
            yield FormField(field_name="note", kind="text", id="paid-out-note", max_length=NOTE_LENGTH)
            yield Static("", id="dialog-message", markup=False)
        yield CounterFooter(compact=True)

    def on_mount(self) -> None:
        self.query_one("#paid-out-reason", OptionList).highlighted = 0
        self.query_one("#paid-out-amount", FormField).enter()

    async def advance_from(self, field: FormField) -> None:
        if field.id == "paid-out-amount":
            try:
                entry.amount_cents(field.value, "amount", self.settings)
            except InputError as error:
                self._refuse(error, field)
                return
            self.query_one("#paid-out-reason", OptionList).focus()
        else:
            self.action_confirm()

    @on(OptionList.OptionSelected, "#paid-out-reason")
    def _reason_chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.query_one("#paid-out-note", FormField).enter()

    def action_confirm(self) -> None:
        amount_field = self.query_one("#paid-out-amount", FormField)
        note_field = self.query_one("#paid-out-note", FormField)
        reasons = self.query_one("#paid-out-reason", OptionList)
        try:
            amount = entry.amount_cents(amount_field.value, "amount", self.settings)
        except InputError as error:
            self._refuse(error, amount_field)
            return
        try:
            note = entry.free_text(note_field.value, "note", max_length=NOTE_LENGTH)
        except InputError as error:
            self._refuse(error, note_field)
            return
        if reasons.highlighted is None:
            self._refuse(InputError("reason code", "choose one"), None)
            reasons.focus()
            return
        code = reasons.get_option_at_index(reasons.highlighted).id or ""
        self.dismiss(PaidOutEntry(amount, code, note))

    def _refuse(self, error: InputError, field: FormField | None) -> None:
        if field is not None:
            field.refuse(error)
        self.query_one("#dialog-message", Static).update(error.message)
        self.post_message(CounterScreen.Refused(error))

    def action_back(self) -> None:
        self.dismiss(None)
