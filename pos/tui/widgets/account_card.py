"""One account on screen: alerts that cannot be missed, then balance, past due, due date and status."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Grid, Vertical
from textual.widgets import Label, Static

from pos.core.money import format_cents

if TYPE_CHECKING:
    from pos.core.account_views import AccountView
    from pos.core.scanline import StubScanned

FACTS = (
    ("account", "Account"),
    ("status", "Status"),
    ("name", "Name"),
    ("balance", "Balance"),
    ("address", "Service address"),
    ("past-due", "Past due"),
    ("updated", "Copy as of"),
    ("due-date", "Due date"),
)


class AccountCard(Vertical, can_focus=True):
    """Set with ``show``; the alert banner comes first and is coloured by severity."""

    def __init__(self, *, currency_symbol: str = "$", id: str | None = None) -> None:
        super().__init__(id=id)
        self.currency_symbol = currency_symbol
        self.account: AccountView | None = None
        self.stub: StubScanned | None = None

    def compose(self) -> ComposeResult:
        yield Vertical(id="card-alerts")
        with Grid(id="card-facts"):
            for key, title in FACTS:
                yield Label(title, classes="fact-title")
                yield Label("", id=f"fact-{key}", classes="fact-value", markup=False)
        yield Static("", id="card-stub", markup=False)

    async def show(self, account: AccountView, stub: StubScanned | None = None) -> None:
        """Put ``account`` on the card; ``stub`` when it was found by scanning a bill stub."""
        self.account = account
        self.stub = stub
        money = self._money
        banner = self.query_one("#card-alerts", Vertical)
        await banner.remove_children()
        alerts = account.alerts(self.currency_symbol)
        if alerts:
            await banner.mount_all(Static(alert.text, classes=f"alert -{alert.severity}", markup=False)
                                   for alert in alerts)
        else:
            await banner.mount(Static("No alerts on this account", classes="alert -clear"))
        balance = money(account.balance_cents)
        if account.balance_cents < 0:
            balance += " (credit)"
        facts = {
            "account": account.account_number,
            "status": account.status_label,
            "name": account.name,
            "balance": balance,
            "address": account.service_address,
            "past-due": money(account.past_due_cents),
            "updated": _local_time(account.updated_at),
            "due-date": account.due_date.isoformat() if account.due_date else "none",
        }
        for key, value in facts.items():
            self.query_one(f"#fact-{key}", Label).update(value)
        self.query_one("#fact-status", Label).set_class(account.status != "active", "-alerting")
        stub_line = self.query_one("#card-stub", Static)
        if stub is None:
            stub_line.display = False
        else:
            stub_line.display = True
            text = f"Bill stub scanned: amount due {money(stub.amount_due_cents)}"
            if stub.amount_due_cents != account.balance_cents:
                text += f" (balance now {balance})"
            stub_line.update(text)

    def _money(self, cents: int) -> str:
        return format_cents(cents, symbol=self.currency_symbol)


def _local_time(stamp: str) -> str:
    """When the ledger last refreshed this copy, in the terminal's local time."""
    try:
        moment = datetime.fromisoformat(stamp)
    except ValueError:
        return stamp
    return moment.astimezone().strftime("%Y-%m-%d %H:%M") if moment.tzinfo else moment.strftime("%Y-%m-%d %H:%M")
