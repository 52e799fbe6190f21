"""The ranked list of accounts a name or address lookup found."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable

from pos.core.money import format_cents

if TYPE_CHECKING:
    from pos.core.account_views import AccountMatch

URGENT_STATUSES = ("shutoff_pending", "locked_off")


class ResultsTable(DataTable):
    """Best match first; up and down move, Enter opens the account."""

    BINDINGS = [Binding("enter", "select_cursor", "Open account", show=True)]

    @dataclass
    class AccountChosen(Message):
        """The cashier picked one account from the list."""

        account_number: str

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, id=id)

    def on_mount(self) -> None:
        self.add_column("Account", key="account")
        self.add_column("Name", key="name")
        self.add_column("Service address", key="address")
        self.add_column(Text("Balance", justify="right"), key="balance")
        self.add_column("Status", key="status")

    def show(self, matches: list[AccountMatch], *, currency_symbol: str = "$") -> None:
        self.clear()
        for match in matches:
            status = Text(match.status_label, style="bold red" if match.status in URGENT_STATUSES else "")
            balance = Text(format_cents(match.balance_cents, symbol=currency_symbol), justify="right")
            self.add_row(Text(match.account_number), Text(match.name), Text(match.service_address), balance, status,
                         key=match.account_number)
        if matches:
            self.move_cursor(row=0)

    @on(DataTable.RowSelected)
    def _account_chosen(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value is not None:
            self.post_message(self.AccountChosen(event.row_key.value))
