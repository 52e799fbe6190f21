"""The one approval dialog: a lead's or supervisor's operator id and PIN (masked), used once, for the act it approves.

Every approval at the counter (void, paid-out over the limit, no-sale, close sign-off, verify, force
close, deposit) goes through it and behaves the same: Enter runs the act with the approval while the
dialog stays up; a wrong PIN, or an approver who may not approve it, keeps the dialog open with the
reason (the PIN emptied, to be typed again, or another approver's id); Esc cancels. The dialog closes
with what the act returned, or None.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static
from textual.worker import Worker, WorkerState

from pos.core.errors import AuthError, InputError, PermissionDenied, PosError
from pos.tui.screens.base import CounterScreen
from pos.tui.widgets.counter_footer import CounterFooter
from pos.tui.widgets.dialog_field import DialogField
from pos.tui.keys import HELP_BINDING

T = TypeVar("T")

# Refusals of the approval itself: the dialog stays open for another try (or another approver).
APPROVAL_REFUSALS = (AuthError, PermissionDenied)


@dataclass(frozen=True)
class Approval:
    """Who approves, with their PIN: handed to one service call and then dropped, never kept."""

    operator_id: str
    pin: str

    def __repr__(self) -> str:  # a PIN never reaches a log
        return f"Approval({self.operator_id!r}, pin=…)"


class ApprovalDialog(ModalScreen[T | None], Generic[T]):
    """Enter in the operator id moves to the PIN; Enter in the PIN runs ``act(approval)`` in a thread.

    ``act`` is the service call the approval is for; it raises ``AuthError``/``PermissionDenied``
    when the approval does not stand (shown here, the dialog stays open), or anything else when the
    act itself failed (the dialog closes with None and the screen under it gets ``WorkFailed`` from
    a worker of ``group``, as if its own worker had failed). ``operator_id`` fills in the approver's
    id (a supervisor's own act): the PIN has the focus, and the id can still be changed.
    """

    BINDINGS = [HELP_BINDING, Binding("escape", "back", "Cancel", show=True)]

    def __init__(self, why: str, act: Callable[[Approval], T], *, title: str = "Approval needed",
                 who: str = "Approver", operator_id: str | None = None, group: str = "approval") -> None:
        super().__init__(classes="dialog-screen")
        self.why = why
        self.act = act
        self.title_text = title
        self.who = who
        self.operator_id = operator_id
        self.group = group
        self.checking = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.title_text, classes="dialog-title", markup=False)
            yield Static(self.why, classes="dialog-line", markup=False)
            role = " (lead or supervisor)" if self.who == "Approver" else ""
            yield Label(f"{self.who}'s operator id{role}", classes="dialog-label", markup=False)
            yield DialogField(self.operator_id or "", id="approver-id", restrict=r"[A-Za-z0-9._-]*", max_length=32,
                              next_field="#approver-pin")
            yield Label(f"{self.who}'s PIN", classes="dialog-label", markup=False)
            yield DialogField(id="approver-pin", password=True, restrict=r"[0-9]*", max_length=12)
            yield Static("", id="dialog-message", markup=False)
        yield CounterFooter(compact=True)

    def on_mount(self) -> None:
        self.query_one("#approver-pin" if self.operator_id else "#approver-id", Input).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.checking:
            return  # Enter again while the approval is being checked
        operator_id = self.query_one("#approver-id", Input)
        pin = self.query_one("#approver-pin", Input)
        if not operator_id.value.strip():
            self._refuse(InputError(f"{self.who.lower()}'s operator id", "is required"), operator_id)
            return
        if event.input is operator_id and not pin.value:
            self.set_focus(pin)
            return
        if not pin.value:
            self._refuse(InputError(f"{self.who.lower()}'s PIN", "is required"), pin)
            return
        approval = Approval(operator_id.value.strip(), pin.value)
        pin.clear()  # typed again after a refusal; never left behind
        self.checking = True
        self._say(f"Checking {approval.operator_id}'s approval…")
        self._attempt(approval)

    @work(thread=True, exclusive=True, exit_on_error=False, group="approval-act")
    def _attempt(self, approval: Approval) -> T:
        return self.act(approval)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "approval-act" or event.state not in (WorkerState.SUCCESS, WorkerState.ERROR):
            return
        self.checking = False
        if event.state is WorkerState.SUCCESS:
            self.dismiss(event.worker.result)
            return
        error = event.worker.error
        if isinstance(error, APPROVAL_REFUSALS):
            self._say(f"{error.message}. Type the PIN again, or another approver's id; Esc cancels.")
            self.post_message(CounterScreen.Refused(error))
            field = self.query_one("#approver-pin", Input)
            if isinstance(error, PermissionDenied):  # this approver may not: another one may
                field = self.query_one("#approver-id", Input)
                field.select_all()
            field.focus()
            return
        below = self.app.screen_stack[-2] if len(self.app.screen_stack) > 1 else None
        self.dismiss(None)
        if below is not None and error is not None:
            below.post_message(CounterScreen.WorkFailed(_FailedWork(self.group), error))

    def _refuse(self, error: PosError, field: Input) -> None:
        self._say(error.message)
        self.post_message(CounterScreen.Refused(error))
        field.focus()

    def _say(self, text: str) -> None:
        self.query_one("#dialog-message", Static).update(text)

    def action_back(self) -> None:
        if self.checking:
            self._say("Checking the approval: wait for the answer (the act may already be done).")
            return
        self.query_one("#approver-pin", Input).clear()
        self.dismiss(None)


@dataclass(frozen=True)
class _FailedWork:
    """Stands for the worker that failed, for the screen's ``WorkFailed`` handler (which reads its group)."""

    group: str
