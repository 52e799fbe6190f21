"""The devices screen: live state of the printer, drawer, display and slip station, and the hardware check."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Label, Static

from pos.tui.screens.base import CounterScreen
from pos.tui.widgets.counter_footer import CounterFooter
from pos.tui.widgets.device_status import DeviceStatus
from pos.tui.widgets.status_bar import StatusBar

if TYPE_CHECKING:
    from pos.core.operators import OperatorView
    from pos.core.printing import DeviceState
    from pos.core.settings import Settings


class DevicesScreen(CounterScreen):
    """F5 asks every device again; t prints a test page, k opens the drawer, d tests the display."""

    BINDINGS = [
        Binding("f5", "refresh", "Ask again", show=True),
        Binding("t", "test_print", "Test page", show=True),
        Binding("k", "kick", "Open drawer", show=True),
        Binding("d", "display_test", "Display test", show=True),
        Binding("escape", "app.home", "Home", show=True),
    ]

    @dataclass
    class Asked(Message):
        states: list[DeviceState]

    @dataclass
    class Done(Message):
        text: str

    def __init__(self, settings: Settings, operator: OperatorView) -> None:
        super().__init__()
        self.settings = settings
        self.operator = operator

    def compose(self) -> ComposeResult:
        terminal = self.settings.terminal
        yield StatusBar(terminal_id=terminal.id, site_name=terminal.site_name, operator_name=self.operator.name,
                        role=self.operator.role, business_day_cutoff=terminal.business_day_cutoff)
        yield Label("Devices", classes="section-title")
        yield DeviceStatus("Asking the devices…", id="device-status", markup=False)
        yield Static("", id="device-message", markup=False)
        yield CounterFooter(compact=True)

    def on_screen_resume(self) -> None:
        self.action_refresh()

    def action_refresh(self) -> None:
        self._ask()

    @work(thread=True, exclusive=True, exit_on_error=False, group="device-ask")
    def _ask(self) -> None:
        from pos.core.printing import device_states

        self.post_message(self.Asked(device_states(self.settings)))

    @on(Asked)
    def _asked(self, event: Asked) -> None:
        self.query_one(DeviceStatus).show(event.states)

    def action_test_print(self) -> None:
        self._say("Printing a test page…")
        self._check("test")

    def action_kick(self) -> None:
        self._say("Opening the drawer…")
        self._check("kick")

    def action_display_test(self) -> None:
        self._say("Showing a test on the customer display…")
        self._check("display")

    @work(thread=True, exclusive=True, exit_on_error=False, group="device-check")
    def _check(self, what: str) -> None:
        from pos.core.errors import PosError
        from pos.core.printing import kick_drawer, print_test_page, show_on_display

        if what == "test":
            status = print_test_page(self.settings)
            text = "Test page printed." + (f" Note: {status.warning}." if status and status.warning else "")
        elif what == "kick":
            error = kick_drawer(self.settings)
            if error:
                raise PosError(error, "Drawer")
            text = "Drawer pulse sent." if self.settings.cash_drawer.kick != "none" else "No drawer is connected."
        else:
            show_on_display(self.settings, "DISPLAY TEST", self.settings.customer_display.welcome)
            text = "Test shown on the customer display."
        self.post_message(self.Done(text))

    @on(Done)
    def _done(self, event: Done) -> None:
        self._say(event.text)
        self.action_refresh()

    @on(CounterScreen.WorkFailed)
    def _failed(self, event: CounterScreen.WorkFailed) -> None:
        self._say(f"Not done: {getattr(event.error, 'message', event.error)}")
        self.action_refresh()

    def _say(self, text: str) -> None:
        self.query_one("#device-message", Static).update(text)
