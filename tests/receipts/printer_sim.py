"""A simulated ESC/POS printer behind real transports: a loopback TCP port (9100-style) or a pseudo-terminal.

It answers DLE EOT 1-4 the way an Epson printer does, buffers what it receives while in a fault
(paper out, cover open, offline) and prints it when the fault clears, executes DLE DC4 drawer
pulses at once, and can be made slow to answer or made to drop the connection mid-job.
"""

from __future__ import annotations

import os
import select
import socket
import struct
import threading
import time
import tty


class PrinterMechanism:
    """The printer's state and what came out of it; shared by the TCP and the serial front ends."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.paper_out = False
        self.cover_open = False
        self.offline = False
        self.near_end = False
        self.drawer_pin3_high = False
        self.answer_delay = 0.0  # seconds before each status answer
        self.silent = False  # never answers DLE EOT (an old printer)
        self.drop_after = None  # drop the connection after this many job bytes
        self.printed = bytearray()  # what the head printed, in order
        self.buffered = bytearray()  # received during a fault: printed when it clears
        self.realtime_pulses: list[bytes] = []
        self.status_queries = 0
        self.received_total = 0

    @property
    def in_fault(self) -> bool:
        return self.paper_out or self.cover_open or self.offline

    def status_byte(self, n: int) -> int:
        value = 0x12
        if n == 1:
            if self.in_fault:
                value |= 0x08
            if self.drawer_pin3_high:
                value |= 0x04
        elif n == 2:
            if self.cover_open:
                value |= 0x04
            if self.paper_out:
                value |= 0x20
        elif n == 4:
            if self.near_end:
                value |= 0x0C
            if self.paper_out:
                value |= 0x60
        return value

    def clear_faults(self) -> None:
        with self.lock:
            self.paper_out = self.cover_open = self.offline = False
            self.printed += self.buffered
            self.buffered.clear()

    def wait_quiet(self, quiet: float = 0.15, timeout: float = 3.0) -> None:
        """Wait until nothing has arrived for ``quiet`` seconds (what was sent has been read)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            size = self.received_total
            time.sleep(quiet)
            if size == self.received_total:
                return

    def take(self, data: bytes) -> None:
        with self.lock:
            self.received_total += len(data)
            if self.in_fault:
                self.buffered += data
            else:
                self.printed += data

    def count(self, text: str) -> int:
        with self.lock:
            return bytes(self.printed).count(text.encode())


class _Parser:
    """Splits a byte stream into real-time commands (answered at once) and data for the head."""

    def __init__(self, mechanism: PrinterMechanism) -> None:
        self.mechanism = mechanism
        self.pending = b""
        self.job_bytes = 0

    def feed(self, data: bytes, reply) -> bool:  # noqa: ANN001 - reply(bytes)
        """Handle ``data``; False when the printer drops the connection now."""
        data = self.pending + data
        self.pending = b""
        out = bytearray()
        i = 0
        while i < len(data):
            if data[i] == 0x10 and i + 1 >= len(data):
                self.pending = data[i:]
                break
            if data[i] == 0x10 and data[i + 1] == 0x04:
                if i + 2 >= len(data):
                    self.pending = data[i:]
                    break
                self._flush(out)
                out.clear()
                self.mechanism.status_queries += 1
                if not self.mechanism.silent:
                    if self.mechanism.answer_delay:
                        time.sleep(self.mechanism.answer_delay)
                    reply(bytes((self.mechanism.status_byte(data[i + 2]),)))
                i += 3
                continue
            if data[i] == 0x10 and data[i + 1] == 0x14:
                if i + 4 >= len(data):
                    self.pending = data[i:]
                    break
                self.mechanism.realtime_pulses.append(bytes(data[i:i + 5]))
                i += 5
                continue
            out.append(data[i])
            i += 1
            if self.mechanism.drop_after is not None and self.job_bytes + len(out) >= self.mechanism.drop_after:
                self._flush(out)
                return False
        self._flush(out)
        return True

    def _flush(self, out: bytearray) -> None:
        if out:
            self.job_bytes += len(out)
            self.mechanism.take(bytes(out))


class NetworkPrinterSim(PrinterMechanism):
    """The printer on 127.0.0.1:<port>, one connection at a time like a real one."""

    def __init__(self) -> None:
        super().__init__()
        self._server: socket.socket | None = None
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        self.port = probe.getsockname()[1]
        probe.close()
        self.connections = 0
        self.power_on()

    def power_on(self) -> None:
        server = socket.socket()
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(("127.0.0.1", self.port))
        server.listen(4)
        self._server = server
        threading.Thread(target=self._serve, args=(server,), daemon=True).start()

    def power_off(self) -> None:
        if self._server is not None:
            try:
                self._server.shutdown(socket.SHUT_RDWR)  # wakes the accept() of the serving thread
            except OSError:
                pass
            self._server.close()
            self._server = None

    def close(self) -> None:
        self.power_off()

    def _serve(self, server: socket.socket) -> None:
        while True:
            try:
                connection, _ = server.accept()
            except OSError:
                return
            self.connections += 1
            self._handle(connection)

    def _handle(self, connection: socket.socket) -> None:
        parser = _Parser(self)
        connection.settimeout(10)
        with connection:
            while True:
                try:
                    data = connection.recv(4096)
                except OSError:
                    return
                if not data:
                    return
                if not parser.feed(data, connection.sendall):
                    # Reset, not a clean close: the sender learns nothing was confirmed.
                    connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    return


class SerialPrinterSim(PrinterMechanism):
    """The printer at the far end of a pseudo-terminal: ``port`` is the device path to configure."""

    def __init__(self) -> None:
        super().__init__()
        self._master, slave = os.openpty()
        tty.setraw(slave)
        self.port = os.ttyname(slave)
        self._slave = slave  # kept open so the port stays usable between connections
        self._stop = False
        self._parser = _Parser(self)
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop:
            ready, _, _ = select.select([self._master], [], [], 0.05)
            if not ready:
                continue
            try:
                data = os.read(self._master, 4096)
            except OSError:
                return
            self._parser.feed(data, lambda answer: os.write(self._master, answer))

    def close(self) -> None:
        self._stop = True
        self._thread.join(2)
        os.close(self._master)
        os.close(self._slave)


class SerialDeviceSim:
    """A serial drawer or pole display on a pseudo-terminal: keeps every byte it receives."""

    def __init__(self) -> None:
        self._master, slave = os.openpty()
        tty.setraw(slave)
        self.port = os.ttyname(slave)
        self._slave = slave
        self.received = bytearray()
        self._stop = False
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop:
            ready, _, _ = select.select([self._master], [], [], 0.05)
            if ready:
                try:
                    self.received += os.read(self._master, 4096)
                except OSError:
                    return

    def wait_for(self, count: int, timeout: float = 3.0) -> bytes:
        deadline = time.monotonic() + timeout
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return bytes(self.received)

    def close(self) -> None:
        self._stop = True
        self._thread.join(2)
        os.close(self._master)
        os.close(self._slave)
