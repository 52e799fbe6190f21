"""Printing a committed receipt: every copy; a failure is reported, never raised. The drawer opens elsewhere, at once."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from receipts.errors import PrinterError
from receipts.escpos_render import render_escpos
from receipts.layout import render_text
from receipts.model import Receipt
from receipts.printers import ReceiptPrinter


@dataclass(frozen=True)
class PrintOutcome:
    """What happened at the printer. The payment stands either way (rule 4)."""

    job_ids: tuple[str, ...]  # jobs the printer accepted, in order
    error: PrinterError | None = None  # why printing stopped; the receipt waits for a reprint

    @property
    def printed(self) -> bool:
        return self.error is None


def print_receipt(
    printer: ReceiptPrinter,
    receipt: Receipt,
    *,
    columns: int,
    profile: str = "default",
    symbol: str = "$",
    job_id: str | None = None,
) -> PrintOutcome:
    """Print ``receipt.copies`` copies. A receipt never carries a drawer pulse (``pos.core.printing``
    opens the drawer for a cash payment at once, on its own path).

    Job ids are ``job_id`` (default: the receipt number, plus ``-reprint`` for a reprint) and
    ``-copyN`` when there is more than one copy. Nothing here raises ``PrinterError``.
    """
    base = job_id or receipt.receipt_number + ("-reprint" if receipt.reprint else "")
    copies = max(1, receipt.copies)
    accepted: list[str] = []
    error: PrinterError | None = None
    for number in range(1, copies + 1):
        copy = dataclasses.replace(receipt, copy=number, copies=copies)
        this_job = f"{base}-copy{number}" if copies > 1 else base
        try:
            escpos = render_escpos(copy, columns, profile=profile, symbol=symbol)
            printer.send(this_job, escpos, render_text(copy, columns, symbol=symbol))
        except PrinterError as exc:
            error = exc
            break
        accepted.append(this_job)
    return PrintOutcome(tuple(accepted), error)


def render_job(receipt: Receipt, *, columns: int, profile: str = "default", symbol: str = "$") -> tuple[bytes, str]:
    """Every copy of ``receipt`` as one print job: ESC/POS bytes and the text, copy after copy.

    One job for all copies, so a job that is retried or held never prints a copy twice.
    """
    copies = max(1, receipt.copies)
    escpos, text = [], []
    for number in range(1, copies + 1):
        copy = dataclasses.replace(receipt, copy=number, copies=copies)
        escpos.append(render_escpos(copy, columns, profile=profile, symbol=symbol))
        text.append(render_text(copy, columns, symbol=symbol))
    return b"".join(escpos), "\n".join(text)
