"""An input of the sign-in screen whose Enter key (shown in the footer) moves the sign-in on."""

from __future__ import annotations

from textual import events
from textual.binding import Binding
from textual.widgets import Input


class SignInField(Input):
    """Enter in a field with a ``next_field`` moves there at once; keys typed ahead follow the focus.

    A fast typist (or a badge reader) sends "amy⏎1234⏎" in one burst: those digits are already
    queued for this field when Enter is handled, so they are handed on to the field that now has focus.
    """

    BINDINGS = [Binding("enter", "submit", "Sign in", show=True)]

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
