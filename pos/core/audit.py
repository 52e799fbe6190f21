"""The audit trail: an append-only, HMAC-chained journal of every sensitive act."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any, Iterable, Iterator, Mapping, Sequence

from sqlalchemy import Table, bindparam, insert, select, update
from sqlmodel import Session

from pos.core.clock import timestamp
from pos.core.errors import AuditError, ConfigError, InputError
from pos.core.models import (AuditEntry, AuditHead, Batch, Deposit, DrawerCount, DrawerMovement, DrawerSession,
                             PaymentLine, PaymentTender, PaymentTxn)
from pos.core.settings import DEFAULT_AUDIT_KEY

# Every table that carries money or a drawer count: each of its rows must be bound by the audit entry of the
# act that last wrote it, and `verify` recomputes every digest from the rows as they are now.
MONEY_TABLES: dict[str, Table] = {model.__tablename__: model.__table__ for model in (
    Batch, DrawerSession, Deposit, PaymentTxn, PaymentLine, PaymentTender, DrawerMovement, DrawerCount)}
_FINGERPRINT_LABEL = b"pos audit key fingerprint v1"
_WRONG_KEY = ("the audit key does not match the one this database was set up with (security.audit_key or "
              "security.audit_key_file): use that key")


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
    problems: tuple[str, ...] = ()  # every problem found, the first one included (at most 100)
    money_rows: int = 0  # money rows whose digests were checked


@dataclass(frozen=True)
class Anchor:
    """A chain head printed outside the database (``SEQ:HASH``); the hash may be shortened to 16+ digits."""

    seq: int
    hash: str

    def __str__(self) -> str:
        return f"{self.seq}:{self.hash}"


_HEAD = AuditHead.__table__.c
_LOCK_HEAD = (select(_HEAD.last_seq, _HEAD.last_hash, _HEAD.key_fingerprint).where(_HEAD.id == 1)
              .with_for_update())
_INSERT_ENTRY = insert(AuditEntry.__table__)
_MOVE_HEAD = (update(AuditHead.__table__).where(_HEAD.id == 1)
              .values(last_seq=bindparam("new_seq"), last_hash=bindparam("new_hash")))
_SET_FINGERPRINT = update(AuditHead.__table__).where(_HEAD.id == 1).values(key_fingerprint=bindparam("fp"))
_ANCHOR = re.compile(r"^([0-9]{1,18}):([0-9a-f]{16,64})$")


def canonical_details(details: dict[str, Any]) -> str:
    return json.dumps(details, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def entry_hash(key: str, *, seq: int, at: str, terminal_id: str, operator_id: str | None,
               approver_id: str | None, kind: str, details: str, prev_hash: str, binds: str | None = None) -> str:
    """HMAC-SHA256 over a canonical JSON encoding of every column but the hash itself."""
    fields: list[Any] = [seq, at, terminal_id, operator_id, approver_id, kind, details, prev_hash]
    if binds is not None:  # entries written before money rows were bound keep their hash
        fields.append(binds)
    message = json.dumps(fields, separators=(",", ":"), ensure_ascii=False)
    return hmac.new(key.encode(), message.encode(), hashlib.sha256).hexdigest()


@lru_cache(maxsize=8)
def key_fingerprint(key: str) -> str:
    """What the database keeps of the key: an HMAC of a fixed label, from which the key cannot be read back."""
    return hmac.new(key.encode(), _FINGERPRINT_LABEL, hashlib.sha256).hexdigest()


def refuse_default_key(key: str) -> None:
    """Nothing is written under the published default key or an empty one: anybody could forge that chain."""
    how = ("set a secret of your own in the configuration file's security section (audit_key, or audit_key_file "
           "naming a file only this user may read) or in POS_SECURITY__AUDIT_KEY")
    if not key or not key.strip():
        raise ConfigError(f"security.audit_key is empty: {how}")
    if key == DEFAULT_AUDIT_KEY:
        raise ConfigError(f"security.audit_key is still the default {DEFAULT_AUDIT_KEY!r}: {how}")


def row_digest(table: Table, row: Mapping[str, Any]) -> str:
    """SHA-256 (128 bits) over a canonical JSON of the row's non-empty columns, the same on both engines."""
    values = {}
    for column in table.columns:
        value = row[column.name]
        if value is None:  # a nullable column added later leaves the digests of older rows as they were
            continue
        values[column.name] = value.isoformat() if isinstance(value, date) else value
    encoded = json.dumps(values, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(encoded.encode()).hexdigest()[:32]


_BIND_QUERIES: dict[tuple[str, str], Any] = {}


def _bound_rows(session: Session, binds: Iterable[tuple]) -> list[list[str]]:
    """Read back, inside the act's transaction, the rows named by ``binds`` and digest each one."""
    session.flush()  # rows the act added through the ORM
    connection = session.connection()
    found: list[list[str]] = []
    for bind in binds:
        table_name, column, value = (bind[0], None, bind[1]) if len(bind) == 2 else bind
        table = MONEY_TABLES[table_name]
        pk = table.primary_key.columns[0]
        column = column or pk.name
        statement = _BIND_QUERIES.get((table_name, column))
        if statement is None:
            statement = _BIND_QUERIES[(table_name, column)] = (
                select(table).where(table.c[column] == bindparam("v")).order_by(pk))
        for row in connection.execute(statement, {"v": value}).mappings():
            found.append([table_name, str(row[pk.name]), row_digest(table, row)])
    return found


def record(session: Session, *, key: str, terminal_id: str, kind: str, operator_id: str | None = None,
           approver_id: str | None = None, details: dict[str, Any] | None = None,
           binds: Sequence[tuple] = ()) -> AuditRecord:
    """Append one entry in the caller's transaction; it commits or rolls back with the act.

    ``binds`` names the money rows the act wrote or changed: ``(table, id)`` for one row, or ``(table, column,
    value)`` for every row where the column has that value (a payment's lines). Their digests go into the
    entry, under its HMAC, so `verify` notices a row changed, deleted or added outside the services.
    """
    refuse_default_key(key)
    # Prebuilt Core statements, not ORM objects: this runs inside every posting, on its hot path.
    connection = session.connection()
    # The rows are this transaction's own (written or locked by it): read them before taking the head, which
    # every terminal's every act waits for, so the head is held for as few statements as possible.
    bound = _bound_rows(session, binds) if binds else None
    last_seq, last_hash, fingerprint = connection.execute(_LOCK_HEAD).one()
    if fingerprint != key_fingerprint(key):
        last_seq, last_hash = _adopt_key(session, key, terminal_id, fingerprint, last_seq, last_hash)
    seq = last_seq + 1
    at = timestamp()
    encoded = canonical_details(details or {})
    own_hash = _append(connection, key, seq=seq, at=at, terminal_id=terminal_id, operator_id=operator_id,
                       approver_id=approver_id, kind=kind, details=encoded, prev_hash=last_hash, bound=bound)
    connection.execute(_MOVE_HEAD, {"new_seq": seq, "new_hash": own_hash})
    return AuditRecord(seq, at, terminal_id, operator_id, approver_id, kind, details or {})


def _append(connection: Any, key: str, *, seq: int, at: str, terminal_id: str, operator_id: str | None,
            approver_id: str | None, kind: str, details: str, prev_hash: str, bound: list | None) -> str:
    binds = None if bound is None else json.dumps(bound, separators=(",", ":"), ensure_ascii=False)
    own_hash = entry_hash(key, seq=seq, at=at, terminal_id=terminal_id, operator_id=operator_id,
                          approver_id=approver_id, kind=kind, details=details, prev_hash=prev_hash, binds=binds)
    connection.execute(_INSERT_ENTRY, {"seq": seq, "at": at, "terminal_id": terminal_id, "operator_id": operator_id,
                                       "approver_id": approver_id, "kind": kind, "details": details,
                                       "prev_hash": prev_hash, "hash": own_hash, "binds": binds})
    return own_hash


def _adopt_key(session: Session, key: str, terminal_id: str, fingerprint: str | None, last_seq: int,
               last_hash: str) -> tuple[int, str]:
    """First write under a key: keep its fingerprint, and bind the money rows an older version left unbound."""
    if fingerprint is not None:
        raise AuditError(_WRONG_KEY)
    connection = session.connection()
    if last_seq and connection.execute(select(AuditEntry.seq).where(AuditEntry.binds.is_not(None)).limit(1)).first():
        # Entries already bind money, so a key was set up before: its fingerprint was removed by hand.
        raise AuditError("audit_head.key_fingerprint is missing although the journal binds money rows: it was "
                         "removed outside the terminal; nothing is written until it is restored")
    connection.execute(_SET_FINGERPRINT, {"fp": key_fingerprint(key)})
    for table_name, table in MONEY_TABLES.items():
        pk = table.primary_key.columns[0]
        chunk: list[list[str]] = []
        for row in connection.execute(select(table).order_by(pk)).mappings():
            chunk.append([table_name, str(row[pk.name]), row_digest(table, row)])
            if len(chunk) == 1000:
                last_seq, last_hash = _baseline(connection, key, terminal_id, last_seq, last_hash, chunk)
                chunk = []
        if chunk:
            last_seq, last_hash = _baseline(connection, key, terminal_id, last_seq, last_hash, chunk)
    return last_seq, last_hash


def _baseline(connection: Any, key: str, terminal_id: str, last_seq: int, last_hash: str,
              chunk: list[list[str]]) -> tuple[int, str]:
    seq = last_seq + 1
    details = canonical_details({"rows": len(chunk), "why": "money rows written before the chain bound them"})
    own_hash = _append(connection, key, seq=seq, at=timestamp(), terminal_id=terminal_id, operator_id=None,
                       approver_id=None, kind="audit_baseline", details=details, prev_hash=last_hash, bound=chunk)
    connection.execute(_MOVE_HEAD, {"new_seq": seq, "new_hash": own_hash})
    return seq, own_hash


def parse_anchor(text: str) -> Anchor:
    """``SEQ:HASH`` as printed on a Z report or deposit slip; the hash may be cut to its first 16 digits."""
    match = _ANCHOR.match((text or "").strip().lower())
    if match is None or int(match.group(1)) < 1:
        raise InputError("--anchor", f"{text!r} is not SEQ:HASH (an entry number, a colon and 16 to 64 "
                                     "hexadecimal digits of its hash, as printed on a Z report or deposit slip)")
    return Anchor(int(match.group(1)), match.group(2))


def head(session: Session) -> Anchor | None:
    """The newest entry of the chain, to print on a report as an anchor outside the database."""
    row = session.connection().execute(select(_HEAD.last_seq, _HEAD.last_hash).where(_HEAD.id == 1)).first()
    return Anchor(row[0], row[1]) if row and row[0] else None


def verify(session: Session, *, key: str, batch_size: int = 5000, anchor: Anchor | None = None) -> AuditVerified:
    """Walk the chain from the first row; name the first row changed, deleted or out of order; then check
    every money row against the digest its last binding entry holds, and that the chain reaches ``anchor``."""
    if not session.in_transaction() and session.get_bind().dialect.name == "postgresql":
        # One snapshot for the whole walk: a payment posted meanwhile is either in the chain and the tables, or in
        # neither (READ COMMITTED would see its rows without having read its entry). SQLite's reader is one already.
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    fingerprint = session.connection().execute(select(_HEAD.key_fingerprint).where(_HEAD.id == 1)).scalar()
    if fingerprint is not None and not hmac.compare_digest(fingerprint, key_fingerprint(key)):
        return AuditVerified(False, 0, None, f"wrong key: {_WRONG_KEY}")
    outcome = _verify_chain(session, key, batch_size, anchor)
    if isinstance(outcome, AuditVerified):
        return outcome
    rows, bound = outcome
    problems: list[tuple[int | None, str]] = []
    money_rows = 0
    for table_name, table in MONEY_TABLES.items():
        pk = table.primary_key.columns[0]
        for row in _stream_rows(session, table, batch_size):
            money_rows += 1
            row_id = str(row[pk.name])
            binding = bound.pop((table_name, row_id), None)
            if binding is None:
                problems.append((None, f"{table_name} row {row_id} was added outside the terminal: no audit "
                                       "entry binds it"))
            elif binding[0] != row_digest(table, row):
                problems.append((binding[1], f"{table_name} row {row_id} was changed after audit entry "
                                             f"{binding[1]} bound it"))
    for (table_name, row_id), (_digest, seq) in sorted(bound.items(), key=lambda item: item[1][1]):
        problems.append((seq, f"{table_name} row {row_id} was deleted (audit entry {seq} bound it)"))
    if problems:
        listed = tuple(problem for _seq, problem in problems[:100])
        return AuditVerified(False, rows, problems[0][0], problems[0][1], listed, money_rows)
    return AuditVerified(True, rows, money_rows=money_rows)


def _verify_chain(session: Session, key: str, batch_size: int, anchor: Anchor | None
                  ) -> AuditVerified | tuple[int, dict[tuple[str, str], tuple[str, int]]]:
    expected_seq = 1
    prev_hash = ""
    rows = 0
    anchored: str | None = None
    # The last entry to bind each money row: its digest and sequence number.
    bound: dict[tuple[str, str], tuple[str, int]] = {}
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
                              details=entry.details, prev_hash=entry.prev_hash, binds=entry.binds)
        if not hmac.compare_digest(computed, entry.hash):
            return AuditVerified(False, rows, entry.seq, f"row {entry.seq} was changed after it was written")
        if entry.binds:
            for table_name, row_id, digest in json.loads(entry.binds):
                bound[(table_name, row_id)] = (digest, entry.seq)
        if anchor is not None and entry.seq == anchor.seq:
            anchored = entry.hash
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
    if anchor is not None:
        if anchored is None:
            return AuditVerified(False, rows, last_seq + 1,
                                 f"the journal ends at row {last_seq} but the anchor {anchor} was printed when it "
                                 f"reached row {anchor.seq}: rows {last_seq + 1} to {anchor.seq} were removed")
        if not anchored.startswith(anchor.hash):
            return AuditVerified(False, rows, anchor.seq,
                                 f"row {anchor.seq} is not the one the anchor {anchor} was printed from: the "
                                 "journal was rewritten from there or before")
    return rows, bound


