"""The home screen: who is signed in where, and account lookup ready for the first key or scan."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Footer, Input, Label, Static

from pos.tui.screens.base import CounterScreen
from pos.tui.widgets.lookup_box import LookupBox
from pos.tui.widgets.status_bar import StatusBar

if TYPE_CHECKING:
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

    BINDINGS = [Binding("f2", "app.lookup", "Lookup screen", show=True)]

    @dataclass
    class LookupRequested(Message):
        """The cashier typed or scanned ``entry`` and pressed Enter."""

        entry: str

    def __init__(self, settings: Settings, operator: OperatorView) -> None:
        super().__init__()
        self.settings = settings
        self.operator = operator

    def compose(self) -> ComposeResult:
        terminal = self.settings.terminal
        yield StatusBar(terminal_id=terminal.id, site_name=terminal.site_name, operator_name=self.operator.name,
                        role=self.operator.role, business_day_cutoff=terminal.business_day_cutoff)
        with Vertical(id="home-body"):
            yield Label(f"Signed in: {self.operator.name}", id="home-greeting", markup=False)
            yield Label("Account lookup", classes="section-title")
            yield LookupBox(id="home-lookup")
            yield Static(HOW_TO_LOOK_UP, id="home-help", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#home-lookup", LookupBox).focus()

    @on(Input.Submitted, "#home-lookup")
    def _look_up(self, event: Input.Submitted) -> None:
        event.stop()
        entry = event.value
        event.input.clear()
        self.post_message(self.LookupRequested(entry))
