"""Reading the ledger's CSV files: line-by-line UTF-8 decoding, BOM and CRLF, exact headers."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import BinaryIO, Callable, Iterator

from pos.core.cards import find_card_number, has_long_digit_run
from pos.core.errors import ImportProblem

MAX_LISTED_PROBLEMS = 10_000
TRUE = frozenset({"true", "1", "yes", "y", "t"})
FALSE = frozenset({"false", "0", "no", "n", "f"})
# ASCII digits only: Python's \d and int() also take "١٢٣" (Arabic-Indic) or fullwidth digits as numbers.
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_INT = re.compile(r"^-?[0-9]{1,15}$")
CARD_NUMBER = ("holds what looks like a full card number; card numbers are never stored: take it out of the "
               "file and export it again")


@dataclass
class Problems:
    """Every bad row found so far; only the first MAX_LISTED_PROBLEMS are kept in full."""

    listed: list[ImportProblem] = field(default_factory=list)
    total: int = 0

    def add(self, line: int, column: str, reason: str) -> None:
        self.total += 1
        if len(self.listed) < MAX_LISTED_PROBLEMS:
            self.listed.append(ImportProblem(line, column, reason))

    def __bool__(self) -> bool:
        return self.total > 0


class _DecodedLines:
    """Decodes each physical line on its own, so a bad byte is reported with its line number.

    ``suspect`` is set when a line holds 13 or more digits in a row: only the rows read since then are
    searched field by field for a card number (a quick look that keeps a million-row import fast).
    """

    def __init__(self, handle: BinaryIO, problems: Problems, on_bytes: Callable[[int], None] | None) -> None:
        self.handle = handle
        self.problems = problems
        self.on_bytes = on_bytes
        self.line = 0
        self.suspect = False

    def __iter__(self) -> Iterator[str]:
        for raw in self.handle:
            self.line += 1
            if self.on_bytes is not None:
                self.on_bytes(len(raw))
            if self.line == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            if b"\x00" in raw:  # PostgreSQL refuses NUL in text; a file holding one is damaged anyway
                self.problems.add(self.line, "(line)", f"holds a NUL byte (0x00) at position "
                                                       f"{raw.index(0) + 1}; the file is damaged")
                raw = raw.replace(b"\x00", b"?")
            if has_long_digit_run(raw):
                self.suspect = True
            try:
                yield raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                self.problems.add(self.line, "(line)", f"not UTF-8 text (byte 0x{raw[exc.start]:02x} at position "
                                                       f"{exc.start + 1}); save the file as UTF-8")
                yield raw.decode("utf-8", errors="replace")


def read_rows(path: Path, columns: tuple[str, ...], problems: Problems,
              on_bytes: Callable[[int], None] | None = None) -> Iterator[tuple[int, list[str]]]:
    """Yield ``(line number, fields)`` for each data row after checking the header row.

    Rows with the wrong number of fields are reported to ``problems`` and skipped.
    """
    with open(path, "rb") as handle:
        lines = _DecodedLines(handle, problems, on_bytes)
        reader = csv.reader(lines, strict=True)
        try:
            header = next(reader)
        except StopIteration:
            problems.add(1, "(header)", "the file is empty; expected a header row")
            return
        except csv.Error as exc:
            problems.add(1, "(header)", f"not readable as CSV: {exc}")
            return
        if lines.suspect:
            problems.add(1, "(header)", CARD_NUMBER)
            return
        header = [name.strip() for name in header]
        missing = [c for c in columns if c not in header]
        extra = [c for c in header if c not in columns]
        if missing or extra or len(header) != len(columns):
            if missing:
                problems.add(1, ", ".join(missing), "missing column" + ("s" if len(missing) > 1 else ""))
            if extra:
                problems.add(1, ", ".join(extra), "unexpected column" + ("s" if len(extra) > 1 else ""))
            if not missing and not extra:
                problems.add(1, "(header)", "a column is listed twice")
            return
        order = [header.index(c) for c in columns]
        in_order = order == list(range(len(columns)))
        width = len(columns)
        while True:
            lines.suspect = False
            try:
                fields = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                problems.add(lines.line, "(line)", f"not readable as CSV: {exc}")
                continue
            line = lines.line
            if not fields:
                continue  # a blank line
            if len(fields) != width:
                problems.add(line, "(row)", f"expected {width} columns, found {len(fields)}")
                continue
            row = fields if in_order else [fields[i] for i in order]
            if lines.suspect:
                # Rule 6: the row is reported without its text, and not passed on, so no other check quotes it.
                found = [name for name, text in zip(columns, row) if find_card_number(text)]
                if found:
                    for name in found:
                        problems.add(line, name, CARD_NUMBER)
                    continue
            yield line, row


def file_size(path: Path) -> int:
    return path.stat().st_size


def refusal(path: Path, problems: Problems) -> str:
    more = problems.total - len(problems.listed)
    tail = f" ({more} more not listed)" if more > 0 else ""
    return (f"{Path(path).name}: {problems.total} bad row{'s' if problems.total != 1 else ''}{tail}; "
            f"nothing was imported")


def parse_int(line: int, column: str, text: str, problems: Problems, *, negative: bool) -> int | None:
    text = text.strip()
    if not text:
        problems.add(line, column, "is empty")
        return None
    if not _INT.match(text):
        problems.add(line, column, f"{text!r} is not a whole number of cents")
        return None
    value = int(text)
    if value < 0 and not negative:
        problems.add(line, column, "cannot be negative")
        return None
    return value


def one_line(line: int, column: str, text: str, problems: Problems) -> bool:
    """A name, address or description is one line: a line break inside it (a quoted field) is refused."""
    if "\n" in text or "\r" in text:
        problems.add(line, column, "holds a line break; names and addresses are one line")
        return False
    return True


def parse_date(line: int, column: str, text: str, problems: Problems, *, required: bool) -> str | None:
    text = text.strip()
    if not text:
        if required:
            problems.add(line, column, "is empty")
        return None
    if not _DATE.match(text):
        problems.add(line, column, f"{text!r} is not a date (YYYY-MM-DD)")
        return None
    try:
        date.fromisoformat(text)
    except ValueError:
        problems.add(line, column, f"{text!r} is not a real date")
        return None
    return text


def parse_bool(line: int, column: str, text: str, problems: Problems) -> bool | None:
    value = text.strip().lower()
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    problems.add(line, column, f"{text!r} is not true or false")
    return None
