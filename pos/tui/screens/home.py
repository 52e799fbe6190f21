"""The home screen: who is signed in where, whether their drawer is open, and lookup ready for the first scan."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Label, Static

from pos.core.money import format_cents
from pos.tui.screens.base import CounterScreen
from pos.tui.widgets.counter_footer import CounterFooter
from pos.tui.widgets.lookup_box import LookupBox
from pos.tui.widgets.status_bar import StatusBar

if TYPE_CHECKING:
    from drawer.sessions import DrawerView
    from pos.core.operators import OperatorView
    from pos.core.settings import Settings

HOW_TO_LOOK_UP = """\
What the box takes:
  a bill stub          scan it; the amount due comes with it
  an account number    the digits; leading zeros may be left out
  a name               or the start of one: garcia, gar, maria garcia
  a service address    house number and street: 1756 forest, oak st
Enter looks up. Several matches are listed best first; one exact account opens at once."""


class HomeScreen(CounterScreen):
    """The lookup box has the focus, so a scanned stub or a typed name starts a lookup at once."""

    BINDINGS = [  # most used first: the footer shows them in this order
        Binding("f2", "app.lookup", "Lookup screen", show=True),
        Binding("f4", "app.payment", "Payment", show=True),
        Binding("f5", "app.payments", "Payments", show=True),
        Binding("f6", "app.drawer_day", "Drawer day", show=True),
        Binding("f3", "open_drawer", "Open drawer", show=True),
        Binding("f7", "app.supervisor", "Supervisor", show=True),
    ]

    @dataclass
    class LookupRequested(Message):
        """The cashier typed or scanned ``entry`` and pressed Enter."""

        entry: str

    @dataclass
    class DrawerChecked(Message):
        """This operator's drawer on this terminal: ``drawer`` when open, else None."""

        drawer: DrawerView | None

    def __init__(self, settings: Settings, operator: OperatorView) -> None:
        super().__init__()
        self.settings = settings
        self.operator = operator
        self.drawer_open: bool | None = None  # None until checked
        self._drawer_note = ""

    def compose(self) -> ComposeResult:
        terminal = self.settings.terminal
        yield StatusBar(terminal_id=terminal.id, site_name=terminal.site_name, operator_name=self.operator.name,
                        role=self.operator.role, business_day_cutoff=terminal.business_day_cutoff)
        with Vertical(id="home-body"):
            yield Label(f"Signed in: {self.operator.name}", id="home-greeting", markup=False)
            yield Static("Checking your drawer…", id="home-drawer", markup=False)
            yield Label("Account lookup", classes="section-title")
            yield LookupBox(id="home-lookup")
            yield Static(HOW_TO_LOOK_UP, id="home-help", markup=False)
        yield CounterFooter()

    def on_mount(self) -> None:
        self.query_one("#home-lookup", LookupBox).focus()

    def on_screen_resume(self) -> None:
        self._check_drawer()

    @work(thread=True, exclusive=True, exit_on_error=False, group="drawer")
    def _check_drawer(self) -> None:
        from drawer.sessions import current_drawer

        with self.app.connected_database().reader() as uow:
            drawer = current_drawer(uow, self.settings, self.operator.operator_id)
        self.post_message(self.DrawerChecked(drawer))

    @on(DrawerChecked)
    def _show_drawer(self, event: DrawerChecked) -> None:
        drawer = event.drawer
        line = self.query_one("#home-drawer", Static)
        self.drawer_open = drawer is not None
        if drawer is None:
            line.update("Drawer: NOT OPEN on this terminal. F3 opens it (count the float); no payment posts "
                        "before.")
        else:
            opened = _clock(drawer.opened_at)
            float_text = format_cents(drawer.float_cents, symbol=self.settings.money.currency_symbol)
            line.update(f"Drawer: open since {opened}, float {float_text}. F4 takes a payment."
                        + (f"\n{self._drawer_note}" if self._drawer_note else ""))
        line.set_class(drawer is None, "-closed")
        self.refresh_bindings()

    def drawer_opened(self, kick_error: str | None, difference_cents: int) -> None:
        """The drawer was just opened here: say whether it kicked open, and any float difference."""
        notes = []
        if difference_cents:
            money = format_cents(difference_cents, symbol=self.settings.money.currency_symbol)
            notes.append(f"The float differs from the one expected by {money} (recorded with your reason).")
        if kick_error:
            notes.append(f"The drawer did not kick open: {kick_error}. Open it with its key.")
        self._drawer_note = " ".join(notes)
        self._check_drawer()

    def action_open_drawer(self) -> None:
        self.app.switch_mode("drawer")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "open_drawer":
            return self.drawer_open is not True
        return True

    @on(Input.Submitted, "#home-lookup")
    def _look_up(self, event: Input.Submitted) -> None:
        event.stop()
        entry = event.value
        event.input.clear()
        self.post_message(self.LookupRequested(entry))


def _clock(stamp: str) -> str:
    try:
        return datetime.fromisoformat(stamp).astimezone().strftime("%H:%M")
    except ValueError:
        return stamp
