"""The printer's member of the error family: what a cashier sees when a receipt or drawer kick fails."""

from __future__ import annotations

from pos.core.errors import PosError


class PrinterError(PosError):
    """The receipt printer could not be reached or refused the job; the payment itself stands."""

    title = "Printer"
