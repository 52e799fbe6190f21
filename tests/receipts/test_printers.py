"""Printer backends: atomic receipt files, raw TCP to a real socket, and clear errors when the printer fails."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from pos.core.settings import PrinterSettings
from receipts.errors import PrinterError
from receipts.printers import (
    DRAWER_KICKS_FILE,
    FilePrinter,
    NetworkPrinter,
    ReceiptPrinter,
    kick_bytes,
    make_printer,
)

JOIN_SECONDS = 5


# --- file backend -----------------------------------------------------------------------------


def test_file_printer_writes_the_escpos_bytes_and_a_text_copy(tmp_path):
    printer = FilePrinter(tmp_path / "receipts")
    printer.send("T01-000123", b"\x1b@hello\x1dV\x00", "José\n")
    assert (tmp_path / "receipts" / "T01-000123.escpos").read_bytes() == b"\x1b@hello\x1dV\x00"
    assert (tmp_path / "receipts" / "T01-000123.txt").read_text(encoding="utf-8") == "José\n"


def test_file_printer_leaves_no_temporary_files(tmp_path):
    printer = FilePrinter(tmp_path)
    printer.send("T01-000001", b"a", "a")
    printer.send("T01-000001", b"b", "b")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["T01-000001.escpos", "T01-000001.txt"]
    assert (tmp_path / "T01-000001.escpos").read_bytes() == b"b"


def test_file_printer_renames_a_complete_temporary_file_into_place(tmp_path, monkeypatch):
    seen: list[tuple[str, bytes]] = []
    real_replace = __import__("os").replace

    def spy(source, target):
        seen.append((Path(source).name, Path(source).read_bytes()))
        real_replace(source, target)

    monkeypatch.setattr("receipts.printers.os.replace", spy)
    FilePrinter(tmp_path).send("T01-000002", b"\x1b@x", "x")
    assert seen == [("T01-000002.escpos.tmp", b"\x1b@x"), ("T01-000002.txt.tmp", b"x")]


def test_file_printer_that_cannot_write_raises_a_printer_error_naming_the_file(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    with pytest.raises(PrinterError, match="not-a-folder") as caught:
        FilePrinter(blocker).send("T01-000003", b"x", "x")
    assert caught.value.title == "Printer"


def test_file_printer_refuses_a_job_id_that_would_leave_its_folder(tmp_path):
    with pytest.raises(ValueError, match="job id"):
        FilePrinter(tmp_path).send("../escape", b"x", "x")


def test_file_printer_records_each_drawer_kick(tmp_path):
    printer = FilePrinter(tmp_path)
    printer.kick_drawer(2, 100, 200)
    printer.kick_drawer(5, 50, 50)
    assert (tmp_path / DRAWER_KICKS_FILE).read_bytes() == b"\x1bp\x00\x32\x64" + b"\x1bp\x01\x19\x19"


def test_kick_bytes_rounds_up_to_two_millisecond_units_and_refuses_other_pins():
    assert kick_bytes(2, 101, 3) == b"\x1bp\x00\x33\x02"
    with pytest.raises(ValueError, match="pin"):
        kick_bytes(3, 100, 100)


# --- make_printer -------------------------------------------------------------------------------


def test_make_printer_file_backend_defaults_to_the_given_folder(tmp_path):
    printer = make_printer(PrinterSettings(backend="file", directory=""), default_directory=tmp_path / "d")
    assert isinstance(printer, FilePrinter) and printer.directory == tmp_path / "d"
    assert isinstance(printer, ReceiptPrinter)
    assert printer.name == f"file {tmp_path / 'd'}"


def test_make_printer_file_backend_uses_the_configured_folder(tmp_path):
    printer = make_printer(PrinterSettings(backend="file", directory=str(tmp_path / "x")), default_directory=tmp_path)
    assert isinstance(printer, FilePrinter) and printer.directory == tmp_path / "x"


def test_make_printer_network_backend_is_a_python_escpos_network_printer_with_host_port_and_timeout(tmp_path):
    from escpos.printer import Network

    from receipts.transports import EscposPrinter

    settings = PrinterSettings(backend="network", host="10.0.0.5", port=9101, timeout_seconds=2.5)
    printer = make_printer(settings, default_directory=tmp_path)
    assert isinstance(printer, EscposPrinter) and printer.name == "10.0.0.5:9101"
    device = printer._make_device()
    assert isinstance(device, Network)
    assert (device.host, device.port, device.timeout) == ("10.0.0.5", 9101, 2.5)


def test_make_printer_none_backend_means_no_printer(tmp_path):
    assert make_printer(PrinterSettings(backend="none"), default_directory=tmp_path) is None


# --- network backend against real sockets -----------------------------------------------------


@contextmanager
def tcp_server(handle: Callable[[socket.socket], None]) -> Iterator[int]:
    """A one-connection server on 127.0.0.1 running ``handle`` in a thread; yields its port."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(JOIN_SECONDS)
    errors: list[BaseException] = []

    def serve() -> None:
        try:
            connection, _ = listener.accept()
            with connection:
                connection.settimeout(JOIN_SECONDS)
                handle(connection)
        except BaseException as exc:  # noqa: BLE001 - reported to the test below
            errors.append(exc)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        thread.join(JOIN_SECONDS)
        listener.close()
    assert not thread.is_alive(), "server thread did not finish"
    assert not errors, errors


