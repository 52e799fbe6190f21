"""The ledger outbox: a closed batch is queued in the closing transaction with its body frozen; states and retry."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, text, update

from pos.core import audit
from pos.core.clock import timestamp
from pos.core.db import UnitOfWork
from pos.core.models import Batch, LedgerOutbox, LedgerSyncState
from pos.core.settings import Settings
from sync.contract import check_batch
from sync.errors import LedgerError
from sync.payload import build_body, freeze

QUEUED, SENDING, ACCEPTED, REFUSED, CONFLICT, HELD = "queued", "sending", "accepted", "refused", "conflict", "held"
STATES = (QUEUED, SENDING, ACCEPTED, REFUSED, CONFLICT, HELD)
WAITING = (QUEUED, SENDING)  # the sender still has work on these
BATCH_STATUS = {ACCEPTED: "sent", REFUSED: "refused", CONFLICT: "refused"}


@dataclass(frozen=True)
class BatchQueued:
    batch_id: str
    transactions: int
    total_cents: int
    payload_sha256: str
    sendable: bool = True  # False: refused before sending (the reasons are on the outbox row)


@dataclass(frozen=True)
class OutboxEntry:
    """One outbox row as a screen or the CLI sees it."""

    batch_id: str
    terminal_id: str
    business_date: str
    status: str
    attempts: int
    next_attempt_at: str | None
    last_error: str | None
    ledger_ref: str | None
    refusal_reasons: tuple[dict[str, Any], ...]
    enqueued_at: str
    last_attempt_at: str | None
    settled_at: str | None
    transactions: int
    total_cents: int


@dataclass(frozen=True)
class SyncStatus:
    """The queue at a glance: counts per state, the last success and the last error."""

    counts: dict[str, int]
    waiting: int
    held: bool
    last_success_at: str | None
    last_error: str | None
    last_error_at: str | None
    accounts_cursor: str | None


def enqueue_batch(uow: UnitOfWork, batch_id: str, settings: Settings) -> BatchQueued:
    """Freeze the closed batch's body and queue it, in the caller's transaction (the close commits both)."""
    session = uow.session
    session.flush()
    batch = session.get(Batch, batch_id, populate_existing=True)
    if batch is None:
        raise LedgerError(f"batch {batch_id} does not exist")
    if session.get(LedgerOutbox, batch_id) is not None:
        raise LedgerError(f"batch {batch_id} is already in the ledger outbox")
    body = build_body(session, batch_id)
    frozen = freeze(body)
    digest = hashlib.sha256(frozen).hexdigest()
    # A body the ledger would refuse is kept, refused here with its reasons, for a supervisor to see:
    # the drawer still closes, and nothing the ledger cannot take is sent.
    problems = check_batch(body)
    reasons = json.dumps([{"txn_id": p.txn_id, "reason": f"checked before sending: {p.reason}"} for p in problems])
    at = timestamp()
    session.add(LedgerOutbox(batch_id=batch_id, terminal_id=batch.terminal_id, business_date=batch.business_date,
                             payload=frozen.decode("utf-8"), payload_sha256=digest,
                             status=REFUSED if problems else QUEUED, attempts=0, enqueued_at=at,
                             refusal_reasons=reasons if problems else None, settled_at=at if problems else None,
                             last_error=f"checked before sending: {problems[0].reason}"[:500] if problems else None))
    session.execute(update(Batch).where(Batch.id == batch_id).values(status="refused" if problems else "queued"))
    control = body["control"]
    details: dict[str, Any] = {"batch": batch_id, "transactions": control["count"],
                               "total_cents": control["total_cents"], "payload_sha256": digest}
    if problems:
        details["refused_before_sending"] = [p.reason for p in problems[:20]]
    audit.record(session, key=settings.security.audit_key, terminal_id=settings.terminal.id, kind="batch_queued",
                 operator_id=batch.closed_by, details=details, binds=[("batch", batch_id)])
    session.flush()
    return BatchQueued(batch_id, control["count"], control["total_cents"], digest, not problems)


def list_outbox(uow: UnitOfWork, *, status: str | None = None, limit: int = 200) -> list[OutboxEntry]:
    """Oldest first, the order the sender delivers in."""
    query = select(LedgerOutbox).order_by(LedgerOutbox.enqueued_at, LedgerOutbox.batch_id).limit(limit)
    if status:
        query = query.where(LedgerOutbox.status == status)
    return [entry_of(row) for row in uow.session.execute(query).scalars()]


def get_entry(uow: UnitOfWork, batch_id: str) -> OutboxEntry:
    row = uow.session.get(LedgerOutbox, batch_id)
    if row is None:
        raise LedgerError(f"batch {batch_id} is not in the ledger outbox")
    return entry_of(row)


def payload_of(uow: UnitOfWork, batch_id: str) -> bytes:
    """The exact bytes sent (and resent) for this batch."""
    row = uow.session.get(LedgerOutbox, batch_id)
    if row is None:
        raise LedgerError(f"batch {batch_id} is not in the ledger outbox")
    return row.payload.encode("utf-8")


def entry_of(row: LedgerOutbox) -> OutboxEntry:
    body = json.loads(row.payload)
    reasons = tuple(json.loads(row.refusal_reasons)) if row.refusal_reasons else ()
    return OutboxEntry(row.batch_id, row.terminal_id, row.business_date.isoformat(), row.status, row.attempts,
                       row.next_attempt_at, row.last_error, row.ledger_ref, reasons, row.enqueued_at,
                       row.last_attempt_at, row.settled_at, body["control"]["count"], body["control"]["total_cents"])


def status(uow: UnitOfWork) -> SyncStatus:
    counts = {state: 0 for state in STATES}
    for state, count in uow.session.execute(select(LedgerOutbox.status, func.count())
                                            .group_by(LedgerOutbox.status)).all():
        counts[state] = count
    saved = {row.name: row for row in uow.session.execute(select(LedgerSyncState)).scalars()}
    error = saved.get("last_error")
    return SyncStatus(counts, counts[QUEUED] + counts[SENDING], counts[HELD] > 0,
                      saved["last_success"].value if "last_success" in saved else None,
                      error.value if error else None, error.updated_at if error else None,
                      saved["accounts_cursor"].value if "accounts_cursor" in saved else None)


@dataclass(frozen=True)
class RetryBatch:
    batch_id: str
    operator_id: str | None = None


def retry_batch(uow: UnitOfWork, command: RetryBatch, settings: Settings) -> OutboxEntry:
    """Send a refused, held or waiting batch again at the next run; a conflict (409) is never retried."""
    row = uow.session.get(LedgerOutbox, command.batch_id, with_for_update=True)
    if row is None:
        raise LedgerError(f"batch {command.batch_id} is not in the ledger outbox")
    if row.status == ACCEPTED:
        raise LedgerError(f"batch {command.batch_id} was already accepted by the ledger ({row.ledger_ref})")
    if row.status == CONFLICT:
        raise LedgerError(f"batch {command.batch_id}: the ledger holds a different batch under this id (409); "
                          "it is never sent again and needs the ledger's administrator")
    before = row.status
    row.status = QUEUED if row.status != SENDING else SENDING
    row.next_attempt_at = None
    uow.session.execute(update(Batch).where(Batch.id == row.batch_id).values(status="queued"))
    audit.record(uow.session, key=settings.security.audit_key, terminal_id=settings.terminal.id,
                 kind="batch_retry", operator_id=command.operator_id, details={"batch": row.batch_id, "was": before},
                 binds=[("batch", row.batch_id)])
    uow.session.flush()
    entry = entry_of(row)
    uow.commit()
    return entry


def save_state(uow: UnitOfWork, name: str, value: str) -> None:
    """Upsert one named value (the cursor, the last success or error) in the caller's transaction."""
    uow.session.execute(text(
        "INSERT INTO ledger_sync_state (name, value, updated_at) VALUES (:n, :v, :t) "
        "ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at"),
        {"n": name, "v": value, "t": timestamp()})


def load_state(uow: UnitOfWork, name: str) -> str | None:
    row = uow.session.get(LedgerSyncState, name)
    return None if row is None else row.value
