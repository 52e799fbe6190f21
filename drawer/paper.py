"""The drawer day's documents on paper: sent to the receipt printer, and kept as PDF files."""

from __future__ import annotations

import os
import re
from pathlib import Path

from pos.core.db import UnitOfWork
from pos.core.files import private_dir, private_opener
from pos.core.settings import Settings, user_data_dir

_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def reports_dir(settings: Settings) -> Path:
    configured = settings.drawer.reports_dir
    return Path(configured).expanduser() if configured else user_data_dir() / "reports"


def save_pdf(settings: Settings, name: str, data: bytes) -> Path:
    """Write ``<name>.pdf`` whole (temporary file, then rename) and return its path."""
    folder = reports_dir(settings)
    private_dir(folder)
    path = folder / f"{_NAME.sub('-', name).strip('-')}.pdf"
    temporary = path.with_suffix(".pdf.tmp")
    with open(temporary, "wb", opener=private_opener) as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
    return path


def queue_movement_slip(uow: UnitOfWork, settings: Settings, movement_id: str, requested_by: str) -> str:
    """Lay out a drop, paid-out, loan or no-sale slip and put it in the print queue, in the movement's transaction.

    Like a receipt it then waits out a printer fault and prints once by itself; returns the job id.
    """
    from drawer.documents import movement_slip_text
    from drawer.reports import movement_slip
    from pos.core.printing import paper_columns, queue_slip

    slip = movement_slip(uow, movement_id, settings)
    text = movement_slip_text(slip, paper_columns(settings), symbol=settings.money.currency_symbol)
    return queue_slip(uow, settings, movement_id, text, requested_by)


def print_document(settings: Settings, name: str, text: str) -> str | None:
    """Send a document's text to the receipt printer; returns why it did not print, or None. Never raises.

    A report (Z report, deposit slip) is printed again from its screen once the printer is fixed;
    the slips of the drawer day wait in the print queue instead (``queue_movement_slip``).
    """
    from drawer.documents import document_escpos
    from pos.core.printing import printer_for
    from receipts.errors import PrinterError

    try:
        printer = printer_for(settings)
        if printer is None:
            return "No receipt printer is configured"
        escpos = document_escpos(text, profile=settings.printer.profile)
        printer.send(_NAME.sub("-", name).strip("-")[:128], escpos, text)
    except PrinterError as error:
        return error.message
    return None
