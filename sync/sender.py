"""The sender: delivers queued batches in order, one sender at a time, and survives a crash at any point.

Each attempt commits 'sending' (outcome unknown) before the network call and the outcome after it, so a
sender stopped anywhere finds the row 'sending' on restart and asks the ledger before sending again.
"""

from __future__ import annotations

import json
import os
import random
import socket
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Callable

from sqlalchemy import select, text, update

from pos.core import audit
from pos.core.clock import now, timestamp
from pos.core.db import Database
from pos.core.models import Batch, LedgerOutbox
from pos.core.settings import Settings
from sync import transport as t
from sync.outbox import ACCEPTED, BATCH_STATUS, CONFLICT, HELD, QUEUED, REFUSED, SENDING, save_state
from sync.pending import acknowledge_batch


@dataclass
class SendReport:
    """What one pass did: batches accepted, refused, in conflict; why it stopped."""

    accepted: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    retrying: list[str] = field(default_factory=list)
    held: str | None = None
    busy: bool = False  # another sender holds the lock
    next_attempt_at: str | None = None
    errors: list[str] = field(default_factory=list)


class SenderLock:
    """Exactly one sender at a time across terminals: a PostgreSQL advisory lock, or a lease row on SQLite."""

    LEASE = "sender_lease"

    def __init__(self, database: Database, *, lease_seconds: float) -> None:
        self.database = database
        self.lease_seconds = lease_seconds
        self.owner = f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.connection = None

    def acquire(self) -> bool:
        if self.database.is_sqlite:
            return self.renew()
        self.connection = self.database.engine.connect()
        got = self.connection.execute(text(
            "SELECT pg_try_advisory_lock(hashtext('pos-ledger-sender:' || current_schema()))")).scalar()
        self.connection.commit()
        if not got:
            self.connection.close()
            self.connection = None
        return bool(got)

    def renew(self) -> bool:
        """SQLite: take or extend the lease unless another live sender holds it (BEGIN IMMEDIATE serialises)."""
        if not self.database.is_sqlite:
            return True
        with self.database.unit_of_work() as uow:
            row = uow.execute(text("SELECT value FROM ledger_sync_state WHERE name = :n"), {"n": self.LEASE}).first()
            if row is not None:
                lease = json.loads(row[0])
                if lease["owner"] != self.owner and lease["until"] > time.time() and not _dead(lease):
                    return False
            save_state(uow, self.LEASE, json.dumps({"owner": self.owner, "pid": os.getpid(),
                                                    "host": socket.gethostname(),
                                                    "until": time.time() + self.lease_seconds}))
            uow.commit()
        return True

    def release(self) -> None:
        if self.database.is_sqlite:
            with self.database.unit_of_work() as uow:
                row = uow.execute(text("SELECT value FROM ledger_sync_state WHERE name = :n"),
                                  {"n": self.LEASE}).first()
                if row is not None and json.loads(row[0])["owner"] == self.owner:
                    uow.execute(text("DELETE FROM ledger_sync_state WHERE name = :n"), {"n": self.LEASE})
                    uow.commit()
        elif self.connection is not None:
            self.connection.execute(text(
                "SELECT pg_advisory_unlock(hashtext('pos-ledger-sender:' || current_schema()))"))
            self.connection.commit()
            self.connection.close()
            self.connection = None


