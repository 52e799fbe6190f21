"""Receipt printers behind one small interface: a file backend, and ESC/POS devices chosen by configuration."""

from __future__ import annotations

import errno
import os
import re
import socket
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from pos.core.files import private_dir, private_opener
from pos.core.settings import PrinterSettings
from receipts.errors import PrinterError

if TYPE_CHECKING:
    from receipts.status import PrinterStatus

DRAWER_KICKS_FILE = "drawer-kicks.escpos"
_JOB_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")


@runtime_checkable
class ReceiptPrinter(Protocol):
    """Where rendered receipts go. ``send`` and ``kick_drawer`` raise ``PrinterError`` with a message a cashier
    can act on: ``PrinterFault`` when nothing was sent (the job is held), ``JobOutcomeUnknown`` when the
    job was sent but not confirmed. ``send`` returns the printer's status afterwards when it knows it.
    """

    name: str  # e.g. "file /path" or "10.0.0.5:9100"

    def send(self, job_id: str, escpos: bytes, text: str) -> PrinterStatus | None: ...

    def kick_drawer(self, pin: int, on_ms: int, off_ms: int) -> None: ...

    def status(self) -> PrinterStatus: ...


def kick_bytes(pin: int, on_ms: int, off_ms: int) -> bytes:
    """ESC p m t1 t2: pulse drawer connector pin 2 (m=0) or 5 (m=1); times in 2 ms units, rounded up."""
    if pin not in (2, 5):
        raise ValueError(f"drawer pin must be 2 or 5, got {pin!r}")
    m = 0 if pin == 2 else 1
    return b"\x1bp" + bytes((m, _two_ms_units(on_ms), _two_ms_units(off_ms)))


def _two_ms_units(milliseconds: int) -> int:
    return min(255, max(1, -(-int(milliseconds) // 2)))


class FilePrinter:
    """Writes ``<job_id>.escpos`` and ``<job_id>.txt`` per receipt into a folder (the demo's printer).

    Each file appears whole or not at all: written to a ``.tmp``, flushed, synced, then renamed.
    Sending the same job id again replaces its files.
    """

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self.name = f"file {self.directory}"

    def status(self) -> PrinterStatus:
        from receipts.status import PrinterStatus

        return PrinterStatus.not_reported()

    def send(self, job_id: str, escpos: bytes, text: str) -> None:
        _check_job_id(job_id)
        self._write(f"{job_id}.escpos", escpos)
        self._write(f"{job_id}.txt", text.encode("utf-8"))

    def kick_drawer(self, pin: int, on_ms: int, off_ms: int) -> None:
        pulse = kick_bytes(pin, on_ms, off_ms)
        path = self.directory / DRAWER_KICKS_FILE
        self._make_directory()
        try:
            with open(path, "ab", opener=private_opener) as handle:
                handle.write(pulse)
                handle.flush()
                os.fsync(handle.fileno())
        except OSError as exc:
            raise PrinterError(f"Cannot open the drawer through {path}: {_reason(exc)}") from None

    def _make_directory(self) -> None:
        try:
            private_dir(self.directory)
        except OSError as exc:
            raise PrinterError(f"Cannot create the receipt folder {self.directory}: {_reason(exc)}") from None

    def _write(self, filename: str, content: bytes) -> None:
        final = self.directory / filename
        temporary = self.directory / f"{filename}.tmp"
        self._make_directory()
        try:
            with open(temporary, "wb", opener=private_opener) as handle:
                handle.write(content)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, final)
        except OSError as exc:
            _remove_quietly(temporary)
            raise PrinterError(f"Cannot write receipt file {final}: {_reason(exc)}") from None
        _sync_directory(self.directory)


class NetworkPrinter:
    """Sends raw ESC/POS to a printer's TCP port (usually 9100): connect, send everything, close."""

    def __init__(self, host: str, port: int = 9100, timeout_seconds: float = 5.0) -> None:
        self.host = host
        self.port = port
        self.timeout_seconds = timeout_seconds
        self.name = f"network {host}:{port}"

    def status(self) -> PrinterStatus:
        from receipts.status import PrinterStatus

        return PrinterStatus.not_reported()

    def send(self, job_id: str, escpos: bytes, text: str) -> None:
        self._deliver(escpos, "the receipt", "check paper, cover and power, then reprint")

    def kick_drawer(self, pin: int, on_ms: int, off_ms: int) -> None:
        self._deliver(kick_bytes(pin, on_ms, off_ms), "the drawer pulse", "open the drawer with its key")

    def _deliver(self, payload: bytes, what: str, advice: str) -> None:
        where = f"{self.host}:{self.port}"
        try:
            connection = socket.create_connection((self.host, self.port), timeout=self.timeout_seconds)
        except OSError as exc:
            raise PrinterError(f"Printer {where} is unreachable: {_reason(exc, self.timeout_seconds)}") from None
        try:
            with connection:
                # Since Python 3.5 the time-out bounds the whole sendall, not each chunk.
                connection.settimeout(self.timeout_seconds)
                connection.sendall(payload)
                connection.shutdown(socket.SHUT_WR)
        except OSError as exc:
            raise PrinterError(
                f"Printer {where} stopped taking {what}: {_reason(exc, self.timeout_seconds, sending=True)}"
                f" ({advice})"
            ) from None


def make_printer(printer_settings: PrinterSettings, *, default_directory: Path) -> ReceiptPrinter | None:
    """The printer the settings name; ``None`` when the backend is ``none``.

    ``file`` writes receipt files; network, serial, usb, cups and lp go through python-escpos.
    """
    if printer_settings.backend == "none":
        return None
    if printer_settings.backend != "file":
        from receipts.transports import make_escpos_printer

        return make_escpos_printer(printer_settings)
    directory = Path(printer_settings.directory).expanduser() if printer_settings.directory else default_directory
    return FilePrinter(directory)


def _check_job_id(job_id: str) -> None:
    # The job id becomes a file name: keep it from naming another folder or a hidden file.
    if not _JOB_ID.match(job_id or ""):
        raise ValueError(f"job id {job_id!r} must be letters, digits, '.', '_' or '-' (at most 128)")


def _remove_quietly(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError:
        pass


def _sync_directory(directory: Path) -> None:
    # Makes the rename itself durable; not possible on every platform, and not worth failing a receipt.
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _reason(exc: OSError, timeout_seconds: float | None = None, *, sending: bool = False) -> str:
    if isinstance(exc, TimeoutError):  # socket.timeout is an alias of TimeoutError since 3.10
        if timeout_seconds is None:
            return "timed out"
        return f"not done after {timeout_seconds:g} s" if sending else f"no answer within {timeout_seconds:g} s"
    if isinstance(exc, socket.gaierror):
        return "unknown host name"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, ConnectionResetError):
        return "connection reset by the printer"
    if isinstance(exc, BrokenPipeError):
        return "the printer closed the connection"
    if exc.errno in (errno.EHOSTUNREACH, errno.ENETUNREACH):
        return "no route to the printer's network"
    return exc.strerror or str(exc) or type(exc).__name__
