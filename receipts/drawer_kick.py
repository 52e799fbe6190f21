"""Cash drawers behind one small interface: a pulse through the receipt printer, or a serial drawer."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, runtime_checkable

from receipts.errors import DeviceError, PrinterError

if TYPE_CHECKING:
    from pos.core.settings import CashDrawerSettings
    from receipts.printers import ReceiptPrinter


@runtime_checkable
class CashDrawer(Protocol):
    """Opens the drawer; ``open`` raises ``PrinterError`` or ``DeviceError`` saying to use the key."""

    name: str

    def open(self) -> None: ...


class PrinterPulseDrawer:
    """A drawer on the printer's kick-out connector: ESC p (or a real-time pulse while the printer is in a fault)."""

    def __init__(self, printer: ReceiptPrinter, pin: int, on_ms: int, off_ms: int) -> None:
        self.printer = printer
        self.pin, self.on_ms, self.off_ms = pin, on_ms, off_ms
        self.name = f"pin {pin} of printer {printer.name}"

    def open(self) -> None:
        self.printer.kick_drawer(self.pin, self.on_ms, self.off_ms)


class SerialDrawer:
    """A drawer with its own serial interface (pyserial): the configured bytes open it."""

    def __init__(self, port: str, baud: int, command: bytes, timeout_seconds: float = 2.0) -> None:
        self.port, self.baud, self.command, self.timeout_seconds = port, baud, command, timeout_seconds
        self.name = f"serial drawer on {port}"

    def open(self) -> None:
        import serial

        if not self.port:
            raise DeviceError("cash_drawer.serial_port is empty: name the drawer's serial port, then open it "
                              "with its key for now")
        try:
            with serial.Serial(self.port, self.baud, timeout=self.timeout_seconds,
                               write_timeout=self.timeout_seconds) as port:
                port.write(self.command)
                port.flush()
        except (serial.SerialException, OSError, ValueError) as exc:
            raise DeviceError(f"The drawer on {self.port} did not open ({_first_line(exc)}): open it with its key"
                              ) from None


def make_cash_drawer(settings: CashDrawerSettings, printer: ReceiptPrinter | None) -> CashDrawer | None:
    """The drawer the settings name; None when the site opens it by hand (``kick = "none"``)."""
    if settings.kick == "none":
        return None
    if settings.kick == "serial":
        return SerialDrawer(settings.serial_port, settings.serial_baud, bytes.fromhex(settings.open_command_hex))
    if printer is None:
        raise PrinterError("No printer is configured to open the drawer: open it with its key")
    return PrinterPulseDrawer(printer, settings.pin, settings.on_ms, settings.off_ms)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
