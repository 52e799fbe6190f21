"""Read models of accounts and fee codes: what screens and reports receive (no database behind them)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from pos.core.money import format_cents
from pos.core.scanline import StubScanned

STATUS_LABELS = {
    "active": "Active",
    "final": "Final bill",
    "shutoff_pending": "Shut-off pending",
    "locked_off": "Locked off",
    "closed": "Closed",
}


@dataclass(frozen=True)
class Alert:
    """One thing about an account the cashier must not miss; ``severity`` is danger or warning."""

    kind: str
    severity: Literal["danger", "warning"]
    text: str


@dataclass(frozen=True)
class AccountView:
    """One account as the counter sees it: no live database object behind it."""

    account_number: str
    name: str
    service_address: str
    balance_cents: int
    past_due_cents: int
    due_date: date | None
    status: str
    cash_only: bool
    arrangement_installment_cents: int | None
    arrangement_next_due: date | None
    updated_at: str

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def on_arrangement(self) -> bool:
        return self.arrangement_installment_cents is not None

    def alerts(self, symbol: str = "$") -> list[Alert]:
        """What the cashier must not miss, most urgent first, with the amounts and dates that go with it."""
        found = []
        if self.status == "shutoff_pending":
            found.append(Alert("shutoff_pending", "danger", "SHUT-OFF PENDING: on today's turn-off list"))
        if self.status == "locked_off":
            found.append(Alert("locked_off", "danger", "LOCKED OFF: service is disconnected"))
        if self.status in ("final", "closed"):
            found.append(Alert(self.status, "warning", f"{self.status_label.upper()}: account is not active"))
        if self.cash_only:
            found.append(Alert("cash_only", "danger", "CASH ONLY: no checks"))
        if self.arrangement_installment_cents is not None:
            due = f" due {self.arrangement_next_due.isoformat()}" if self.arrangement_next_due else ""
            amount = format_cents(self.arrangement_installment_cents, symbol=symbol)
            found.append(Alert("arrangement", "warning", f"PAYMENT ARRANGEMENT: {amount}{due}"))
        if self.past_due_cents > 0:
            found.append(Alert("past_due", "warning",
                               f"PAST DUE: {format_cents(self.past_due_cents, symbol=symbol)}"))
        return found


@dataclass(frozen=True)
class AccountMatch:
    """One row of a search result."""

    account_number: str
    name: str
    service_address: str
    balance_cents: int
    status: str

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)


@dataclass(frozen=True)
class LookupResult:
    """What a lookup found: how it searched, the matches, and a stub if one was scanned."""

    how: Literal["number", "scan", "search"]
    matches: list[AccountMatch]
    stub: StubScanned | None = None

    @property
    def single(self) -> bool:
        return len(self.matches) == 1


@dataclass(frozen=True)
class FeeCodeView:
    code: str
    description: str
    gl_account: str
    fixed_amount_cents: int | None
    active: bool
