"""Read models of the drawer day's documents: closeout (Z) report, deposit slip, movement slip, over/short history.

Frozen values with no database behind them; the services in ``drawer/`` build them and the renderers in
``drawer/documents.py`` turn them into receipt-printer text, ESC/POS, PDF and CSV. All money is int cents.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

TENDER_LABELS = {"cash": "Cash", "check": "Check", "money_order": "Money order", "cashiers_check": "Cashier's check",
                 "card": "Card", "ach": "ACH"}
MOVEMENT_LABELS = {"drop": "Drop", "paid_out": "Paid-out", "loan": "Loan", "no_sale": "No-sale"}


@dataclass(frozen=True)
class DenominationCount:
    """One line of a cash count: ``key`` is e.g. ``bill:2000``, ``coin:25``, ``roll:1000``."""

    key: str
    label: str  # "$20.00 bills"
    cents: int  # value of one bill, coin or roll
    count: int

    @property
    def total_cents(self) -> int:
        return self.cents * self.count


@dataclass(frozen=True)
class Movement:
    """Cash moved in or out of the drawer between payments (a no-sale moves none)."""

    number: str  # slip number, e.g. "T01-D0003"
    at: str  # ISO timestamp
    kind: str  # drop, paid_out, loan, no_sale
    amount_cents: int  # always >= 0; the kind says which way it went
    reason: str  # reason code's label, or the free-text reason of a no-sale
    note: str | None
    operator_id: str
    approved_by: str | None
    counts: tuple[DenominationCount, ...] = ()  # drops and loans are counted by denomination


@dataclass(frozen=True)
class TenderFigures:
    """One tender's line of the closeout: what came in, what went out, what should be there, what was."""

    tender: str  # cash, check, money_order, cashiers_check, card, ach
    payments_count: int
    payments_cents: int  # tendered, before change
    change_cents: int  # cash only
    voids_count: int
    voids_cents: int  # >= 0: cash (or that tender) that left with the voids
    expected_cents: int
    counted_cents: int | None  # None until the count is saved
    over_short_cents: int | None  # counted - expected; negative is short


@dataclass(frozen=True)
class VoidLine:
    receipt_number: str
    voids_receipt_number: str
    amount_cents: int  # >= 0, the voided payment's total
    operator_id: str
    approved_by: str | None
    reason: str


@dataclass(frozen=True)
class CountedItem:
    """A check, money order or cashier's check in the drawer at close, matched to the posted ones."""

    tender: str
    reference: str
    amount_cents: int
    status: str  # "matched", "missing" (posted, not in the drawer), "extra" (in the drawer, not posted)
    receipt_number: str | None = None


@dataclass(frozen=True)
class Approval:
    at: str
    what: str  # "paid-out $45.00", "over/short sign-off", "void T01-000012", "no-sale", "force close"
    operator_id: str
    approver_id: str
    note: str | None = None


@dataclass(frozen=True)
class CloseoutReport:
    """Everything about one drawer session from opening to deposit: the Z report."""

    site_name: str
    session_id: str
    terminal_id: str
    operator_id: str
    operator_name: str
    business_date: date
    status: str  # open, counting, closed
    opened_at: str
    closed_at: str | None
    batch_id: str
    opening_float_cents: int
    movements: tuple[Movement, ...]
    payments_count: int
    payments_cents: int  # sum of payment totals, voided ones included
    tenders: tuple[TenderFigures, ...]
    voids: tuple[VoidLine, ...]
    cash_counts: tuple[DenominationCount, ...]  # the close count; empty while open
    items: tuple[CountedItem, ...]
    counts_made: int  # 0 open, 1 counted, 2 recounted
    expected_cents: int | None  # all tenders; None while a blind-close drawer is not counted (never shown)
    counted_cents: int | None
    over_short_cents: int | None  # all tenders; negative is short
    closed_by: str | None  # the cashier, or the supervisor who force-closed
    forced: bool
    signed_off_by: str | None
    signoff_note: str | None
    verified_by: str | None
    verified_at: str | None
    retained_float_cents: int | None
    retained_counts: tuple[DenominationCount, ...]
    deposit_cash_cents: int | None  # counted cash minus the float kept
    deposit_bag: str | None
    approvals: tuple[Approval, ...]
    audit_head: str | None = None  # the audit chain's head when printed, SEQ:HASH, for `pos audit verify --anchor`


@dataclass(frozen=True)
class DepositDrawer:
    """One drawer's part of a deposit, and how it reconciles with what the drawer collected."""

    session_id: str
    terminal_id: str
    operator_id: str
    business_date: date
    cash_cents: int  # counted cash minus the float kept
    items_cents: int
    drops_cents: int = 0  # cash the drawer dropped to the safe during the day: it goes into the bag too
    collections_cents: int = 0  # payments less change and voids, in cash, checks and money orders
    over_short_cents: int = 0  # the close's over (+) or short (-) in those tenders
    paid_outs_cents: int = 0  # cash paid out of the drawer (>= 0)
    loans_cents: int = 0  # change brought into the drawer from the safe (>= 0)
    float_change_cents: int = 0  # opening float less the float kept for tomorrow

    @property
    def deposit_cents(self) -> int:
        return self.cash_cents + self.drops_cents + self.items_cents

    @property
    def reconciled_cents(self) -> int:
        """What the deposit should be from the drawer's day: it equals ``deposit_cents`` for a sound deposit."""
        return (self.collections_cents + self.over_short_cents - self.paid_outs_cents + self.loans_cents
                + self.float_change_cents)


@dataclass(frozen=True)
class DepositItem:
    tender: str
    reference: str
    amount_cents: int
    terminal_id: str
    receipt_number: str | None


@dataclass(frozen=True)
class DepositSlip:
    """The bank deposit built from closed, verified drawers."""

    deposit_id: str
    bag_number: str
    site_name: str
    business_date: date
    prepared_at: str
    prepared_by: str
    drawers: tuple[DepositDrawer, ...]
    cash: tuple[DenominationCount, ...]  # counted cash minus the floats kept, summed over the drawers
    items: tuple[DepositItem, ...]  # checks, money orders, cashier's checks
    cash_cents: int
    items_cents: int
    total_cents: int
    audit_head: str | None = None  # the audit chain's head when printed, SEQ:HASH, for `pos audit verify --anchor`

    def of_drawers(self, name: str) -> int:
        """One reconciliation figure summed over the drawers (``collections_cents``, ``drops_cents`` …)."""
        return sum(getattr(drawer, name) for drawer in self.drawers)


@dataclass(frozen=True)
class MovementSlip:
    """Printed for a drop, paid-out, loan or no-sale: the paper that goes with the cash."""

    site_name: str
    terminal_id: str
    operator_id: str
    operator_name: str
    movement: Movement
    cash_in_drawer_cents: int | None  # expected cash after the movement; None under a blind close (never shown)


@dataclass(frozen=True)
class OverShortRow:
    """One closed drawer in a cashier's over/short history."""

    business_date: date
    session_id: str
    terminal_id: str
    operator_id: str
    operator_name: str
    expected_cents: int
    counted_cents: int
    over_short_cents: int
    cash_over_short_cents: int
    signed_off_by: str | None
    verified_by: str | None
