"""The one input of account lookup: a number, a name, an address or a scanned bill stub."""

from __future__ import annotations

from textual.binding import Binding
from textual.widgets import Input

PROMPT = "Scan a bill stub, or type an account number, a name or an address"


class LookupBox(Input):
    """Enter posts ``Input.Submitted`` with what was typed or scanned."""

    BINDINGS = [Binding("enter", "submit", "Look up", show=True)]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(placeholder=PROMPT, max_length=120, id=id)
