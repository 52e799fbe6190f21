"""The day's drawers of every terminal, for the supervisor: who, where, status, over/short, sign-offs, deposit bag."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable

from pos.core.money import format_cents

if TYPE_CHECKING:
    from drawer.reports import DrawerSummary


class DrawersTable(DataTable):
    """Up and down choose a drawer; Enter asks for its closeout report (``ReportRequested``)."""

    BINDINGS = [Binding("enter", "select_cursor", "Report", show=True)]

    @dataclass
    class ReportRequested(Message):
        session_id: str

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, id=id)
        self.summaries: dict[str, DrawerSummary] = {}

    def on_mount(self) -> None:
        self.add_column("Term", key="terminal", width=6)
        self.add_column("Cashier", key="cashier", width=16)
        self.add_column("Date", key="date", width=10)
        self.add_column("Status", key="status", width=8)
        self.add_column("Opened", key="opened", width=6)
        self.add_column("Closed", key="closed", width=6)
        self.add_column(Text("Over/short", justify="right"), key="over_short", width=11)
        self.add_column("Forced", key="forced", width=6)
        self.add_column("Signed off", key="signed_off", width=10)
        self.add_column("Verified", key="verified", width=10)
        self.add_column("Bag", key="bag", width=10)

    def show(self, summaries: list[DrawerSummary], *, currency_symbol: str = "$") -> None:
        chosen = self.selected
        self.clear()
        self.summaries = {summary.session_id: summary for summary in summaries}
        for s in summaries:
            over_short = Text("", justify="right")
            if s.over_short_cents is not None and s.status == "closed":
                style = "bold red" if s.over_short_cents < 0 else ("bold" if s.over_short_cents else "")
                over_short = Text(format_cents(s.over_short_cents, symbol=currency_symbol), style=style,
                                  justify="right")
            self.add_row(Text(s.terminal_id), Text(s.operator_name), Text(s.business_date.isoformat()),
                         Text(s.status, style="bold" if s.status != "closed" else ""), Text(_clock(s.opened_at)),
                         Text(_clock(s.closed_at)), over_short, Text("FORCED" if s.forced else ""),
                         Text(s.signed_off_by or ""), Text(s.verified_by or ""), Text(s.deposit_bag or ""),
                         key=s.session_id)
        if chosen is not None and chosen.session_id in self.summaries:
            self.move_cursor(row=self.get_row_index(chosen.session_id))  # a reload keeps the drawer chosen
        elif summaries:
            self.move_cursor(row=0)

    @property
    def selected(self) -> DrawerSummary | None:
        if not self.row_count:
            return None
        row_key, _ = self.coordinate_to_cell_key(self.cursor_coordinate)
        return self.summaries.get(str(row_key.value))

    @on(DataTable.RowSelected)
    def _chosen(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value is not None:
            self.post_message(self.ReportRequested(str(event.row_key.value)))


def _clock(stamp: str | None) -> str:
    if not stamp:
        return ""
    try:
        return datetime.fromisoformat(stamp).astimezone().strftime("%H:%M")
    except ValueError:
        return stamp
