"""Bill-stub scan lines: the configured layout and its mod-10 (Luhn) check digit."""

from __future__ import annotations

from dataclasses import dataclass

from pos.core.errors import ScanLineError
from pos.core.settings import ScanLineSettings


@dataclass(frozen=True)
class StubScanned:
    account_number: str
    amount_due_cents: int


def luhn_check_digit(digits: str) -> int:
    """The digit that makes ``digits + check`` pass the Luhn (mod 10) test."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = ord(char) - 48
        if index % 2 == 0:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return (10 - total % 10) % 10


def luhn_valid(number: str) -> bool:
    return len(number) > 1 and number.isdigit() and luhn_check_digit(number[:-1]) == int(number[-1])


def normalise(text: str) -> str:
    return "".join(ch for ch in text.strip() if ch not in " -")


def looks_like_scan_line(text: str, layout: ScanLineSettings) -> bool:
    value = normalise(text)
    return len(value) == layout.length and value.isascii() and value.isdigit()


def parse_scan_line(text: str, layout: ScanLineSettings) -> StubScanned:
    """Read account number and amount due from a stub; refuse a bad length or check digit."""
    value = normalise(text)
    if not value:
        raise ScanLineError("scan line: is empty")
    if not (value.isascii() and value.isdigit()):
        raise ScanLineError("scan line: must be digits only")
    if len(value) != layout.length:
        raise ScanLineError(f"scan line: has {len(value)} digits, the stub layout has {layout.length}")
    if layout.check_digit == "mod10":
        position = layout.check_digit_position
        expected = luhn_check_digit(value[:position])
        if int(value[position]) != expected:
            raise ScanLineError("scan line: the check digit is wrong (mod 10); rescan the stub or key the account")
    account = value[layout.account_start:layout.account_start + layout.account_length]
    amount = int(value[layout.amount_start:layout.amount_start + layout.amount_length])
    return StubScanned(account, amount)


def make_scan_line(account_number: str, amount_due_cents: int, layout: ScanLineSettings) -> str:
    """Build a stub line for an account (the demo prints these; tests scan them)."""
    digits = ["0"] * layout.length
    account = account_number.zfill(layout.account_length)[-layout.account_length:]
    amount = str(amount_due_cents).zfill(layout.amount_length)[-layout.amount_length:]
    digits[layout.account_start:layout.account_start + layout.account_length] = account
    digits[layout.amount_start:layout.amount_start + layout.amount_length] = amount
    if layout.check_digit == "mod10":
        digits[layout.check_digit_position] = str(luhn_check_digit("".join(digits[:layout.check_digit_position])))
    return "".join(digits)
