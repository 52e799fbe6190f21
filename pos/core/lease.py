"""One terminal, one process: a lease row holds the terminal id for the counter that runs it."""

from __future__ import annotations

import os
import secrets
import socket
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Callable

from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError

from pos.core import audit, clock
from pos.core.clock import timestamp
from pos.core.errors import PosError
from pos.core.models import TerminalLease

if TYPE_CHECKING:
    from pos.core.db import Database
    from pos.core.settings import Settings


class TerminalBusy(PosError):
    title = "Terminal in use"


@dataclass(frozen=True)
class Lease:
    terminal_id: str
    host: str
    pid: int
    token: str


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process, but alive
        return True
    return True


def holder_gone(row: TerminalLease, *, host: str, moment: datetime, timeout_seconds: float) -> bool:
    """The holder on this host has exited, or a holder anywhere has not said it is alive within the time-out."""
    if row.host == host and not pid_alive(row.pid):
        return True
    return moment - datetime.fromisoformat(row.heartbeat_at) > timedelta(seconds=timeout_seconds)


def take_lease(database: Database, settings: Settings, *, host: str | None = None, pid: int | None = None) -> Lease:
    """Hold this terminal id for this process, or refuse while another running process holds it."""
    terminal = settings.terminal.id
    lease = Lease(terminal, host or socket.gethostname(), pid or os.getpid(), secrets.token_hex(16))
    moment = clock.now()
    try:
        with database.unit_of_work() as uow:
            row = uow.session.get(TerminalLease, terminal, with_for_update=True)
            if row is not None:
                if not holder_gone(row, host=lease.host, moment=moment,
                                   timeout_seconds=settings.terminal.lease_timeout_seconds):
                    raise _busy(terminal, row)
                audit.record(uow.session, key=settings.security.audit_key, terminal_id=terminal,
                             kind="terminal_taken_over",
                             details={"from_host": row.host, "from_pid": row.pid, "last_seen": row.heartbeat_at,
                                      "host": lease.host, "pid": lease.pid})
                uow.session.delete(row)
                uow.session.flush()
            stamp = timestamp(moment)
            uow.session.add(TerminalLease(terminal_id=terminal, host=lease.host, pid=lease.pid, token=lease.token,
                                          taken_at=stamp, heartbeat_at=stamp))
            uow.commit()
    except IntegrityError:  # another process took it between our read and our write
        raise TerminalBusy(f"Terminal {terminal} was just started by another process; this one stops") from None
    return lease


def refresh_lease(database: Database, lease: Lease) -> bool:
    """Say this process is still alive; False when the lease was taken over (this process should stop)."""
    with database.unit_of_work() as uow:
        changed = uow.execute(update(TerminalLease).where(TerminalLease.terminal_id == lease.terminal_id,
                                                          TerminalLease.token == lease.token)
                              .values(heartbeat_at=timestamp(clock.now()))).rowcount
        uow.commit()
    return changed == 1


def release_lease(database: Database, lease: Lease) -> None:
    """Let the terminal id go (only this process's own lease)."""
    with database.unit_of_work() as uow:
        uow.execute(delete(TerminalLease).where(TerminalLease.terminal_id == lease.terminal_id,
                                                TerminalLease.token == lease.token))
        uow.commit()


def _busy(terminal: str, row: TerminalLease) -> TerminalBusy:
    return TerminalBusy(f"Terminal {terminal} is already running on {row.host} (process {row.pid}, started "
                        f"{row.taken_at[:19]}). Close that counter first, or give this one its own terminal.id.")


class LeaseKeeper:
    """A daemon thread that refreshes the lease every ``lease_heartbeat_seconds`` until stopped."""

    def __init__(self, database: Database, lease: Lease, settings: Settings,
                 on_lost: Callable[[], None] | None = None) -> None:
        self._database = database
        self._on_lost = on_lost  # called from the keeper's thread when another process took the terminal over
        self.lease = lease
        self._every = settings.terminal.lease_heartbeat_seconds
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"lease-{lease.terminal_id}", daemon=True)
        self.lost = False

    def start(self) -> "LeaseKeeper":
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.wait(self._every):
            try:
                if not refresh_lease(self._database, self.lease):
                    self.lost = True
                    if self._on_lost is not None:
                        self._on_lost()
                    return
            except Exception:  # noqa: BLE001 - a database hiccup: try again at the next beat
                continue

    def stop(self) -> None:
        """Stop refreshing and release the lease."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)
        if not self.lost:
            release_lease(self._database, self.lease)
