"""The printer's members of the error family: what a cashier sees when a receipt, drawer or display fails."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pos.core.errors import PosError

if TYPE_CHECKING:
    from receipts.status import PrinterStatus


class PrinterError(PosError):
    """The receipt printer could not be reached or refused the job; the payment itself stands.

    Nothing of the job reached the printer: it may be sent again.
    """

    title = "Printer"


class PrinterFault(PrinterError):
    """The printer reported a fault (paper out, cover open, offline) before anything was sent: the job is held."""

    def __init__(self, message: str, status: PrinterStatus) -> None:
        super().__init__(message)
        self.status = status


class JobOutcomeUnknown(PrinterError):
    """The job was (partly) sent but the printer never confirmed it: it may or may not have printed.

    It is never sent again by itself; a person looks at the printer and asks for a reprint.
    """


class DeviceError(PosError):
    """The cash drawer or the customer display failed; never a reason to stop a payment."""

    title = "Device"
