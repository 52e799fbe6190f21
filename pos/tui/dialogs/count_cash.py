"""Counting cash into or out of the drawer (a drop, a loan): one field per denomination, Enter moves down."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from pos.core.errors import InputError
from pos.core.money import format_cents
from pos.tui import entry
from pos.tui.screens.base import CounterScreen
from pos.tui.widgets.count_sheet import CountSheet
from pos.tui.widgets.counter_footer import CounterFooter
from pos.tui.widgets.form_field import FormField
from pos.tui.keys import HELP_BINDING

if TYPE_CHECKING:
    from pos.core.settings import Settings

NOTE_LENGTH = 200


class CountCashDialog(ModalScreen["tuple[dict[str, int], str | None] | None"]):
    """Dismissed with (counts by denomination key, note) or None (Esc). Enter on the last field confirms."""

    BINDINGS = [HELP_BINDING, Binding("f12", "confirm", "Confirm", show=True),
                Binding("escape", "back", "Back", show=True)]

    def __init__(self, settings: Settings, *, title: str, help_text: str, with_note: bool = False) -> None:
        super().__init__(classes="dialog-screen")
        self.settings = settings
        self.title_text = title
        self.help_text = help_text
        self.with_note = with_note

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog count-dialog"):
            yield Label(self.title_text, classes="dialog-title", markup=False)
            yield Static(self.help_text, classes="dialog-line", markup=False)
            yield CountSheet(self.settings, id="cash-count")
            yield Static("", id="count-total", markup=False)
            if self.with_note:
                yield Label("Note", classes="dialog-label")
                yield FormField(field_name="note", kind="text", id="count-note", max_length=NOTE_LENGTH)
            yield Static("", id="dialog-message", markup=False)
        yield CounterFooter(compact=True)

    async def on_mount(self) -> None:
        from drawer.sessions import denominations

        sheet = self.query_one(CountSheet)
        await sheet.load(denominations(self.settings))
        sheet.fields()[0].enter()

    @on(CountSheet.TotalChanged)
    def _total(self, event: CountSheet.TotalChanged) -> None:
        total = event.total_cents
        self.query_one("#count-total", Static).update(
            "Total —" if total is None else f"Total {format_cents(total, symbol=self.settings.money.currency_symbol)}")

    async def advance_from(self, field: FormField) -> None:
        if field.id == "count-note":
            self.action_confirm()
            return
        sheet = self.query_one(CountSheet)
        try:
            following = sheet.check(field)
        except InputError as error:
            self._refuse(error, field)
            return
        if following is not None:
            following.enter()
        elif self.with_note:
            self.query_one("#count-note", FormField).enter()
        else:
            self.action_confirm()

    def action_confirm(self) -> None:
        sheet = self.query_one(CountSheet)
        try:
            counts = sheet.counts()
            note = None
            if self.with_note:
                note = entry.free_text(self.query_one("#count-note", FormField).value, "note",
                                       max_length=NOTE_LENGTH)
        except InputError as error:
            self._refuse(error, next((f for f in self.query(FormField).results(FormField)
                                      if f.field_name == error.field), None))
            return
        if not counts:
            self._refuse(InputError("count", "is empty: type how many of each"), sheet.first())
            return
        self.dismiss((counts, note))

    def _refuse(self, error: InputError, field: FormField | None) -> None:
        if field is not None:
            field.refuse(error)
        self.query_one("#dialog-message", Static).update(error.message)
        self.post_message(CounterScreen.Refused(error))

    def action_back(self) -> None:
        self.dismiss(None)
