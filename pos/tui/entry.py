"""What the cashier typed into a field, checked at the edge: each refusal names the field and the reason.

Every check looks for a full card number first (rule 6), so a card number is never echoed back in
a message (an amount parser would quote it) and the screen can clear the field that held it.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from pos.core.errors import InputError
from pos.core.money import format_cents, parse_cents
from pos.core.scanline import looks_like_scan_line, normalise
from pos.core.tenders import REFERENCE_LENGTH, check_reference, refuse_card_number

if TYPE_CHECKING:
    from pos.core.settings import Settings

_DIGITS = re.compile(r"^\d+$")
_LETTERS_AND_DIGITS = re.compile(r"^[A-Za-z0-9]+$")


def is_card_number_refusal(error: InputError) -> bool:
    return "full card number" in error.reason


def amount_cents(text: str, field: str, settings: Settings) -> int:
    """A money amount of more than zero, at most the configured maximum."""
    refuse_card_number(field, text)
    return parse_cents(text, field=field, maximum_cents=settings.money.max_amount_cents, allow_zero=False)


def amount_or_zero(text: str, field: str, settings: Settings) -> int:
    """A total that may be nothing (a card settlement, the float kept): empty is zero."""
    refuse_card_number(field, text)
    return parse_cents(text.strip() or "0", field=field, maximum_cents=settings.money.max_amount_cents,
                       allow_zero=True)


def count(text: str, field: str, denomination_cents: int, settings: Settings) -> int:
    """How many bills, coins or rolls of one denomination: a whole number, zero or more."""
    refuse_card_number(field, text)
    value = text.strip()
    if not value:
        raise InputError(field, "is empty (type 0 when there are none)")
    if value.startswith("-") and value[1:].strip().isdigit():
        raise InputError(field, "cannot be negative")
    if not (value.isascii() and value.isdigit()):
        raise InputError(field, f"'{value}' is not a whole number")
    how_many = int(value)
    if how_many * denomination_cents > settings.money.max_amount_cents:
        raise InputError(field, f"{how_many} makes more than the maximum amount "
                                f"{format_cents(settings.money.max_amount_cents)}")
    return how_many


def number(text: str, field: str, *, required: bool = True) -> str | None:
    """A check, money order or trace number as printed on the item: the domain's one rule for references
    (letters, digits, dash and slash, so "MO-5005" is taken here as the payment service and the close take it)."""
    return check_reference(field, text, required=required)


def authorisation_code(text: str, field: str = "authorisation code") -> str:
    """The card terminal's approval code: letters and digits."""
    refuse_card_number(field, text)
    value = text.strip().upper()
    if not value:
        raise InputError(field, "is required")
    if not _LETTERS_AND_DIGITS.match(value):
        raise InputError(field, f"'{value}' may hold only letters and digits")
    if len(value) > REFERENCE_LENGTH:
        raise InputError(field, f"is longer than {REFERENCE_LENGTH} characters")
    return value


def last_four(text: str, field: str = "last four digits") -> str:
    refuse_card_number(field, text)
    value = text.strip()
    if len(value) != 4 or not _DIGITS.match(value):
        raise InputError(field, "must be exactly 4 digits (the end of the card number)")
    return value


def card_type(text: str, card_types: list[str], field: str = "card type") -> str:
    """One of the configured card types; a unique beginning is enough (v → VISA)."""
    refuse_card_number(field, text)
    value = text.strip().upper()
    if value in card_types:
        return value
    matches = [name for name in card_types if value and name.startswith(value)]
    if len(matches) == 1:
        return matches[0]
    raise InputError(field, f"choose one of {', '.join(card_types)}")


def free_text(text: str, field: str, *, max_length: int, required: bool = False) -> str | None:
    """A note or a reason: any words, never a card number."""
    refuse_card_number(field, text)
    value = " ".join(text.split())
    if not value:
        if required:
            raise InputError(field, "is required")
        return None
    if len(value) > max_length:
        raise InputError(field, f"is longer than {max_length} characters")
    return value


def scanned_stub(text: str, settings: Settings) -> str | None:
    """The scan line at the end of what a field received, when a stub was scanned into it; else None.

    A scanner types into whichever field has the focus; what it typed is the stub's digits, after
    anything the field already held. No amount or reference is that long, so it is never mistaken.
    """
    value = normalise(text)
    length = settings.scan_line.length
    if len(value) < length or not (value.isascii() and value.isdigit()):
        return None
    tail = value[-length:]
    return tail if looks_like_scan_line(tail, settings.scan_line) else None


def check(kind: str, text: str, field: str, settings: Settings) -> object:
    """Check one field by its kind (see ``FormField.kind``); returns the value it stands for."""
    if kind == "amount":
        return amount_cents(text, field, settings)
    if kind == "cash-amount":
        # A typed 0 is "no cash": the payment service drops it when other tenders cover the total, else names it.
        return amount_or_zero(text, field, settings) if text.strip() else amount_cents(text, field, settings)
    if kind == "number":
        return number(text, field)
    if kind == "optional-number":
        return number(text, field, required=False)
    if kind == "authorisation":
        return authorisation_code(text, field)
    if kind == "last4":
        return last_four(text, field)
    if kind == "card-type":
        return card_type(text, list(settings.tenders.card_types), field)
    raise ValueError(f"unknown field kind {kind!r}")


_RECEIPT = re.compile(r"^[A-Za-z0-9]{1,16}-[A-Za-z0-9-]+$")
_TERMINAL = re.compile(r"^[A-Za-z][A-Za-z0-9]{0,15}$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def payment_search(text: str, settings: Settings) -> dict[str, object]:
    """A supervisor's search of every terminal's payments, as ``find_payments`` takes it.

    Words separated by spaces, each one criterion: a receipt number (T02-000017), a business date
    (2026-11-28), an amount with its point or currency sign (12.34, $12.34), an account number
    (digits), a terminal id (T02). Raises ``InputError`` naming the word that is none of them.
    """
    from datetime import date

    found: dict[str, object] = {}
    for word in text.split():
        refuse_card_number("search", word)
        if _DATE.match(word):
            try:
                found["business_date"] = date.fromisoformat(word)
            except ValueError:
                raise InputError("search", f"{word} is not a date (YYYY-MM-DD)") from None
        elif _RECEIPT.match(word):
            found["receipt_number"] = word.upper()
        elif word.isascii() and word.isdigit():
            found["account_number"] = word
        elif _TERMINAL.match(word):
            found["terminal_id"] = word.upper()
        else:
            try:
                if not word.isascii():
                    raise InputError("search", "is not plain digits")
                found["amount_cents"] = amount_cents(word.removeprefix(settings.money.currency_symbol), "search",
                                                     settings)
            except InputError:
                raise InputError("search", f"“{word}” is not a receipt number, account number, amount (12.34), "
                                           "date (YYYY-MM-DD) or terminal id") from None
    return found
