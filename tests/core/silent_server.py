"""A database server that accepts connections and never answers: a real TCP socket on 127.0.0.1."""

from __future__ import annotations

import socket
import threading
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def silent_server() -> Iterator[str]:
    """Yields a PostgreSQL URL whose server accepts every connection, reads what it is sent, and says nothing."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    listener.settimeout(0.2)
    stop = threading.Event()
    accepted: list[socket.socket] = []

    def serve() -> None:
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except OSError:
                continue
            accepted.append(connection)  # held open, never answered

    thread = threading.Thread(target=serve, name="silent-database", daemon=True)
    thread.start()
    port = listener.getsockname()[1]
    try:
        yield f"postgresql+psycopg://pos@127.0.0.1:{port}/pos"
    finally:
        stop.set()
        thread.join(timeout=2)
        for connection in accepted:
            connection.close()
        listener.close()
