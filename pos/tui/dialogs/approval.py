"""A lead's or supervisor's approval at this terminal: their operator id and PIN (masked), used once."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from pos.core.errors import InputError
from pos.tui.screens.base import CounterScreen
from pos.tui.widgets.counter_footer import CounterFooter
from pos.tui.widgets.dialog_field import DialogField


@dataclass(frozen=True)
class Approval:
    """Who approves, with their PIN: handed to one service call and then dropped, never kept."""

    operator_id: str
    pin: str

    def __repr__(self) -> str:  # a PIN never reaches a log
        return f"Approval({self.operator_id!r}, pin=…)"


class ApprovalDialog(ModalScreen[Approval | None]):
    """Enter in the operator id moves to the PIN; Enter in the PIN answers. Esc: no approval."""

    BINDINGS = [Binding("escape", "back", "Back", show=True)]

    def __init__(self, why: str) -> None:
        super().__init__(classes="dialog-screen")
        self.why = why

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Approval needed", classes="dialog-title")
            yield Static(self.why, classes="dialog-line", markup=False)
            yield Label("Approver's operator id (lead or supervisor)", classes="dialog-label")
            yield DialogField(id="approver-id", restrict=r"[A-Za-z0-9._-]*", max_length=32, next_field="#approver-pin")
            yield Label("Approver's PIN", classes="dialog-label")
            yield DialogField(id="approver-pin", password=True, restrict=r"[0-9]*", max_length=12)
            yield Static("", id="dialog-message", markup=False)
        yield CounterFooter(compact=True)

    def on_mount(self) -> None:
        self.query_one("#approver-id", Input).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        operator_id = self.query_one("#approver-id", Input)
        pin = self.query_one("#approver-pin", Input)
        if not operator_id.value.strip():
            self._refuse(InputError("approver's operator id", "is required"), operator_id)
            return
        if event.input is operator_id and not pin.value:
            self.set_focus(pin)
            return
        if not pin.value:
            self._refuse(InputError("approver's PIN", "is required"), pin)
            return
        approval = Approval(operator_id.value.strip(), pin.value)
        pin.clear()
        self.dismiss(approval)

    def _refuse(self, error: InputError, field: Input) -> None:
        self.query_one("#dialog-message", Static).update(error.message)
        self.post_message(CounterScreen.Refused(error))
        field.focus()

    def action_back(self) -> None:
        self.query_one("#approver-pin", Input).clear()
        self.dismiss(None)
