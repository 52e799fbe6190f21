"""What a receipt says, independent of any device: built by the posting code, rendered by ``layout``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal


@dataclass(frozen=True)
class ReceiptLine:
    """One line of a payment: a bill payment on an account, or a fee code."""

    amount_cents: int
    account_number: str | None = None  # bill payment line
    name: str | None = None
    service_address: str | None = None
    balance_after_cents: int | None = None  # account balance after this payment; negative is a credit
    balance_before_cents: int | None = None  # amount due on the account before this payment
    fee_code: str | None = None  # fee-code line
    description: str | None = None  # fee description


@dataclass(frozen=True)
class ReceiptTender:
    """One tender of a payment. Card tenders carry only type, last four and authorisation (rule 6)."""

    type: str  # cash | check | money_order | cashiers_check | card | ach
    amount_cents: int  # amount applied to the payment
    tendered_cents: int | None = None  # cash handed over
    change_cents: int = 0
    reference: str | None = None  # check/money order number, card authorisation code, ACH trace
    card_type: str | None = None  # VISA, MC, AMEX, DISC, DEBIT
    card_last4: str | None = None


@dataclass(frozen=True)
class Receipt:
    """A numbered receipt or void slip, one copy of it."""

    kind: Literal["payment", "void"]
    receipt_number: str  # e.g. "T01-000123"
    terminal_id: str
    cashier: str  # operator display name
    cashier_id: str
    posted_at: datetime  # aware
    business_date: date
    lines: tuple[ReceiptLine, ...]
    tenders: tuple[ReceiptTender, ...]
    total_cents: int  # negative for a void
    header: tuple[str, ...] = ()  # from settings.receipt.header
    footer: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()  # e.g. "TURN-OFF ORDER PULLED: 0012345678"
    note: str | None = None
    voids_receipt_number: str | None = None  # for a void slip: the receipt it voids
    approved_by: str | None = None  # approver operator id (void slips)
    void_reason: str | None = None  # void slips: why the payment was voided
    reprint: bool = False  # REPRINT banner when True
    reprinted_at: datetime | None = None  # a reprint says when it was asked for …
    reprinted_by: str | None = None  # … and by whom
    copy: int = 1  # copy n of copies (print "Copy 2 of 2" when copies > 1)
    copies: int = 1

    @property
    def opens_drawer(self) -> bool:
        """Whether printing this receipt should kick the drawer open.

        A cash tender means cash goes in (payment) or back out (void); a reprint moves no cash.
        """
        return not self.reprint and any(t.type == "cash" for t in self.tenders)
