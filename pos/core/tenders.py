"""Tenders: what the cashier was handed, checked field by field, and the change it makes."""

from __future__ import annotations

import re
from dataclasses import dataclass

from pos.core.cards import refuse_card_number  # noqa: F401 - its home is pos.core.cards; imported here too
from pos.core.errors import InputError, PosError
from pos.core.money import format_cents
from pos.core.settings import Settings

TENDER_LABELS = {
    "cash": "Cash",
    "check": "Check",
    "money_order": "Money order",
    "cashiers_check": "Cashier's check",
    "card": "Card",
    "ach": "ACH",
}
NEEDS_REFERENCE = {"check": "check number", "money_order": "money order number",
                   "cashiers_check": "check number", "card": "authorisation code", "ach": "trace number"}
_REFERENCE = re.compile(r"^[A-Z0-9][A-Z0-9/-]*$")
_REFERENCE_PUNCTUATION = re.compile(r"[-/]")
REFERENCE_LENGTH = 20


class TenderError(PosError):
    title = "Tender"


@dataclass(frozen=True)
class TenderEntry:
    """One tender as entered. For cash, ``amount_cents`` is what the customer handed over."""

    type: str
    amount_cents: int
    reference: str | None = None
    card_type: str | None = None
    card_last4: str | None = None


@dataclass(frozen=True)
class AppliedTender:
    """A tender as posted: the amount applied to the payment, and for cash what was handed and given back."""

    type: str
    amount_cents: int
    tendered_cents: int | None
    change_cents: int
    reference: str | None
    card_type: str | None
    card_last4: str | None


def check_reference(field: str, value: str | None, *, required: bool) -> str | None:
    """The one rule for a check, money order, authorisation or trace number, when a payment takes it and when
    the close counts it: ASCII letters and digits (stored in capitals), dash and slash, at most 20."""
    refuse_card_number(field, value)
    text = (value or "").strip().upper()
    if not text:
        if required:
            raise InputError(field, "is required")
        return None
    if len(text) > REFERENCE_LENGTH:
        raise InputError(field, f"is longer than {REFERENCE_LENGTH} characters")
    if not _REFERENCE.match(text):
        raise InputError(field, "may hold only letters, digits, dash and slash")
    return text


def reference_key(value: str | None) -> str:
    """What two references must share to be the same item: "MO-5005", "mo5005" and "MO/5005" are one."""
    return _REFERENCE_PUNCTUATION.sub("", (value or "").strip().upper())


def check_tender(entry: TenderEntry, settings: Settings) -> TenderEntry:
    """Field-level checks of one tender; returns it normalised."""
    if entry.type not in TENDER_LABELS:
        raise InputError("tender", f"{entry.type!r} is not a tender type")
    if entry.type not in settings.tenders.enabled:
        raise InputError("tender", f"{TENDER_LABELS[entry.type]} is not taken at this site")
    label = TENDER_LABELS[entry.type]
    if not isinstance(entry.amount_cents, int) or isinstance(entry.amount_cents, bool):
        raise InputError(f"{label} amount", "must be whole cents")
    if entry.amount_cents <= 0:
        raise InputError(f"{label} amount", "must be more than zero")
    if entry.amount_cents > settings.money.max_amount_cents:
        raise InputError(f"{label} amount", "is above the configured maximum amount")
    reference = None
    card_type = card_last4 = None
    if entry.type in NEEDS_REFERENCE:
        reference = check_reference(NEEDS_REFERENCE[entry.type], entry.reference,
                                    required=entry.type in ("check", "money_order", "cashiers_check", "card"))
    elif entry.reference:
        refuse_card_number("reference", entry.reference)
    if entry.type == "card":
        refuse_card_number("card type", entry.card_type)
        card_type = (entry.card_type or "").strip().upper()
        if card_type not in settings.tenders.card_types:
            raise InputError("card type", f"choose one of {', '.join(settings.tenders.card_types)}")
        refuse_card_number("last four digits", entry.card_last4)
        card_last4 = (entry.card_last4 or "").strip()
        if len(card_last4) != 4 or not card_last4.isdigit():
            raise InputError("last four digits", "must be exactly 4 digits")
    return TenderEntry(entry.type, entry.amount_cents, reference, card_type, card_last4)


def drop_zero_cash(total_due_cents: int, entries: list[TenderEntry] | tuple[TenderEntry, ...]) -> list[TenderEntry]:
    """A cash row of 0 is the cashier saying "no cash": dropped when the other tenders cover the total.

    Alone, or beside tenders that do not cover the total, it stays, and ``check_tender`` refuses it
    naming the field.
    """
    kept = [e for e in entries if not (e.type == "cash" and e.amount_cents == 0)]
    if len(kept) == len(entries) or not kept:
        return list(entries)
    if not all(isinstance(e.amount_cents, int) for e in kept):
        return list(entries)  # check_tender names the bad amount
    return kept if sum(e.amount_cents for e in kept) >= total_due_cents else list(entries)


def apply_tenders(total_due_cents: int, entries: list[TenderEntry], *, cash_back_allowed: bool = False
                  ) -> list[AppliedTender]:
    """Decide how much of each tender pays the total and how much change cash gives.

    Non-cash tenders are applied first and never make change (unless cash back is allowed);
    cash covers the rest, and what cash exceeds it by is the change.
    """
    if not entries:
        raise TenderError("Add a tender: the payment has none")
    non_cash = sum(e.amount_cents for e in entries if e.type != "cash")
    cash = sum(e.amount_cents for e in entries if e.type == "cash")
    handed = non_cash + cash
    if handed < total_due_cents:
        raise TenderError(f"Tenders {format_cents(handed)} do not cover the total {format_cents(total_due_cents)}: "
                          f"{format_cents(total_due_cents - handed)} short")
    if non_cash > total_due_cents and not cash_back_allowed:
        raise TenderError(f"Checks, cards and other non-cash tenders ({format_cents(non_cash)}) exceed the total "
                          f"{format_cents(total_due_cents)}; only cash makes change")
    # Change comes out of cash, last cash tender first; only a site allowing cash back lets a check give it.
    remaining = handed - total_due_cents
    gives = [0] * len(entries)
    for kinds in (("cash",), tuple(TENDER_LABELS)):
        for index in reversed(range(len(entries))):
            if remaining and entries[index].type in kinds:
                give = min(remaining, entries[index].amount_cents - gives[index])
                gives[index] += give
                remaining -= give
    return [
        AppliedTender(e.type, e.amount_cents - give, e.amount_cents if e.type == "cash" or give else None, give,
                      e.reference, e.card_type, e.card_last4)
        for e, give in zip(entries, gives)
    ]
