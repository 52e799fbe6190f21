"""Customer displays behind one small interface: a serial pole display of 2 lines of 20 characters."""

from __future__ import annotations

import threading
import unicodedata
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from pos.core.money import format_cents
from receipts.errors import DeviceError

if TYPE_CHECKING:
    from pos.core.settings import CustomerDisplaySettings

WIDTH = 20
# The common ESC/POS customer display command set (Epson DM-D, and the many poles that copy it).
INITIALISE = b"\x1b\x40"
CLEAR = b"\x0c"
CURSOR_HOME = b"\x0b"
OVERWRITE_MODE = b"\x1f\x01"
SECOND_LINE = b"\x1f\x24\x01\x02"  # US $ x y: cursor to column 1, line 2


@runtime_checkable
class CustomerDisplay(Protocol):
    """Shows two lines to the customer; ``show`` raises ``DeviceError`` (callers ignore it: never blocks a sale)."""

    name: str

    def show(self, top: str, bottom: str = "") -> None: ...


def fit(text: str, width: int = WIDTH) -> bytes:
    """``text`` as exactly ``width`` display bytes: accents dropped to ASCII, anything else as ``?``."""
    ascii_text = []
    for ch in unicodedata.normalize("NFKD", text):
        if unicodedata.combining(ch):
            continue
        if ch == "€":
            ascii_text.append("EUR")
        elif " " <= ch < "\x7f":
            ascii_text.append(ch)
        else:
            ascii_text.append("?")
    return "".join(ascii_text)[:width].ljust(width).encode("ascii")


def pair(label: str, value: str, width: int = WIDTH) -> str:
    """``label`` on the left and ``value`` on the right of one display line."""
    room = width - len(value) - 1
    return f"{label[:max(room, 0)]:<{max(room, 0)}} {value}"[-width:] if room >= 0 else value[-width:]


def amount_due(total_cents: int, symbol: str = "$") -> tuple[str, str]:
    return pair("TOTAL", format_cents(total_cents, symbol=symbol)), ""


def tendered(total_cents: int, tendered_cents: int, symbol: str = "$") -> tuple[str, str]:
    return (pair("TOTAL", format_cents(total_cents, symbol=symbol)),
            pair("PAID", format_cents(tendered_cents, symbol=symbol)))


def change_due(change_cents: int, symbol: str = "$") -> tuple[str, str]:
    return pair("CHANGE", format_cents(change_cents, symbol=symbol)), "Thank you"


class SerialPoleDisplay:
    """A pole display on a serial port: clear, line 1, line 2 (20 characters each), written with a time-out."""

    def __init__(self, port: str, baud: int, timeout_seconds: float = 0.5) -> None:
        self.port, self.baud, self.timeout_seconds = port, baud, timeout_seconds
        self.name = f"pole display on {port}"
        self._lock = threading.Lock()

    def show(self, top: str, bottom: str = "") -> None:
        import serial

        payload = INITIALISE + OVERWRITE_MODE + CLEAR + CURSOR_HOME + fit(top) + SECOND_LINE + fit(bottom)
        with self._lock:
            try:
                with serial.Serial(self.port, self.baud, timeout=self.timeout_seconds,
                                   write_timeout=self.timeout_seconds) as port:
                    port.write(payload)
                    port.flush()
            except (serial.SerialException, OSError, ValueError) as exc:
                lines = str(exc).strip().splitlines()
                raise DeviceError(f"The customer display on {self.port} did not answer "
                                  f"({lines[0] if lines else type(exc).__name__})") from None


def make_customer_display(settings: CustomerDisplaySettings) -> CustomerDisplay | None:
    if not settings.enabled:
        return None
    return SerialPoleDisplay(settings.port, settings.baud, settings.timeout_seconds)
