"""A real reference ledger on 127.0.0.1 for the tests, with a middleware that injects faults on demand."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections import deque
from typing import Any

import uvicorn

from sync.reference_ledger import ReferenceLedger, create_app


class Faults:
    """A queue of faults; each request takes the next one (or passes through when empty)."""

    def __init__(self) -> None:
        self.queue: deque[tuple[Any, ...]] = deque()
        self.lock = threading.Lock()
        self.requests: list[tuple[str, str]] = []

    def push(self, *faults: tuple[Any, ...]) -> None:
        with self.lock:
            self.queue.extend(faults)

    def take(self, method: str, path: str) -> tuple[Any, ...] | None:
        with self.lock:
            self.requests.append((method, path))
            return self.queue.popleft() if self.queue else None

    def count(self, method: str) -> int:
        return sum(1 for m, _ in self.requests if m == method)


class FaultMiddleware:
    def __init__(self, app: Any, faults: Faults) -> None:
        self.app = app
        self.faults = faults

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        fault = self.faults.take(scope["method"], scope["path"])
        if fault is None:
            return await self.app(scope, receive, send)
        kind = fault[0]
        if kind == "status":  # ("status", code, headers, body, content_type)
            defaults = ("status", 500, {}, b'{"errors":[{"txn_id":null,"reason":"(server): down"}]}',
                        "application/json")
            _, code, headers, body, ctype = (*fault, *defaults[len(fault):])
            raw = [(b"content-type", ctype.encode()), (b"content-length", str(len(body)).encode())]
            raw += [(k.encode().lower(), v.encode()) for k, v in headers.items()]
            await send({"type": "http.response.start", "status": code, "headers": raw})
            await send({"type": "http.response.body", "body": body})
            return
        if kind == "slow":
            await asyncio.sleep(fault[1])
            return await self.app(scope, receive, send)
        messages: list[dict] = []

        async def keep(message: dict) -> None:
            messages.append(message)

        await self.app(scope, receive, keep)  # the ledger commits
        if kind == "timeout_after_commit":
            await asyncio.sleep(fault[1])
            for message in messages:
                await send(message)
            return
        if kind == "cut":  # headers, then the connection breaks mid-body
            await send(messages[0])
            await send({"type": "http.response.body", "body": b'{"ledger_r', "more_body": True})
            raise RuntimeError("connection cut by the test")
        raise AssertionError(f"unknown fault {fault}")


class LedgerServer:
    """uvicorn in a thread on a free port; stop() and start() again on the same port."""

    def __init__(self, path: Any, *, tokens: tuple[str, ...] = ("good-token",),
                 forbidden: tuple[str, ...] = ()) -> None:
        self.ledger = ReferenceLedger(path)
        self.faults = Faults()
        self.app = FaultMiddleware(create_app(self.ledger, tokens=tokens, forbidden_tokens=forbidden), self.faults)
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        self.port = probe.getsockname()[1]
        probe.close()
        self.server: uvicorn.Server | None = None
        self.thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "LedgerServer":
        config = uvicorn.Config(self.app, host="127.0.0.1", port=self.port, log_level="critical", lifespan="off",
                                timeout_graceful_shutdown=1)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the reference ledger did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.should_exit = True
            self.thread.join(timeout=10)
            self.server = None

    def close(self) -> None:
        self.stop()
        self.ledger.close()