def _stream(session: Session, batch_size: int) -> Iterator[Any]:
    after = 0
    columns = AuditEntry.__table__.c
    while True:
        batch = session.connection().execute(
            select(AuditEntry.__table__).where(columns.seq > after).order_by(columns.seq).limit(batch_size)
        ).all()
        if not batch:
            return
        yield from batch
        after = batch[-1].seq


def _stream_rows(session: Session, table: Table, batch_size: int) -> Iterator[Mapping[str, Any]]:
    """Every row of a money table in key order, a batch per query (keyset paging, no offset)."""
    pk = table.primary_key.columns[0]
    query = select(table).order_by(pk).limit(batch_size)
    after = None
    while True:
        batch = session.connection().execute(query if after is None else query.where(pk > after)).mappings().all()
        if not batch:
            return
        yield from batch
        after = batch[-1][pk.name]
# The kinds of act the code records (``pos audit show --kind`` offers these and any other kind found in the
# trail, so a kind added elsewhere is never refused once it was recorded).
KINDS = frozenset({
    "signin", "signin_failed", "signout", "operator_added", "operator_locked", "operator_unlocked",
    "operator_disabled", "operator_recovered", "pin_set", "role_changed", "terminal_taken_over",
    "accounts_imported", "fee_codes_imported", "accounts_pulled", "fee_codes_pulled", "drawer_opened",
    "float_difference", "drop", "paid_out", "loan", "no_sale", "drawer_kick", "drawer_counted", "drawer_closed",
    "drawer_force_closed", "drawer_verified", "batch_closed", "batch_queued", "batch_retry", "batch_accepted",
    "batch_refused", "batch_conflict", "batch_held", "deposit_prepared", "payment_posted", "payment_voided",
    "receipt_reprinted", "slip_reprinted", "audit_baseline",
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
