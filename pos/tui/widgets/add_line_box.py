"""The payment's add box: a scanned stub, an account number or a fee code (by code or description)."""

from __future__ import annotations

from dataclasses import dataclass

from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input

PROMPT = "Add a line: scan a stub, or type an account number or a fee code (permit, citation…), then Enter"


class AddLineBox(Input):
    """Enter posts ``Input.Submitted``; ↑ and ↓ post ``HighlightMoved`` for the fee codes listed under it."""

    BINDINGS = [Binding("enter", "submit", "Add", show=True)]

    @dataclass
    class HighlightMoved(Message):
        """The cashier moved through the fee codes that match: ``step`` is -1 (up) or +1 (down)."""

        step: int

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(placeholder=PROMPT, max_length=80, id=id, compact=True)

    def on_key(self, event: events.Key) -> None:
        if event.key in ("up", "down"):
            event.stop()
            event.prevent_default()
            self.post_message(self.HighlightMoved(-1 if event.key == "up" else 1))
