"""The audit trail: an append-only, HMAC-chained journal of every sensitive act."""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Any, Iterator

from sqlalchemy import bindparam, insert, select, update
from sqlmodel import Session

from pos.core.clock import timestamp
from pos.core.models import AuditEntry, AuditHead


@dataclass(frozen=True)
class AuditRecord:
    """An audit entry as a screen or report sees it."""

    seq: int
    at: str
    terminal_id: str
    operator_id: str | None
    approver_id: str | None
    kind: str
    details: dict[str, Any]


@dataclass(frozen=True)
class AuditVerified:
    """Outcome of ``verify``: ``ok``, how many rows were checked, and the first problem found."""

    ok: bool
    rows: int
    first_bad_seq: int | None = None
    problem: str | None = None


_HEAD = AuditHead.__table__.c
_LOCK_HEAD = select(_HEAD.last_seq, _HEAD.last_hash).where(_HEAD.id == 1).with_for_update()
_INSERT_ENTRY = insert(AuditEntry.__table__)
_MOVE_HEAD = (update(AuditHead.__table__).where(_HEAD.id == 1)
              .values(last_seq=bindparam("new_seq"), last_hash=bindparam("new_hash")))


def canonical_details(details: dict[str, Any]) -> str:
    return json.dumps(details, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def entry_hash(key: str, *, seq: int, at: str, terminal_id: str, operator_id: str | None,
               approver_id: str | None, kind: str, details: str, prev_hash: str) -> str:
    """HMAC-SHA256 over a canonical JSON encoding of every column but the hash itself."""
    message = json.dumps([seq, at, terminal_id, operator_id, approver_id, kind, details, prev_hash],
                         separators=(",", ":"), ensure_ascii=False)
    return hmac.new(key.encode(), message.encode(), hashlib.sha256).hexdigest()


def record(session: Session, *, key: str, terminal_id: str, kind: str, operator_id: str | None = None,
           approver_id: str | None = None, details: dict[str, Any] | None = None) -> AuditRecord:
    """Append one entry in the caller's transaction; it commits or rolls back with the act."""
    # Prebuilt Core statements, not ORM objects: this runs inside every posting, on its hot path.
    connection = session.connection()
    last_seq, last_hash = connection.execute(_LOCK_HEAD).one()
    seq = last_seq + 1
    at = timestamp()
    encoded = canonical_details(details or {})
    own_hash = entry_hash(key, seq=seq, at=at, terminal_id=terminal_id, operator_id=operator_id,
                          approver_id=approver_id, kind=kind, details=encoded, prev_hash=last_hash)
    connection.execute(_INSERT_ENTRY, {"seq": seq, "at": at, "terminal_id": terminal_id, "operator_id": operator_id,
                                       "approver_id": approver_id, "kind": kind, "details": encoded,
                                       "prev_hash": last_hash, "hash": own_hash})
    connection.execute(_MOVE_HEAD, {"new_seq": seq, "new_hash": own_hash})
    return AuditRecord(seq, at, terminal_id, operator_id, approver_id, kind, details or {})


def verify(session: Session, *, key: str, batch_size: int = 5000) -> AuditVerified:
    """Walk the chain from the first row; name the first row changed, deleted or out of order."""
    expected_seq = 1
    prev_hash = ""
    rows = 0
    for entry in _stream(session, batch_size):
        rows += 1
        if entry.seq != expected_seq:
            if entry.seq > expected_seq:
                return AuditVerified(False, rows, expected_seq,
                                     f"row {expected_seq} is missing (deleted): the next row is {entry.seq}")
            return AuditVerified(False, rows, entry.seq, f"row {entry.seq} is out of order")
        if entry.prev_hash != prev_hash:
            return AuditVerified(False, rows, entry.seq,
                                 f"row {entry.seq} does not follow row {entry.seq - 1}: inserted out of order, "
                                 f"or the row before it was replaced")
        computed = entry_hash(key, seq=entry.seq, at=entry.at, terminal_id=entry.terminal_id,
                              operator_id=entry.operator_id, approver_id=entry.approver_id, kind=entry.kind,
                              details=entry.details, prev_hash=entry.prev_hash)
        if not hmac.compare_digest(computed, entry.hash):
            return AuditVerified(False, rows, entry.seq, f"row {entry.seq} was changed after it was written")
        prev_hash = entry.hash
        expected_seq += 1
    head = session.execute(select(AuditHead).where(AuditHead.id == 1)).scalar_one()
    last_seq = expected_seq - 1
    if head.last_seq != last_seq or head.last_hash != prev_hash:
        if head.last_seq > last_seq:
            return AuditVerified(False, rows, last_seq + 1,
                                 f"row {last_seq + 1} is missing (deleted): the journal ends at row {last_seq} "
                                 f"but {head.last_seq} rows were written")
        return AuditVerified(False, rows, head.last_seq, "the chain head does not match the last row")
    return AuditVerified(True, rows)


def _stream(session: Session, batch_size: int) -> Iterator[AuditEntry]:
    after = 0
    while True:
        batch = session.execute(
            select(AuditEntry).where(AuditEntry.seq > after).order_by(AuditEntry.seq).limit(batch_size)
        ).scalars().all()
        if not batch:
            return
        yield from batch
        after = batch[-1].seq


# The kinds of act the code records (``pos audit show --kind`` offers these and any other kind found in the
# trail, so a kind added elsewhere is never refused once it was recorded).
KINDS = frozenset({
    "signin", "signin_failed", "signout", "operator_added", "operator_locked", "operator_unlocked",
    "operator_disabled", "pin_set", "accounts_imported", "fee_codes_imported", "drawer_opened",
    "float_difference", "drop", "paid_out", "loan", "no_sale", "drawer_counted", "drawer_force_closed",
    "drawer_verified", "batch_closed", "deposit_prepared", "payment_posted", "payment_voided", "receipt_reprinted",
})


def known_kinds(session: Session) -> list[str]:
    """Every kind a filter may name: the kinds the code records and those already in the trail, sorted."""
    recorded = session.execute(select(AuditEntry.kind).distinct()).scalars()
    return sorted(KINDS | set(recorded))


def search(session: Session, *, kind: str | None = None, operator_id: str | None = None,
           since: str | None = None, until: str | None = None, terminal_id: str | None = None,
           limit: int = 200) -> list[AuditRecord]:
    """Newest first, filtered."""
    query = select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(limit)
    if kind:
        query = query.where(AuditEntry.kind == kind)
    if operator_id:
        query = query.where((AuditEntry.operator_id == operator_id) | (AuditEntry.approver_id == operator_id))
    if terminal_id:
        query = query.where(AuditEntry.terminal_id == terminal_id)
    if since:
        query = query.where(AuditEntry.at >= since)
    if until:
        query = query.where(AuditEntry.at < until)
    return [
        AuditRecord(e.seq, e.at, e.terminal_id, e.operator_id, e.approver_id, e.kind, json.loads(e.details))
        for e in session.execute(query).scalars()
    ]
