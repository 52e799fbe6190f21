"""One receipt layout for every device: structured lines with style hints, and the plain-text rendering."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from pos.core.money import format_cents
from receipts.model import Receipt, ReceiptLine, ReceiptTender

MIN_COLUMNS = 24
REPRINT_BANNER = "*** REPRINT ***"
INDENT = "  "

_TENDER_NAMES = {
    "cash": "Cash",
    "check": "Check",
    "money_order": "Money order",
    "cashiers_check": "Cashier's check",
    "card": "Card",
    "ach": "ACH",
}


@dataclass(frozen=True)
class LayoutLine:
    """One printed line, already fitted to the paper width.

    ``text`` is final: centred lines are padded on the left and amounts are right-aligned with
    spaces, so a renderer prints it as is and only applies the style hints. ``barcode`` asks a
    renderer that can draw barcodes to draw that value in place of ``text`` (which then shows the
    same value as the human-readable line).
    """

    text: str
    bold: bool = False
    double_height: bool = False
    centred: bool = False
    barcode: str | None = None


def render_text(receipt: Receipt, columns: int, *, symbol: str = "$") -> str:
    """The receipt as plain text, every line at most ``columns`` wide, ending with a newline."""
    return "".join(line.text + "\n" for line in layout_lines(receipt, columns, symbol=symbol))


def layout_lines(receipt: Receipt, columns: int, *, symbol: str = "$") -> tuple[LayoutLine, ...]:
    """The receipt laid out for a paper ``columns`` characters wide (32, 42 or 48)."""
    if not isinstance(columns, int) or columns < MIN_COLUMNS:
        raise ValueError(f"columns must be an int of at least {MIN_COLUMNS}, got {columns!r}")
    page = _Page(columns, symbol)
    if receipt.reprint:
        page.centre(REPRINT_BANNER, bold=True)
    for index, text in enumerate(receipt.header):
        page.centre(text, bold=index == 0, double_height=index == 0)
    if receipt.copies > 1:
        page.centre(f"Copy {receipt.copy} of {receipt.copies}")
    page.rule("=")
    if receipt.kind == "void":
        page.centre("VOID", bold=True, double_height=True)
        if receipt.voids_receipt_number:
            page.centre(f"VOID of receipt {receipt.voids_receipt_number}", bold=True)
    else:
        page.centre("PAYMENT RECEIPT", bold=True)
    page.rule()
    _identity(page, receipt)
    page.rule()
    for line in receipt.lines:
        _line(page, line)
    page.rule()
    total_label = "TOTAL VOIDED" if receipt.kind == "void" else "TOTAL"
    page.pair(total_label, page.money(receipt.total_cents), bold=True, double_height=True)
    for tender in receipt.tenders:
        if receipt.kind == "void":
            _refund(page, tender)
        else:
            _tender(page, tender)
    if receipt.kind == "void":
        page.rule()
        page.text(f"Void reason: {receipt.void_reason or receipt.note or 'not given'}")
    if receipt.flags:
        page.rule("*")
        for flag in receipt.flags:
            page.centre(flag, bold=True)
        page.rule("*")
    if receipt.note and receipt.kind != "void":
        page.rule()
        page.text(f"Note: {receipt.note}")
    # A void slip is not a thank-you: the site's footer (thanks, pay online) is for payments only.
    if receipt.footer and receipt.kind != "void":
        page.blank()
        for text in receipt.footer:
            page.centre(text)
    page.blank()
    page.barcode(receipt.receipt_number)
    if receipt.reprint:
        page.centre(REPRINT_BANNER, bold=True)
    return tuple(page.lines)


def display_width(text: str) -> int:
    """Columns ``text`` takes: wide (CJK) characters count two, everything else one."""
    return sum(_char_width(ch) for ch in text)


def _identity(page: _Page, receipt: Receipt) -> None:
    page.pair("Receipt", receipt.receipt_number)
    page.pair("Date", receipt.posted_at.strftime("%Y-%m-%d %H:%M"))
    page.pair("Business date", receipt.business_date.isoformat())
    page.pair("Terminal", receipt.terminal_id)
    cashier = receipt.cashier
    if receipt.cashier_id and receipt.cashier_id != receipt.cashier:
        cashier = f"{receipt.cashier} ({receipt.cashier_id})"
    page.pair("Cashier", cashier)
    if receipt.reprinted_at is not None:
        page.pair("Reprinted", receipt.reprinted_at.strftime("%Y-%m-%d %H:%M"))
    if receipt.reprinted_by:
        page.pair("Reprinted by", receipt.reprinted_by)
    if receipt.approved_by:
        page.pair("Approved by", receipt.approved_by)
    elif receipt.kind == "void":
        page.pair("Approved by", "not required")


def _line(page: _Page, line: ReceiptLine) -> None:
    amount = page.money(line.amount_cents)
    if line.account_number:
        page.pair(f"Account {line.account_number}", amount)
        for detail in (line.name, line.service_address):
            if detail:
                page.text(detail, indent=INDENT)
        if line.balance_before_cents is not None:
            page.pair("Amount due", page.money(line.balance_before_cents), indent=INDENT)
        if line.balance_after_cents is not None and line.balance_after_cents < 0:
            page.pair("Credit balance", page.money(-line.balance_after_cents), indent=INDENT)
        elif line.balance_after_cents is not None:
            page.pair("New balance", page.money(line.balance_after_cents), indent=INDENT)
    elif line.fee_code:
        page.pair(f"Fee {line.fee_code}", amount)
        if line.description:
            page.text(line.description, indent=INDENT)
    else:
        page.pair(line.description or line.name or "Payment", amount)


def _tender(page: _Page, tender: ReceiptTender) -> None:
    page.pair(tender_label(tender), page.money(tender.amount_cents))
    if tender.type == "cash" and tender.tendered_cents is not None:
        page.pair("Cash tendered", page.money(tender.tendered_cents), indent=INDENT)
        page.pair("Change", page.money(tender.change_cents), indent=INDENT)
    elif tender.change_cents:
        page.pair("Change", page.money(tender.change_cents), indent=INDENT)


def _refund(page: _Page, tender: ReceiptTender) -> None:
    """A void slip says what went back to the customer, as a positive amount: never a negative tender."""
    back = -tender.amount_cents
    if tender.type == "cash":
        page.pair("Refunded cash", page.money(back))
    else:
        verb = "Reversed" if tender.type in ("card", "ach") else "Returned"
        page.pair(f"{verb} {tender_label(tender)}", page.money(back))


def tender_label(tender: ReceiptTender) -> str:
    """``Cash``, ``Check #1234``, ``VISA ****1234 Auth 123456``, ``ACH trace 0912…``."""
    if tender.type == "card":
        parts = [tender.card_type or "Card"]
        last4 = _last_four(tender.card_last4)
        if last4:
            parts.append(f"****{last4}")
        if tender.reference:
            parts.append(f"Auth {tender.reference}")
        return " ".join(parts)
    name = _TENDER_NAMES.get(tender.type, tender.type.replace("_", " ").capitalize())
    if not tender.reference or tender.type == "cash":
        return name
    if tender.type == "ach":
        return f"{name} trace {tender.reference}"
    return f"{name} #{tender.reference}"


