"""Running the sync: one pass (send what is due, optionally pull), or a loop until told to stop."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable

from pos.core.clock import now
from pos.core.db import Database
from pos.core.settings import Settings
from sync.errors import LedgerError
from sync.outbox import save_state
from sync.pull import AccountsPulled, FeeCodesPulled, pull_accounts, pull_accounts_file, pull_fee_codes
from sync.sender import SendReport, send_pending
from sync.transport import HttpTransport, make_transport


@dataclass
class SyncPass:
    sent: SendReport
    accounts: AccountsPulled | None = None
    fee_codes: FeeCodesPulled | None = None
    accounts_file: str | None = None
    pull_error: str | None = None
    errors: list[str] = field(default_factory=list)


def pull_now(database: Database, settings: Settings) -> tuple[AccountsPulled | None, FeeCodesPulled | None, str | None]:
    """The account master and fee codes: over HTTP, or the newest ACCOUNTS_*.csv on a file-drop site."""
    if settings.ledger.transport == "file":
        return None, None, pull_accounts_file(database, settings)
    source = HttpTransport(settings)
    try:
        return pull_accounts(database, settings, source), pull_fee_codes(database, settings, source), None
    finally:
        source.close()


def run_pass(database: Database, settings: Settings, *, include_held: bool = False, pull: bool = False,
             stop: Callable[[], bool] = lambda: False) -> SyncPass:
    transport = make_transport(settings)
    try:
        result = SyncPass(send_pending(database, settings, transport, include_held=include_held, stop=stop))
    finally:
        transport.close()
    if pull:
        try:
            result.accounts, result.fee_codes, result.accounts_file = pull_now(database, settings)
        except LedgerError as error:
            result.pull_error = error.message
            with database.unit_of_work() as uow:
                save_state(uow, "last_error", f"account pull: {error.message}")
                uow.commit()
    return result


def follow(database: Database, settings: Settings, stop: threading.Event,
           on_pass: Callable[[SyncPass], None] = lambda _: None) -> int:
    """Pass after pass until ``stop`` is set (SIGTERM): held batches are tried once at start only."""
    passes = 0
    pull_every = settings.ledger.accounts_pull_minutes * 60
    last_pull = float("-inf")
    while not stop.is_set():
        pull = pull_every > 0 and time.monotonic() - last_pull >= pull_every
        result = run_pass(database, settings, include_held=passes == 0, pull=pull, stop=stop.is_set)
        if pull:
            last_pull = time.monotonic()
        passes += 1
        on_pass(result)
        wait = settings.ledger.poll_seconds
        due = result.sent.next_attempt_at
        if due:
            wait = min(wait, max(0.0, (datetime.fromisoformat(due) - now()).total_seconds()))
        stop.wait(wait)
    return passes
