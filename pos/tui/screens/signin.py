"""The sign-in screen: operator id and masked PIN; the reason is shown when sign-in is refused."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Center, Middle, Vertical
from textual.message import Message
from textual.widgets import Input, Label, Static

from pos.tui.screens.base import CounterScreen
from pos.tui.widgets.counter_footer import CounterFooter
from pos.tui.widgets.sign_in_field import SignInField

if TYPE_CHECKING:
    from pos.core.operators import OperatorView


class SignInScreen(CounterScreen):
    """Enter moves from the operator id to the PIN, and signs in from the PIN."""

    @dataclass
    class SignedIn(Message):
        """The PIN was right: ``operator`` is now working at this terminal."""

        operator: OperatorView

    def __init__(self) -> None:
        super().__init__()
        self._signing_in = False
        self._tries = 0  # in a row at this screen, for the hint to ask a supervisor (the same for every id)

    def compose(self) -> ComposeResult:
        terminal = self.app.settings.terminal
        with Middle(), Center(), Vertical(id="signin-box"):
            yield Label(terminal.site_name, id="signin-site", markup=False)
            yield Label(f"Terminal {terminal.id}", id="signin-terminal", markup=False)
            yield Label("Operator id", classes="signin-label")
            yield SignInField(id="operator-id", restrict=r"[A-Za-z0-9._-]*", max_length=32, next_field="#pin",
                              placeholder="your operator id")
            yield Label("PIN", classes="signin-label")
            yield SignInField(id="pin", password=True, restrict=r"[0-9]*", max_length=12, placeholder="digits")
            yield Static("", id="signin-message", markup=False)
        yield CounterFooter()

    def on_mount(self) -> None:
        self.query_one("#operator-id", Input).focus()

    @on(Input.Submitted)
    def _enter(self, event: Input.Submitted) -> None:
        event.stop()
        operator_id = self.query_one("#operator-id", Input)
        pin = self.query_one("#pin", Input)
        if event.input is operator_id and operator_id.value.strip() and not pin.value:
            # Now rather than after the queued messages, so the next key already lands in the PIN.
            self.set_focus(pin)
            return
        if self._signing_in:
            return
        self._signing_in = True
        self._tries += 1
        self._say("Signing in…", "-info")
        self._sign_in(operator_id.value, pin.value, self._tries)

    @work(thread=True, exclusive=True, exit_on_error=False, group="signin")
    def _sign_in(self, operator_id: str, pin: str, tries: int) -> None:
        from pos.core.operators import SignIn, sign_in

        database = self.app.connected_database()
        with database.unit_of_work() as uow:
            signed_in = sign_in(uow, SignIn(operator_id, pin, tries), self.app.settings)
        self.post_message(self.SignedIn(signed_in.operator))

    @on(SignedIn)
    def _clear_after_sign_in(self) -> None:
        # The app switches screens; nothing typed here survives for the next person.
        self._signing_in = False
        self.reset()

    @on(CounterScreen.WorkFailed)
    def _refused(self, event: CounterScreen.WorkFailed) -> None:
        # The app also notifies; the reason stays here, next to the fields, until the next try.
        self._signing_in = False
        error = event.error
        message = getattr(error, "message", None) or "Sign-in failed; try again or call a supervisor"
        self._say(message, "-error")
        pin = self.query_one("#pin", Input)
        pin.clear()
        if getattr(error, "field", None) == "operator id":
            self.query_one("#operator-id", Input).focus()
        else:
            pin.focus()

    def reset(self, message: str = "") -> None:
        """Empty both fields and show ``message`` (for example why the last operator was signed out)."""
        self._tries = 0
        self.query_one("#operator-id", Input).clear()
        self.query_one("#pin", Input).clear()
        self._say(message, "-info")
        self.query_one("#operator-id", Input).focus()

    def _say(self, message: str, kind: str) -> None:
        line = self.query_one("#signin-message", Static)
        line.update(message)
        line.set_classes(kind)