def _last_four(value: str | None) -> str:
    # Whatever arrives, a receipt never shows more than the last four digits of a card (rule 6).
    if not value:
        return ""
    return "".join(ch for ch in value if ch.isdigit())[-4:]


def _char_width(ch: str) -> int:
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def clean_text(text: str) -> str:
    """Composed (NFC) text with control and format characters made harmless.

    A control character in a customer name would otherwise reach the printer as a command.
    """
    out = []
    for ch in unicodedata.normalize("NFC", str(text)):
        if ch.isspace():
            out.append(" ")
        elif unicodedata.category(ch).startswith("C"):
            out.append("?")
        else:
            out.append(ch)
    return "".join(out)


def wrap_text(text: str, width: int, indent: str = "") -> list[str]:
    """Greedy word wrap by display width; words longer than a line are split, never cut."""
    room = width - display_width(indent)
    lines: list[str] = []
    current = ""
    for word in clean_text(text).split():
        if display_width(word) > room:
            if current:
                lines.append(indent + current)
            pieces = _split_word(word, room)
            lines.extend(indent + piece for piece in pieces[:-1])
            current = pieces[-1]
        elif not current:
            current = word
        elif display_width(current) + 1 + display_width(word) <= room:
            current = f"{current} {word}"
        else:
            lines.append(indent + current)
            current = word
    if current:
        lines.append(indent + current)
    return lines


def _split_word(word: str, room: int) -> list[str]:
    pieces: list[str] = []
    piece, used = "", 0
    for ch in word:
        size = _char_width(ch)
        if used + size > room and piece:
            pieces.append(piece)
            piece, used = "", 0
        piece += ch
        used += size
    pieces.append(piece)
    return pieces


class _Page:
    """Accumulates laid-out lines for one width."""

    def __init__(self, columns: int, symbol: str) -> None:
        self.columns = columns
        self.symbol = symbol
        self.lines: list[LayoutLine] = []

    def money(self, cents: int) -> str:
        return format_cents(cents, symbol=self.symbol)

    def blank(self) -> None:
        self.lines.append(LayoutLine(""))

    def rule(self, char: str = "-") -> None:
        self.lines.append(LayoutLine(char * self.columns))

    def text(self, text: str, *, indent: str = "", bold: bool = False) -> None:
        for line in wrap_text(text, self.columns, indent):
            self.lines.append(LayoutLine(line, bold=bold))

    def centre(self, text: str, *, bold: bool = False, double_height: bool = False) -> None:
        for line in wrap_text(text, self.columns):
            pad = (self.columns - display_width(line)) // 2
            self.lines.append(LayoutLine(" " * pad + line, bold=bold, double_height=double_height, centred=True))

    def pair(self, label: str, value: str, *, indent: str = "", bold: bool = False,
             double_height: bool = False) -> None:
        """``label`` on the left, ``value`` flush right; the label wraps when both do not fit."""
        value = clean_text(value).strip()
        left = wrap_text(label, self.columns, indent)
        if left and display_width(left[-1]) + 1 + display_width(value) <= self.columns:
            last = left.pop()
            gap = self.columns - display_width(last) - display_width(value)
            right = [last + " " * gap + value]
        else:
            right = [" " * (self.columns - display_width(piece)) + piece for piece in wrap_text(value, self.columns)]
        for line in left + right:
            self.lines.append(LayoutLine(line, bold=bold, double_height=double_height))

    def barcode(self, value: str) -> None:
        for index, line in enumerate(wrap_text(value, self.columns)):
            pad = (self.columns - display_width(line)) // 2
            self.lines.append(LayoutLine(" " * pad + line, centred=True, barcode=value if index == 0 else None))
