"""Today's payments on this drawer, newest first: receipt, time, accounts, tenders, total, whether voided and printed."""

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

# Short, so the row fits beside the receipt: the receipt itself names every tender in full.
TENDER_SHORT = {"cash": "Cash", "check": "Chk", "money_order": "MO", "cashiers_check": "CChk", "card": "Card",
                "ach": "ACH"}

if TYPE_CHECKING:
    from pos.core.payments import PaymentSummary


class PaymentsTable(DataTable):
    """Up and down move (the receipt follows); Enter opens the receipt to read."""

    BINDINGS = [Binding("enter", "select_cursor", "Read receipt", show=True)]

    @dataclass
    class ReceiptHighlighted(Message):
        receipt_number: str

    @dataclass
    class ReceiptChosen(Message):
        receipt_number: str

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, id=id)
        self.summaries: dict[str, PaymentSummary] = {}

    def on_mount(self) -> None:
        # Fixed widths: the row fits 80 columns, and a reload never waits to be measured again.
        self.add_column("Receipt", key="receipt", width=10)
        self.add_column("Time", key="time", width=5)
        self.add_column("Accounts", key="accounts", width=10)
        self.add_column("Tender", key="tenders", width=6)
        self.add_column(Text("Total", justify="right"), key="total", width=10)
        self.add_column("Status", key="status", width=17)
        self.add_column("Print", key="print", width=7)

    def show(self, summaries: list[PaymentSummary], *, currency_symbol: str = "$") -> None:
        self.clear()
        self.summaries = {summary.receipt_number: summary for summary in summaries}
        for summary in summaries:
            accounts = ", ".join(summary.accounts) or "fee"
            if len(accounts) > 10:
                accounts = f"{len(summary.accounts)} accts"  # the receipt beside or below names each
            kinds = list(dict.fromkeys(TENDER_SHORT.get(t, t) for t in summary.tender_types))
            tenders = kinds[0] if len(kinds) == 1 else "Split"
            total = Text(format_cents(summary.total_cents, symbol=currency_symbol), justify="right")
            self.add_row(Text(summary.receipt_number), Text(_clock(summary.posted_at)), Text(accounts),
                         Text(tenders), total, status_text(summary), print_text(summary),
                         key=summary.receipt_number)
        if summaries:
            self.move_cursor(row=0)

    @property
    def selected(self) -> PaymentSummary | None:
        if not self.row_count:
            return None
        row_key, _ = self.coordinate_to_cell_key(self.cursor_coordinate)
        return self.summaries.get(str(row_key.value))

    def select_receipt(self, receipt_number: str) -> None:
        if receipt_number in self.summaries:
            self.move_cursor(row=self.get_row_index(receipt_number))

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        if event.row_key.value is not None:
            self.post_message(self.ReceiptHighlighted(str(event.row_key.value)))

    @on(DataTable.RowSelected)
    def _chosen(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value is not None:
            self.post_message(self.ReceiptChosen(str(event.row_key.value)))


def status_text(summary: PaymentSummary) -> Text:
    if summary.kind == "void":
        return Text(f"VOIDS {summary.voids}", style="bold")
    if summary.voided_by:
        return Text(f"VOIDED {summary.voided_by}", style="bold red")
    return Text("posted" if summary.batch_open else "batch closed")


def print_text(summary: PaymentSummary) -> Text:
    """Whether the paper came out: printed; waiting (prints by itself); unknown (look, then F5 reprints)."""
    state = summary.print_state or "—"
    return Text(state, style="bold yellow" if state == "unknown" else ("" if state == "printed" else "italic"))


def _clock(stamp: str) -> str:
    try:
        return datetime.fromisoformat(stamp).astimezone().strftime("%H:%M")
    except ValueError:
        return stamp