def _dead(lease: dict) -> bool:
    """A lease left by a process of this machine that no longer runs (killed): taken over at once."""
    if lease.get("host") != socket.gethostname() or not isinstance(lease.get("pid"), int):
        return False
    try:
        os.kill(lease["pid"], 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def backoff_seconds(attempts: int, settings: Settings, retry_after: float | None,
                    rand: Callable[[], float] = random.random) -> float:
    """Exponential backoff with full jitter in its upper half; a Retry-After is never undercut."""
    ceiling = min(settings.ledger.backoff_max_seconds,
                  settings.ledger.backoff_base_seconds * (2 ** max(0, min(attempts - 1, 30))))
    wait = ceiling * (0.5 + rand() / 2)
    if retry_after is not None:
        wait = max(wait, min(retry_after, 3600.0))
    return wait


def send_pending(database: Database, settings: Settings, transport: t.Transport, *, include_held: bool = False,
                 max_batches: int | None = None, stop: Callable[[], bool] = lambda: False) -> SendReport:
    """One pass: deliver due batches oldest first until the queue is empty, one must wait, or sending is held."""
    report = SendReport()
    lock = SenderLock(database, lease_seconds=settings.ledger.timeout_seconds * 3 + 30)
    if not lock.acquire():
        report.busy = True
        return report
    try:
        sent = 0
        while not stop() and (max_batches is None or sent < max_batches):
            if not lock.renew():
                report.busy = True
                break
            row = _next_row(database, include_held)
            if row is None:
                break
            if row.status == HELD and not include_held:
                report.held = row.last_error
                break
            due = row.next_attempt_at
            if due and datetime.fromisoformat(due) > now():
                report.next_attempt_at = due
                break
            _deliver_one(database, settings, transport, row, report)
            sent += 1
            if report.held or report.retrying:
                break
    finally:
        lock.release()
    return report


@dataclass(frozen=True)
class _Due:
    batch_id: str
    status: str
    next_attempt_at: str | None
    outcome_unknown: bool
    last_error: str | None
    payload: str


def _next_row(database: Database, include_held: bool) -> _Due | None:
    """The oldest batch still to deliver (batches go in the order they were queued)."""
    o = LedgerOutbox
    with database.reader() as uow:
        row = uow.session.execute(select(o.batch_id, o.status, o.next_attempt_at, o.outcome_unknown, o.last_error,
                                         o.payload).where(o.status.in_((QUEUED, SENDING, HELD)))
                                  .order_by(o.enqueued_at, o.batch_id).limit(1)).first()
    return None if row is None else _Due(*row)


def _deliver_one(database: Database, settings: Settings, transport: t.Transport, row: _Due,
                 report: SendReport) -> None:
    payload = row.payload.encode("utf-8")
    outcome: t.Delivery | None = None
    if row.outcome_unknown or row.status == SENDING:
        # An earlier attempt may have reached the ledger (time-out, crash): ask before sending again.
        found = transport.lookup(row.batch_id, payload)
        if found.kind != t.ABSENT:
            outcome = found
    if outcome is None:
        with database.unit_of_work() as uow:
            uow.execute(update(LedgerOutbox).where(LedgerOutbox.batch_id == row.batch_id).values(
                status=SENDING, attempts=LedgerOutbox.attempts + 1, last_attempt_at=timestamp(),
                outcome_unknown=True))
            uow.commit()
        outcome = transport.deliver(row.batch_id, payload)
    _settle(database, settings, row.batch_id, outcome, report)


def _settle(database: Database, settings: Settings, batch_id: str, outcome: t.Delivery, report: SendReport) -> None:
    at = timestamp()
    with database.unit_of_work() as uow:
        row = uow.session.get(LedgerOutbox, batch_id, with_for_update=True, populate_existing=True)
        values: dict = {}
        if outcome.kind == t.ACCEPTED:
            values = dict(status=ACCEPTED, ledger_ref=outcome.ledger_ref, settled_at=at, outcome_unknown=False,
                          next_attempt_at=None, last_error=None)
            report.accepted.append(batch_id)
            acknowledge_batch(uow, batch_id)
            save_state(uow, "last_success", at)
        elif outcome.kind == t.REFUSED:
            values = dict(status=REFUSED, refusal_reasons=json.dumps(list(outcome.reasons)), settled_at=at,
                          outcome_unknown=False, next_attempt_at=None, last_error=outcome.error[:500])
            report.refused.append(batch_id)
        elif outcome.kind == t.CONFLICT:
            values = dict(status=CONFLICT, settled_at=at, outcome_unknown=False, next_attempt_at=None,
                          last_error=outcome.error[:500])
            report.conflicts.append(batch_id)
        elif outcome.kind == t.HELD:
            values = dict(status=HELD, next_attempt_at=None, last_error=outcome.error[:500])
            report.held = outcome.error
        elif outcome.kind == t.WAITING:
            wait = settings.ledger.poll_seconds
            values = dict(status=SENDING, outcome_unknown=True, last_error=None,
                          next_attempt_at=timestamp(now() + timedelta(seconds=wait)))
            report.retrying.append(batch_id)
            report.next_attempt_at = values["next_attempt_at"]
        else:  # RETRY, or ABSENT from a lookup (not reached): try again after a wait
            wait = backoff_seconds(row.attempts or 1, settings, outcome.retry_after)
            values = dict(status=QUEUED, outcome_unknown=outcome.unknown, last_error=(outcome.error or "")[:500],
                          next_attempt_at=timestamp(now() + timedelta(seconds=wait)))
            report.retrying.append(batch_id)
            report.next_attempt_at = values["next_attempt_at"]
        uow.execute(update(LedgerOutbox).where(LedgerOutbox.batch_id == batch_id).values(**values))
        if outcome.kind in BATCH_STATUS:
            uow.execute(update(Batch).where(Batch.id == batch_id).values(status=BATCH_STATUS[outcome.kind]))
        if outcome.error and outcome.kind != t.WAITING:
            save_state(uow, "last_error", f"batch {batch_id}: {outcome.error}")
            report.errors.append(outcome.error)
        if outcome.kind in (t.ACCEPTED, t.REFUSED, t.CONFLICT, t.HELD):
            details = {"batch": batch_id, "attempts": row.attempts}
            if outcome.ledger_ref:
                details["ledger_ref"] = outcome.ledger_ref
            if outcome.reasons:
                details["reasons"] = [r["reason"] for r in outcome.reasons[:20]]
            if outcome.error and outcome.kind != t.REFUSED:
                details["error"] = outcome.error
            audit.record(uow.session, key=settings.security.audit_key, terminal_id=settings.terminal.id,
                         kind=f"batch_{outcome.kind}", details=details,
                         binds=[("batch", batch_id)] if outcome.kind in BATCH_STATUS else ())
        uow.commit()
