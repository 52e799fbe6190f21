"""Pick a tender type: the ones this site takes."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from pos.core.tenders import TENDER_LABELS
from pos.tui.widgets.counter_footer import CounterFooter
from pos.tui.keys import HELP_BINDING


class ChooseTenderDialog(ModalScreen[str | None]):
    """Dismissed with the tender type (``cash``, ``money_order`` …) or None."""

    BINDINGS = [
        HELP_BINDING,
        Binding("enter", "choose", "Choose", show=True, priority=True),
        Binding("escape", "back", "Back", show=True),
    ]

    def __init__(self, enabled: list[str]) -> None:
        super().__init__(classes="dialog-screen")
        self.enabled = [kind for kind in TENDER_LABELS if kind in enabled]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Add a tender", classes="dialog-title")
            yield OptionList(*(Option(TENDER_LABELS[kind], id=kind) for kind in self.enabled), id="tender-types")
            yield Label("↑↓ choose, Enter adds it, Esc goes back", classes="dialog-help")
        yield CounterFooter(compact=True)

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = 0
        options.focus()


    def action_choose(self) -> None:
        option = self.query_one(OptionList).highlighted_option
        if option is not None:
            self.dismiss(option.id)

    def action_back(self) -> None:
        self.dismiss(None)
