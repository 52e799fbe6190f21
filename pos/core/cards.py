"""Rule 6: the one guard that keeps a full card number out of every text the terminal stores or prints.

A card number is 13 to 19 digits that pass the Luhn check, typed with or without a single space or
dash between digits ("4111 1111 1111 1111", "4111-1111-1111-1111"). It is found anywhere inside a
text ("card 4111111111111111 exp 12/27"), and inside a longer run of digits too ("4111111111111111-1"):
every 13-19 digit window of a run is checked, because the digits around a card number do not make
it any less a card number. A refusal names the field and never echoes what was typed.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from pos.core.errors import InputError

if TYPE_CHECKING:
    from pos.core.settings import ScanLineSettings

SHORTEST = 13
LONGEST = 19
REFUSAL = ("looks like a full card number; card numbers are never entered or stored "
           "(use the last four digits and the authorisation code)")

# Between two digits of one card number: nothing, or one space or dash (the look-alikes a keyboard,
# a word processor or a copied web page put there count as well).
_SEPARATOR = "[ \\-\u00a0\u2007\u202f\u2010-\u2015\u2212]"
# A run of at least 13 digits, each one apart from the next by at most one separator.
_RUN = re.compile(rf"\d(?:{_SEPARATOR}?\d){{{SHORTEST - 1},}}")
# Where such a run can be: 13 or more digits and separators in a row. One character class is a fast
# first look (the import reads a million lines through it); the run itself is only sought inside.
_STRETCH = re.compile(rf"[\d{_SEPARATOR[1:-1]}]{{{SHORTEST},}}")


def _runs(text: str):  # noqa: ANN202 - an iterator of matches
    for stretch in _STRETCH.finditer(text):
        yield from _RUN.finditer(stretch.group())


# For ASCII text, faster still: every digit, space and dash becomes "1", anything else "0"; a stretch is
# then thirteen "1"s in a row, found by a plain substring search.
_ASCII_STRETCH = bytes(0x31 if chr(code) in "0123456789 -" else 0x30 for code in range(256))
_THIRTEEN = b"1" * SHORTEST


def has_long_digit_run(text: str | bytes) -> bool:
    """Cheap first look: does ``text`` hold 13 or more digits in a row (single separators allowed)?

    Bytes are read as UTF-8 (an import reads raw lines, and looks at them before decoding).
    """
    if isinstance(text, bytes):
        if not text.isascii():
            return has_long_digit_run(text.decode("utf-8", errors="replace"))
        if _THIRTEEN not in text.translate(_ASCII_STRETCH):
            return False
        text = text.decode("ascii")
    elif text.isascii() and _THIRTEEN not in text.encode("ascii").translate(_ASCII_STRETCH):
        return False
    return next(_runs(text), None) is not None


def find_card_number(text: str | None) -> bool:
    """True when ``text`` holds, anywhere, a 13-19 digit Luhn-valid number (single spaces or dashes allowed)."""
    if not text:
        return False
    for run in _runs(text):
        if _has_luhn_window([int(ch) for ch in run.group() if ch.isdigit()]):
            return True
    return False


def refuse_card_number(field: str, text: str | None, *, scan_line: ScanLineSettings | None = None) -> None:
    """Refuse ``text`` for ``field`` if it holds a full card number; the message never quotes it.

    Where a bill stub may be scanned (a lookup box), pass the stub layout: a text that is a scan line
    of that layout as a whole is a stub, not a card number, and is left to the scan-line parser.
    """
    if not find_card_number(text):
        return
    if scan_line is not None:
        from pos.core.scanline import looks_like_scan_line

        if looks_like_scan_line(text, scan_line):
            return
    raise InputError(field, REFUSAL)


def mask_card_numbers(text: str, mask: str) -> str:
    """``text`` with every run of digits that holds a card number (as ``find_card_number`` sees it) replaced
    by ``mask``: for text that is written whatever it holds, such as a log line."""

    def masked(run: re.Match[str]) -> str:
        return mask if _has_luhn_window([int(ch) for ch in run.group() if ch.isdigit()]) else run.group()

    return _RUN.sub(masked, text)


def is_card_number_refusal(error: BaseException) -> bool:
    """Did this error refuse a card number (so a screen also clears the field that held it)?"""
    return isinstance(error, InputError) and error.reason == REFUSAL


def _has_luhn_window(digits: list[int]) -> bool:
    count = len(digits)
    # doubled[i]: digit i's share of a Luhn sum when it sits at an even distance from the window's end
    # (the check digit is at distance 0, and every second digit before it is doubled).
    doubled = [d * 2 - 9 if d > 4 else d * 2 for d in digits]
    for end in range(SHORTEST - 1, count):
        total = 0
        # Walk back from the check digit; the running sum at each length is that window's Luhn sum.
        for distance in range(min(LONGEST, end + 1)):
            index = end - distance
            total += doubled[index] if distance % 2 else digits[index]
            if distance + 1 >= SHORTEST and total % 10 == 0:
                return True
    return False
