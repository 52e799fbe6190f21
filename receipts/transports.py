"""ESC/POS printers reached through python-escpos (network, serial, USB, CUPS, lp), asked their status around every job.

Each exchange opens the device, asks ``DLE EOT`` (answered even while the printer is in a fault, unlike
``GS r``), sends only to a printer that reports no fault, asks again afterwards to be sure the bytes
arrived, and closes. Three outcomes matter to the print queue:

- ``PrinterFault``: nothing was sent because the printer reported a fault or could not be reached
  (the job is held and retried when the printer is ready);
- ``JobOutcomeUnknown``: the job was sent but the printer never confirmed it (never resent by itself);
- a ``PrinterStatus``: the job reached the printer; its warnings (paper near end) are for the cashier.
"""

from __future__ import annotations

import socket
import time
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Callable, Iterator

from receipts.errors import JobOutcomeUnknown, PrinterError, PrinterFault
from receipts.printers import kick_bytes
from receipts.status import STATUS_QUERIES, PrinterStatus, decode_status, is_status_byte, status_query

if TYPE_CHECKING:
    from escpos.escpos import Escpos

    from pos.core.settings import PrinterSettings


class _NoAnswer(Exception):
    """The printer did not answer a status request in time (it may not support DLE EOT at all)."""


class EscposPrinter:
    """A ``ReceiptPrinter`` over a python-escpos device class, chosen by ``printer.backend``.

    ``make_device`` builds a fresh, unopened python-escpos printer for each exchange. ``reads_status``
    is False for transports that cannot hear the printer (lp, CUPS): they print without asking.
    With ``require_status`` a printer that does not answer in ``status_timeout`` seconds is treated as
    not ready; without it such a printer is sent the job unasked (some never answer DLE EOT).
    """

    def __init__(self, name: str, make_device: Callable[[], Escpos], *, reads_status: bool = True,
                 status_timeout: float = 1.0, require_status: bool = False) -> None:
        self.name = name
        self._make_device = make_device
        self.reads_status = reads_status
        self.status_timeout = status_timeout
        self.require_status = require_status

    # The interface ------------------------------------------------------------------------------

    def status(self) -> PrinterStatus:
        """The printer's status now; never raises (an unreachable printer is a status too)."""
        try:
            with self._device() as device:
                return self._ask(device)
        except PrinterError as error:
            return PrinterStatus.unreachable(_problem(error))

    def send(self, job_id: str, escpos: bytes, text: str) -> PrinterStatus:
        """Send one job to a ready printer; returns its status afterwards (warnings such as paper near end)."""
        with self._device(fault=True) as device:
            before = self._ask(device)
            if before.fault:
                raise PrinterFault(f"Printer {self.name}: {before.fault}", before)
            try:
                device._raw(escpos)
                _finish(device)
            except Exception as exc:  # noqa: BLE001 - any failure while writing leaves the outcome open
                raise JobOutcomeUnknown(
                    f"Printer {self.name} dropped the connection while the receipt was sent "
                    f"({_reason(exc)}): it may not have printed") from None
            if not self.reads_status or not before.reported:
                return before
            after = self._ask(device, after_job=True)
            if not after.reachable:
                raise JobOutcomeUnknown(
                    f"Printer {self.name} did not confirm the receipt ({after.problem}): it may not have printed")
            return after

    def kick_drawer(self, pin: int, on_ms: int, off_ms: int) -> None:
        """ESC p to a ready printer; DLE DC4 (a real-time pulse, executed at once) to one in a fault.

        A plain ESC p sent to a printer out of paper would wait in its buffer and open the drawer
        later, at the next roll change. A printer out of paper, with its cover open or offline still
        pulses its drawer port on DLE DC4; one that stopped answering, or reports an error (cutter,
        head), ignores it: that raises ``PrinterError`` rather than a pulse that may open the drawer later.
        """
        with self._device() as device:
            status = self._ask(device)
            if not status.reachable or status.error:
                raise PrinterError(f"The drawer pulse cannot reach printer {self.name} ({status.fault}): "
                                   "open the drawer for this payment")
            payload = kick_bytes(pin, on_ms, off_ms)
            if status.fault:
                payload = realtime_pulse_bytes(pin, on_ms)
            try:
                device._raw(payload)
                _finish(device)
            except Exception as exc:  # noqa: BLE001
                raise PrinterError(f"The drawer pulse did not reach printer {self.name} ({_reason(exc)}): "
                                   "open the drawer with its key") from None

    def send_slip(self, payload: bytes) -> None:
        """Print on the slip station (check endorsement): refused only while the printer cannot print at all."""
        with self._device() as device:
            status = self._ask(device)
            if status.slip_fault:
                raise PrinterFault(f"Printer {self.name}: {status.slip_fault}", status)
            try:
                device._raw(payload)
                _finish(device)
            except Exception as exc:  # noqa: BLE001
                raise PrinterError(f"Printer {self.name} stopped while endorsing ({_reason(exc)})") from None

    # One exchange -------------------------------------------------------------------------------

    @contextmanager
    def _device(self, *, fault: bool = False) -> Iterator[Escpos]:
        """The opened device; an unreachable one raises PrinterFault (``fault``) or PrinterError."""
        try:
            device = self._make_device()
            device.open()
        except Exception as exc:  # noqa: BLE001 - python-escpos raises DeviceNotFoundError, RuntimeError, OSError
            problem = _reason(exc)
            message = f"Printer {self.name} is unreachable: {problem}"
            if fault:
                raise PrinterFault(message, PrinterStatus.unreachable(problem)) from None
            raise PrinterError(message) from None
        try:
            yield device
        finally:
            try:
                device.close()
            except Exception:  # noqa: BLE001 - closing a dead connection tells nothing more
                pass

    def _ask(self, device: Escpos, *, after_job: bool = False) -> PrinterStatus:
        """DLE EOT 1 to 4 on the open device; unreachable when it stops answering."""
        if not self.reads_status:
            return PrinterStatus.not_reported()
        answers: dict[int, int] = {}
        try:
            for n in STATUS_QUERIES:
                device._raw(status_query(n))
                answers[n] = _read_status_byte(device, self.status_timeout)
        except _NoAnswer:
            if not answers and not self.require_status and not after_job:
                return PrinterStatus.not_reported()  # a printer that never answers DLE EOT: print unasked
            return PrinterStatus.unreachable(f"no answer to a status request within {self.status_timeout:g} s")
        except Exception as exc:  # noqa: BLE001 - the connection failed
            return PrinterStatus.unreachable(_reason(exc))
        return decode_status(answers)


