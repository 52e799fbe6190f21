"""The supervisor's own PIN for a supervisor's act (verify, force close, deposit): their id is already filled in."""

from __future__ import annotations

from textual import events
from textual.widgets import Input, Label

from pos.tui.dialogs.approval import ApprovalDialog


class SupervisorPinDialog(ApprovalDialog):
    """The approval dialog with the signed-in supervisor's id typed for them: the PIN has the focus.

    Dismissed with an ``Approval`` (id and PIN, used once) or None (Esc). The id can still be changed,
    for another supervisor standing at this terminal.
    """

    def __init__(self, why: str, *, title: str, operator_id: str | None = None) -> None:
        super().__init__(why)
        self.title_text = title
        self.operator_id = operator_id

    def on_mount(self, event: events.Mount) -> None:
        event.prevent_default()  # the approval dialog's own mount would put the focus back on the id
        self.query_one(".dialog-title", Label).update(self.title_text)
        id_label, pin_label = self.query(".dialog-label").results(Label)
        id_label.update("Supervisor's operator id")
        pin_label.update("Supervisor's PIN")
        if self.operator_id:
            self.query_one("#approver-id", Input).value = self.operator_id
            self.query_one("#approver-pin", Input).focus()
        else:
            self.query_one("#approver-id", Input).focus()
