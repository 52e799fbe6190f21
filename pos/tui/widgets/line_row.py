"""One line of a payment: an account (with what the cashier must not miss about it) or a fee code, and its amount."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label

from pos.core.money import format_cents, format_plain
from pos.tui.widgets.form_field import FormField

if TYPE_CHECKING:
    from pos.core.account_views import AccountView, FeeCodeView

# Shown on the line itself: the card may be off the screen while the payment is built.
LINE_FLAGS = {"shutoff_pending": "SHUT-OFF PENDING", "locked_off": "LOCKED OFF", "final": "FINAL",
              "closed": "CLOSED"}


class LineRow(Horizontal):
    """Set ``account`` or ``fee``; the amount field is named ``line N amount`` as the service names it."""

    def __init__(self, *, position: int, account: AccountView | None = None, fee: FeeCodeView | None = None,
                 amount_cents: int | None = None, currency_symbol: str = "$") -> None:
        super().__init__(classes="line-row")
        self.account = account
        self.fee = fee
        self.position = position
        self.currency_symbol = currency_symbol
        prefill = "" if amount_cents is None else format_plain(amount_cents)
        self.amount = FormField(prefill, field_name=f"line {position} amount", kind="amount",
                                placeholder="amount", classes="line-amount")

    def compose(self) -> ComposeResult:
        yield Label(str(self.position), classes="line-position")
        yield Label(self.describe(), classes="line-what", markup=False)
        yield Label("amount", classes="field-label")
        yield self.amount

    @property
    def key(self) -> str:
        """What the line pays: an account number, or a fee code (prefixed, never mistaken for one)."""
        return self.account.account_number if self.account else f"fee:{self.fee.code}"

    def describe(self) -> str:
        money = self._money
        if self.account is not None:
            account = self.account
            parts = [account.account_number, account.name, account.service_address,
                     f"balance {money(account.balance_cents)}"]
            if account.past_due_cents:
                parts.append(f"past due {money(account.past_due_cents)}")
            flags = [LINE_FLAGS[account.status]] if account.status in LINE_FLAGS else []
            if account.cash_only:
                flags.append("CASH ONLY")
            if account.arrangement_installment_cents is not None:
                flags.append(f"ARRANGEMENT {money(account.arrangement_installment_cents)}")
            text = " · ".join(parts)
            return f"{text}  [{', '.join(flags)}]" if flags else text
        fee = self.fee
        fixed = f" (fixed {money(fee.fixed_amount_cents)})" if fee.fixed_amount_cents is not None else ""
        return f"{fee.code} · {fee.description}{fixed}"

    def renumber(self, position: int) -> None:
        self.position = position
        self.amount.field_name = f"line {position} amount"
        self.query_one(".line-position", Label).update(str(position))

    def _money(self, cents: int) -> str:
        return format_cents(cents, symbol=self.currency_symbol)
