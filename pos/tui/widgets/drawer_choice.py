"""A list of drawers to tick: Space chooses or unchooses the one under the cursor, Enter goes on."""

from __future__ import annotations

from textual.binding import Binding
from textual.widgets import SelectionList


class DrawerChoice(SelectionList[str]):
    """Values are drawer session ids. Enter moves the focus to the next field of the dialog."""

    BINDINGS = [
        Binding("space", "select", "Choose", show=True),
        Binding("enter", "done", "Next", show=True),
    ]

    def action_done(self) -> None:
        self.screen.focus_next()