def realtime_pulse_bytes(pin: int, on_ms: int) -> bytes:
    """DLE DC4 1 m t: a drawer pulse executed on arrival, even while the printer is offline (t in 100 ms)."""
    m = 0 if pin == 2 else 1
    return b"\x10\x14\x01" + bytes((m, min(8, max(1, -(-int(on_ms) // 100)))))


def make_escpos_printer(settings: PrinterSettings) -> EscposPrinter:
    """The python-escpos device for ``printer.backend`` (network, serial, usb, cups, lp)."""
    options = {"status_timeout": settings.status_timeout_seconds, "require_status": settings.require_status}
    backend = settings.backend
    if backend == "network":
        def network() -> Escpos:
            from escpos.printer import Network

            return Network(settings.host, settings.port, timeout=settings.timeout_seconds, profile=settings.profile)

        return EscposPrinter(f"{settings.host}:{settings.port}", network, **options)
    if backend == "serial":
        if not settings.serial_port:
            raise PrinterError("printer.serial_port is empty: name the printer's serial port, e.g. /dev/ttyS0")

        def serial_device() -> Escpos:
            return _serial_printer(settings)

        return EscposPrinter(f"on {settings.serial_port}", serial_device, **options)
    if backend == "usb":
        vendor, product = _usb_id(settings.usb_vendor_id, "usb_vendor_id"), _usb_id(settings.usb_product_id,
                                                                                     "usb_product_id")

        def usb() -> Escpos:
            from escpos.printer import Usb

            device = Usb(vendor, product, timeout=int(settings.timeout_seconds * 1000),
                         in_ep=settings.usb_in_endpoint, out_ep=settings.usb_out_endpoint, profile=settings.profile)
            if not Usb.is_usable():
                # Without pyusb python-escpos refuses even to close, and would say so again when collected.
                device.close = lambda: None  # type: ignore[method-assign]
            return device

        return EscposPrinter(f"USB {vendor:04x}:{product:04x}", usb, **options)
    if backend == "cups":
        def cups() -> Escpos:
            from escpos.printer import CupsPrinter

            return CupsPrinter(settings.queue, profile=settings.profile)

        return EscposPrinter(f"CUPS queue {settings.queue or '(default)'}", cups, reads_status=False)
    if backend == "lp":
        def lp() -> Escpos:
            from escpos.printer import LP

            return LP(settings.queue, profile=settings.profile)

        return EscposPrinter(f"lp queue {settings.queue or '(default)'}", lp, reads_status=False)
    raise PrinterError(f"printer.backend {backend!r} is not an ESC/POS transport")


def _serial_printer(settings: PrinterSettings) -> Escpos:
    from escpos.printer import Serial

    flow = settings.serial_flow
    device = Serial(settings.serial_port, baudrate=settings.serial_baud, timeout=settings.timeout_seconds,
                    xonxoff=flow == "xonxoff", dsrdtr=flow == "dsrdtr", profile=settings.profile)
    if flow == "rtscts":
        # python-escpos passes only dsrdtr and xonxoff to pyserial; RTS/CTS is set on the port once open.
        original_open = device.open

        def open_with_rtscts(raise_not_found: bool = True) -> None:
            original_open(raise_not_found)
            if device.device is not None:
                device.device.rtscts = True

        device.open = open_with_rtscts  # type: ignore[method-assign]
    return device


def _usb_id(text: str, key: str) -> int:
    try:
        value = int(text, 16)
    except ValueError:
        raise PrinterError(f"printer.{key} must be a hexadecimal USB id such as 04b8 (got {text!r})") from None
    if not 0 < value <= 0xFFFF:
        raise PrinterError(f"printer.{key} must be a hexadecimal USB id such as 04b8 (got {text!r})")
    return value


def _read_status_byte(device: Escpos, timeout: float) -> int:
    """The next status answer from the device, skipping anything else it sends; ``_NoAnswer`` after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise _NoAnswer()
        for value in _read_some(device, remaining):
            if is_status_byte(value):
                return value


def _read_some(device: Any, timeout: float) -> bytes:
    handle = device.device
    if isinstance(handle, socket.socket):
        handle.settimeout(timeout)
        try:
            data = handle.recv(1)
        except TimeoutError:
            raise _NoAnswer() from None
        if not data:
            raise ConnectionResetError("the printer closed the connection")
        handle.settimeout(getattr(device, "timeout", None))
        return data
    if hasattr(handle, "in_waiting"):  # a pyserial port
        handle.timeout = timeout
        data = handle.read(1)
        if not data:
            raise _NoAnswer()
        return data
    if hasattr(device, "in_ep"):  # pyusb
        try:
            return bytes(handle.read(device.in_ep, 16, max(1, int(timeout * 1000))))
        except Exception as exc:  # noqa: BLE001 - pyusb's USBTimeoutError
            if "timeout" in type(exc).__name__.lower() or "timed out" in str(exc).lower():
                raise _NoAnswer() from None
            raise
    raise _NoAnswer()


def _finish(device: Any) -> None:
    """Make sure what was written left this computer (lp gets its end of file and must succeed)."""
    handle = getattr(device, "_device", None)
    if getattr(device, "pending_job", False) and hasattr(device, "printers"):  # CUPS: the job goes at send()
        device.send()
    elif hasattr(handle, "in_waiting"):
        handle.flush()
    elif handle is not None and hasattr(handle, "stdin") and hasattr(handle, "wait"):  # the lp process
        handle.stdin.close()
        code = handle.wait(timeout=30)
        device._device = False
        if code != 0:
            raise OSError(f"lp exited with status {code}")


def _problem(error: PrinterError) -> str:
    message = error.message
    return message.split(": ", 1)[1] if ": " in message else message


def _reason(exc: BaseException) -> str:
    from receipts.printers import _reason as os_reason

    if isinstance(exc, FileNotFoundError) and exc.filename in ("lpstat", "lp"):
        return "the lp command is not installed (install the CUPS client, e.g. cups-client)"
    if isinstance(exc, OSError):
        return os_reason(exc, None)
    name = type(exc).__name__
    cause = exc.__cause__ or exc.__context__
    if name == "DeviceNotFoundError" and isinstance(cause, OSError):
        return os_reason(cause, None)  # python-escpos wraps the socket's or port's own error
    if name == "DeviceNotFoundError" and cause is not None and type(cause).__name__ == "SerialException":
        return _first_line(cause)
    text = str(exc).strip()
    if name == "DeviceNotFoundError" or isinstance(exc, RuntimeError):
        text = " ".join(text.split())
        if "usb library" in text.lower():
            return "USB printing needs pyusb: install python-escpos[usb]"
        if "pycups" in text.lower() or "cups" in text.lower() and "install" in text.lower():
            return "CUPS printing needs pycups: install python-escpos[cups]"
        return text or name
    return text or name


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__