def read_until_eof(into: bytearray) -> Callable[[socket.socket], None]:
    def handle(connection: socket.socket) -> None:
        deadline = time.monotonic() + JOIN_SECONDS
        while time.monotonic() < deadline:
            chunk = connection.recv(65536)
            if not chunk:
                return
            into.extend(chunk)
        raise AssertionError("client never closed the connection")

    return handle


def test_network_printer_delivers_exactly_the_bytes_sent():
    received = bytearray()
    payload = bytes(range(256)) * 2048  # 512 KiB: many TCP segments
    with tcp_server(read_until_eof(received)) as port:
        NetworkPrinter("127.0.0.1", port, timeout_seconds=5).send("T01-000123", payload, "ignored")
    assert bytes(received) == payload


def test_network_printer_sends_the_drawer_pulse():
    received = bytearray()
    with tcp_server(read_until_eof(received)) as port:
        NetworkPrinter("127.0.0.1", port, timeout_seconds=5).kick_drawer(5, 100, 200)
    assert bytes(received) == b"\x1bp\x01\x32\x64"


def closed_port() -> int:
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    return port


def test_connection_refused_is_a_printer_error_naming_host_and_port():
    port = closed_port()
    with pytest.raises(PrinterError) as caught:
        NetworkPrinter("127.0.0.1", port, timeout_seconds=2).send("T01-000123", b"x", "x")
    assert str(caught.value) == f"Printer 127.0.0.1:{port} is unreachable: connection refused"
    assert caught.value.title == "Printer"


def test_failed_drawer_kick_is_a_printer_error_too():
    port = closed_port()
    with pytest.raises(PrinterError, match=f"127.0.0.1:{port}"):
        NetworkPrinter("127.0.0.1", port, timeout_seconds=2).kick_drawer(2, 100, 200)


def test_unknown_host_name_is_a_printer_error():
    with pytest.raises(PrinterError, match="no-such-printer.invalid:9100 is unreachable"):
        NetworkPrinter("no-such-printer.invalid", 9100, timeout_seconds=2).send("j", b"x", "x")


def test_a_printer_that_stops_reading_fails_within_the_timeout_instead_of_hanging():
    release = threading.Event()

    def accept_and_never_read(connection: socket.socket) -> None:
        release.wait(JOIN_SECONDS)

    timeout = 0.5
    payload = b"\x00" * (64 * 1024 * 1024)  # far more than loopback socket buffers hold
    with tcp_server(accept_and_never_read) as port:
        started = time.monotonic()
        try:
            with pytest.raises(PrinterError) as caught:
                NetworkPrinter("127.0.0.1", port, timeout_seconds=timeout).send("T01-000123", payload, "x")
        finally:
            elapsed = time.monotonic() - started
            release.set()
    assert elapsed < timeout + 2
    assert str(caught.value).startswith(f"Printer 127.0.0.1:{port} stopped taking the receipt: not done after 0.5 s")


def test_a_printer_that_resets_the_connection_is_a_printer_error():
    def reset_after_the_first_bytes(connection: socket.socket) -> None:
        connection.recv(1)  # the client is connected and sending
        # SO_LINGER with a zero time-out makes close() send RST instead of FIN.
        connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")

    payload = b"\x00" * (16 * 1024 * 1024)
    with tcp_server(reset_after_the_first_bytes) as port:
        with pytest.raises(PrinterError, match=f"127.0.0.1:{port} stopped taking the receipt"):
            NetworkPrinter("127.0.0.1", port, timeout_seconds=3).send("T01-000123", payload, "x")
