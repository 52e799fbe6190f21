"""Money at the edges: parse typed amounts into integer cents, format cents for people."""

from __future__ import annotations

import re

from pos.core.errors import InputError

_AMOUNT = re.compile(r"^(?P<whole>\d{1,3}(?:,\d{3})+|\d+)?(?:\.(?P<frac>\d*))?$")


def parse_cents(
    text: str,
    *,
    field: str = "amount",
    maximum_cents: int | None = None,
    allow_negative: bool = False,
    allow_zero: bool = True,
) -> int:
    """Turn what a person typed (``12``, ``12.3``, ``$1,234.56``) into integer cents.

    Raises ``InputError`` naming ``field`` and the reason for anything else.
    """
    if text is None:
        raise InputError(field, "is empty")
    raw = text.strip().replace(" ", "")
    if not raw:
        raise InputError(field, "is empty")
    negative = False
    if raw.startswith("-"):
        negative = True
        raw = raw[1:]
    elif raw.startswith("(") and raw.endswith(")"):
        negative = True
        raw = raw[1:-1]
    if raw.startswith("$"):
        raw = raw[1:]
    if raw.startswith("-") and not negative:
        negative = True
        raw = raw[1:]
    match = _AMOUNT.match(raw)
    if match is None or (match.group("whole") is None and not match.group("frac")):
        if any(ch.isalpha() for ch in raw):
            raise InputError(field, f"'{text.strip()}' is not an amount: letters are not allowed")
        if raw.count(".") > 1:
            raise InputError(field, f"'{text.strip()}' is not an amount: more than one decimal point")
        raise InputError(field, f"'{text.strip()}' is not an amount")
    whole = (match.group("whole") or "0").replace(",", "")
    frac = match.group("frac") or ""
    if len(frac) > 2:
        raise InputError(field, f"'{text.strip()}' has more than two decimals (whole cents only)")
    cents = int(whole) * 100 + int(frac.ljust(2, "0"))
    if negative and cents:
        if not allow_negative:
            raise InputError(field, "cannot be negative")
        cents = -cents
    if cents == 0 and not allow_zero:
        raise InputError(field, "must be more than zero")
    if maximum_cents is not None and abs(cents) > maximum_cents:
        raise InputError(field, f"{format_cents(cents)} is above the maximum of {format_cents(maximum_cents)}")
    return cents


def format_cents(cents: int, *, symbol: str = "$") -> str:
    """``123456`` → ``$1,234.56``; negatives as ``-$12.00``."""
    if not isinstance(cents, int) or isinstance(cents, bool):
        raise TypeError(f"money must be int cents, got {type(cents).__name__}")
    sign = "-" if cents < 0 else ""
    whole, frac = divmod(abs(cents), 100)
    return f"{sign}{symbol}{whole:,}.{frac:02d}"


def format_plain(cents: int) -> str:
    """``123456`` → ``1234.56``: for fields a person edits again."""
    sign = "-" if cents < 0 else ""
    whole, frac = divmod(abs(cents), 100)
    return f"{sign}{whole}.{frac:02d}"
