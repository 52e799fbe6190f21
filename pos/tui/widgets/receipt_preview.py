"""The receipt as the customer gets it, on screen: scrolls with the arrow keys when it has the focus."""

from __future__ import annotations

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

PAPER_COLUMNS = 42  # the width kept before the first receipt is shown
FRAME = 2  # the border, one column each side


class ReceiptPreview(VerticalScroll, can_focus=True):
    """``show`` the text of ``receipt_text``; ``clear`` takes it off.

    Every line is shown whole, as the paper has it: the preview is as wide as the widest line, its
    border and a scroll bar's gutter kept for it (so a long receipt's scroll bar never takes a column),
    and a line never wraps.
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.text = ""

    def compose(self) -> ComposeResult:
        yield Static("", classes="receipt-text", markup=False)

    def on_mount(self) -> None:
        self._fit(PAPER_COLUMNS)

    def show(self, text: str) -> None:
        self.text = text.rstrip("\n")
        self._fit(max((cell_len(line) for line in self.text.splitlines()), default=0))
        self.query_one(".receipt-text", Static).update(self.text)
        self.scroll_home(animate=False)

    def clear(self) -> None:
        self.text = ""
        self.query_one(".receipt-text", Static).update("")

    def _fit(self, columns: int) -> None:
        self.styles.width = max(columns, PAPER_COLUMNS) + FRAME + self.styles.scrollbar_size_vertical
