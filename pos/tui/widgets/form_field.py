"""One field of a counter form: Enter goes on to the next field, and refusals name it by ``field_name``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import events
from textual.binding import Binding
from textual.widgets import Input

if TYPE_CHECKING:
    from pos.core.errors import InputError


class FormField(Input):
    """A compact input that remembers what it held when it got the focus, so a stray scan can be undone.

    ``kind`` says how the screen checks it (amount, count, number, authorisation, last4, card type, text).

    A fast typist sends "50⏎1042⏎" faster than messages travel: the keys after the Enter are already
    queued for this field. So Enter is handled here, at once, by the screen's ``advance_from(field)``
    (which checks the field and moves the focus on, or posts), and keys queued for this field after
    that go to the field that has the focus now (the sign-in fields do the same).
    """

    BINDINGS = [Binding("enter", "submit", "Next", show=True)]

    def __init__(self, value: str = "", *, field_name: str, kind: str, placeholder: str = "",
                 id: str | None = None, classes: str | None = None, max_length: int = 40) -> None:
        super().__init__(value, placeholder=placeholder, id=id, classes=classes, compact=True, max_length=max_length)
        self.field_name = field_name
        self.kind = kind
        self.value_on_focus = value

    def enter(self) -> None:
        """Take the focus now, everything selected: what is typed next replaces what the field holds."""
        self.screen.set_focus(self)
        self.value_on_focus = self.value
        self.select_all()

    def _on_focus(self, event: events.Focus) -> None:
        self.value_on_focus = self.value
        super()._on_focus(event)

    async def _on_key(self, event: events.Key) -> None:
        focused = self.screen.focused
        target = focused if focused is not self and isinstance(focused, FormField) else self
        if target is not self:
            event.stop()
            event.prevent_default()
            if event.key == "backspace":
                target.action_delete_left()
            elif event.is_printable and event.character:
                target.take_typed(event.character)
        if event.key == "enter":
            event.stop()
            event.prevent_default()
            await target.action_submit()
            return
        if target is self:
            await super()._on_key(event)

    async def action_submit(self) -> None:
        advance = getattr(self.screen, "advance_from", None)
        if advance is None:
            await super().action_submit()
        else:
            await advance(self)

    def take_typed(self, text: str) -> None:
        """Text typed into the field: it replaces what is selected."""
        if self.selection.is_empty:
            self.insert_text_at_cursor(text)
        else:
            self.replace(text, *self.selection)

    def restore(self) -> None:
        """Put back what the field held when it got the focus (a stub was scanned into it)."""
        self.value = self.value_on_focus
        self.select_all()

    def mark_refused(self, refused: bool = True) -> None:
        self.set_class(refused, "-refused")

    def refuse(self, error: InputError) -> None:
        """What was typed here was refused: marked, emptied if it looked like a card number, and entered again."""
        from pos.tui.entry import is_card_number_refusal

        if is_card_number_refusal(error):
            self.clear()  # a card number is not left on the screen either
        self.mark_refused()
        self.enter()
