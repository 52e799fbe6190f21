"""An input of a dialog whose Enter key (shown in the footer) answers the dialog or moves to its next field."""

from __future__ import annotations

from textual import events
from textual.binding import Binding
from textual.widgets import Input


class DialogField(Input):
    """Enter posts ``Input.Submitted``; with a ``next_field`` and a value, Enter moves there at once.

    An approver types "lena⏎345678⏎" in one go: the PIN's digits are already queued for the operator
    id when its Enter is handled, so they are handed on to the field that now has the focus (never
    left in the clear in the id field).
    """

    BINDINGS = [Binding("enter", "submit", "OK", show=True)]

    def __init__(self, *args, next_field: str | None = None, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.next_field = next_field

    async def _on_key(self, event: events.Key) -> None:
        focused = self.screen.focused
        if focused is not self and isinstance(focused, Input):
            event.stop()
            event.prevent_default()
            if event.key == "enter":
                await focused.action_submit()
            elif event.is_printable and event.character:
                focused.insert_text_at_cursor(event.character)
            return
        if event.key == "enter" and self.next_field and self.value.strip():
            event.stop()
            event.prevent_default()
            self.screen.set_focus(self.screen.query_one(self.next_field))
            return
        await super()._on_key(event)
