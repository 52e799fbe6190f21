"""Opening the drawer: count the float by denomination; a float that differs from the one expected needs a reason."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Label, Static

from pos.core.errors import InputError
from pos.core.money import format_cents
from pos.tui import entry
from pos.tui.screens.base import CounterScreen
from pos.tui.widgets.count_sheet import CountSheet
from pos.tui.widgets.counter_footer import CounterFooter
from pos.tui.widgets.form_field import FormField
from pos.tui.widgets.status_bar import StatusBar

if TYPE_CHECKING:
    from drawer.sessions import Denomination, DrawerView
    from pos.core.operators import OperatorView
    from pos.core.settings import Settings

REASON_LENGTH = 200


class OpenDrawerScreen(CounterScreen):
    """One count per denomination; Enter moves down the sheet and opens the drawer from the last field."""

    BINDINGS = [
        Binding("f12", "open_drawer", "Open drawer", show=True),
        Binding("escape", "app.home", "Home", show=True),
    ]

    @dataclass
    class CountSheetReady(Message):
        """What to count, and the float the last close on this terminal left (or the standard float)."""

        denominations: list[Denomination]
        expected_cents: int

    @dataclass
    class DrawerOpened(Message):
        """The float is counted and recorded; the drawer was kicked open (``kick_error`` says why not)."""

        drawer: DrawerView
        difference_cents: int
        kick_error: str | None

    def __init__(self, settings: Settings, operator: OperatorView) -> None:
        super().__init__()
        self.settings = settings
        self.operator = operator
        self.expected_cents: int | None = None
        self._opening = False

    def compose(self) -> ComposeResult:
        terminal = self.settings.terminal
        yield StatusBar(terminal_id=terminal.id, site_name=terminal.site_name, operator_name=self.operator.name,
                        role=self.operator.role, business_day_cutoff=terminal.business_day_cutoff)
        with Vertical(id="drawer-body"):
            yield Label("Open your drawer: count the float", classes="screen-title")
            yield Static("Loading the count sheet…", id="drawer-expected", markup=False)
            yield CountSheet(self.settings, id="count-sheet")
            yield Static("", id="drawer-totals", markup=False)
            yield Label("Reason for a difference (only when the count differs from the float expected)",
                        classes="section-title")
            yield FormField(field_name="reason", kind="text", id="drawer-reason", max_length=REASON_LENGTH,
                            placeholder="why the float differs")
            yield Static("Type how many of each, Enter moves down. F12 opens the drawer.", id="drawer-message",
                         markup=False)
        yield CounterFooter(compact=True)

    def on_mount(self) -> None:
        self._load_count_sheet()

    # The sheet -----------------------------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="count-sheet")
    def _load_count_sheet(self) -> None:
        from drawer.sessions import denominations, expected_float_cents

        with self.app.connected_database().reader() as uow:
            expected = expected_float_cents(uow, self.settings)
        self.post_message(self.CountSheetReady(denominations(self.settings), expected))

    @on(CountSheetReady)
    async def _show_count_sheet(self, event: CountSheetReady) -> None:
        self.expected_cents = event.expected_cents
        sheet = self.sheet
        await sheet.load(event.denominations)
        self.query_one("#drawer-expected", Static).update(
            f"Float expected: {self._money(event.expected_cents)} (what the last close on this terminal left, "
            "or the standard float)")
        self._show_total(sheet.total())
        sheet.fields()[0].enter()

    @property
    def sheet(self) -> CountSheet:
        return self.query_one("#count-sheet", CountSheet)

    def count_fields(self) -> list[FormField]:
        return self.sheet.fields()

    def reset(self) -> None:
        """A clean sheet (the drawer was opened: the next opening is another day)."""
        self.sheet.reset()
        self.query_one("#drawer-reason", FormField).value = ""

    # Counting ------------------------------------------------------------------------------------

    @on(CountSheet.TotalChanged)
    def _total_changed(self, event: CountSheet.TotalChanged) -> None:
        self._show_total(event.total_cents)

    def _show_total(self, total: int | None) -> None:
        totals = self.query_one("#drawer-totals", Static)
        if self.expected_cents is None:
            return
        if total is None:
            totals.update(f"Counted — (a count is not a whole number)    Expected {self._money(self.expected_cents)}")
            return
        difference = total - self.expected_cents
        text = f"Counted {self._money(total)}    Expected {self._money(self.expected_cents)}    "
        text += "Matches" if not difference else f"Difference {self._money(difference)}: say why below"
        totals.update(text)
        totals.set_class(bool(difference), "-differs")

    async def advance_from(self, field: FormField) -> None:
        """Enter in a field (called by the field at once): check it, then the next count, the reason, or open."""
        if field.id == "drawer-reason":
            self.action_open_drawer()
            return
        try:
            following = self.sheet.check(field)
        except InputError as error:
            self._refuse(error, field)
            return
        if following is not None:
            following.enter()
        elif self._difference() not in (0, None):
            self.query_one("#drawer-reason", FormField).enter()
        else:
            self.action_open_drawer()

    def _counts(self) -> dict[str, int]:
        """Count per denomination key; raises ``InputError`` naming the field."""
        return self.sheet.counts()

    def _difference(self) -> int | None:
        total = self.sheet.total()
        if total is None or self.expected_cents is None:
            return None
        return total - self.expected_cents

    # Opening -------------------------------------------------------------------------------------

    def action_open_drawer(self) -> None:
        if self._opening or not self.sheet.denominations:
            return
        try:
            counts = self._counts()
        except InputError as error:
            self._refuse(error, next((f for f in self.count_fields() if f.field_name == error.field), None))
            return
        reason_field = self.query_one("#drawer-reason", FormField)
        try:
            reason = entry.free_text(reason_field.value, "reason", max_length=REASON_LENGTH)
        except InputError as error:
            self._refuse(error, reason_field)
            return
        self._opening = True
        self._say("Opening the drawer…")
        self._open(counts, reason)

    @work(thread=True, exclusive=True, exit_on_error=False, group="open-drawer")
    def _open(self, counts: dict[str, int], reason: str | None) -> None:
        from drawer.sessions import OpenDrawer, open_drawer
        from pos.core.printing import kick_drawer

        with self.app.connected_database().unit_of_work() as uow:
            opened = open_drawer(uow, OpenDrawer(self.operator.operator_id, counts, reason), self.settings)
        # After the commit: a drawer that does not kick open is opened with its key, never a reason to stop.
        kick_error = kick_drawer(self.settings)
        self.post_message(self.DrawerOpened(opened.drawer, opened.difference_cents, kick_error))

    @on(DrawerOpened)
    def _opened(self) -> None:
        # The app takes the operator home; the message goes on up to it.
        self._opening = False
        self.reset()
        self._say("Type how many of each, Enter moves down. F12 opens the drawer.")

    @on(CounterScreen.WorkFailed)
    def _not_opened(self, event: CounterScreen.WorkFailed) -> None:
        self._opening = False
        error = event.error
        self._say(f"Not opened: {getattr(error, 'message', error)}")
        if getattr(error, "field", None) == "reason":
            reason = self.query_one("#drawer-reason", FormField)
            reason.mark_refused()
            reason.enter()

    def _refuse(self, error: InputError, field: FormField | None) -> None:
        if field is not None:
            field.refuse(error)
        self._say(f"Not opened: {error.message}")
        self.refuse(error)

    def _say(self, text: str) -> None:
        self.query_one("#drawer-message", Static).update(text)

    def _money(self, cents: int) -> str:
        return format_cents(cents, symbol=self.settings.money.currency_symbol)
