"""Database tables (SQLModel). Only persistence code touches these; screens get read models."""

from __future__ import annotations

from datetime import date
from typing import Optional

from sqlalchemy import BigInteger, Column, Index, Text, text
from sqlmodel import Field, SQLModel


class Operator(SQLModel, table=True):
    __tablename__ = "operator"

    id: Optional[int] = Field(default=None, primary_key=True)
    operator_id: str = Field(max_length=32, unique=True, index=True)
    name: str = Field(max_length=80)
    role: str = Field(max_length=16)
    pin_hash: str = Field(max_length=255)
    failed_signins: int = Field(default=0)
    locked: bool = Field(default=False)
    disabled: bool = Field(default=False)
    created_at: str = Field(max_length=40)
    pin_changed_at: str = Field(max_length=40)
    last_signin_at: Optional[str] = Field(default=None, max_length=40)
    last_failed_at: Optional[str] = Field(default=None, max_length=40)  # the sign-in delay runs from here


class AuditEntry(SQLModel, table=True):
    __tablename__ = "audit_entry"

    seq: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    at: str = Field(max_length=40)
    terminal_id: str = Field(max_length=16)
    operator_id: Optional[str] = Field(default=None, max_length=32, index=True)
    approver_id: Optional[str] = Field(default=None, max_length=32)
    kind: str = Field(max_length=40, index=True)
    details: str = Field(sa_column=Column(Text, nullable=False))
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)
    # Digests of the money rows this act wrote, as JSON [[table, row id, digest], ...]; covered by ``hash``.
    binds: Optional[str] = Field(default=None, sa_column=Column(Text, nullable=True))


class AuditHead(SQLModel, table=True):
    """One row: the newest sequence number and hash. Writers lock it, so numbers stay gapless."""

    __tablename__ = "audit_head"

    id: int = Field(default=1, primary_key=True)
    last_seq: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, default=0))
    last_hash: str = Field(default="", max_length=64)
    # HMAC of a fixed label under the audit key (never the key): a process with another key refuses to write.
    key_fingerprint: Optional[str] = Field(default=None, max_length=64)


class Account(SQLModel, table=True):
    """Local copy of the account master published by the central ledger."""

    __tablename__ = "account"
    __table_args__ = (Index("ix_account_status", "status"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    account_number: str = Field(max_length=20, unique=True)
    name: str = Field(max_length=120)
    service_address: str = Field(max_length=200)
    balance_cents: int = Field(sa_column=Column(BigInteger, nullable=False))
    past_due_cents: int = Field(sa_column=Column(BigInteger, nullable=False))
    due_date: Optional[date] = None
    status: str = Field(max_length=20)
    cash_only: bool = False
    arrangement_installment_cents: Optional[int] = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    arrangement_next_due: Optional[date] = None
    updated_at: str = Field(max_length=40)
    # Payments posted here that the ledger has not acknowledged yet (voids take them back): the master's
    # balance minus this is what the counter shows, so a pull never hides an unsent payment.
    pending_cents: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, server_default=text("0")))


class FeeCode(SQLModel, table=True):
    """A miscellaneous receivable: permit, license, citation, deposit, reconnection fee."""

    __tablename__ = "fee_code"

    code: str = Field(primary_key=True, max_length=20)
    description: str = Field(max_length=120)
    gl_account: str = Field(max_length=40)
    fixed_amount_cents: Optional[int] = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    active: bool = True


class Batch(SQLModel, table=True):
    """Transactions balanced, closed and sent to the ledger as one unit."""

    __tablename__ = "batch"

    id: str = Field(primary_key=True, max_length=36)
    kind: str = Field(max_length=16)
    terminal_id: str = Field(max_length=16, index=True)
    status: str = Field(max_length=12)
    business_date: date
    opened_at: str = Field(max_length=40)
    opened_by: str = Field(max_length=32)
    closed_at: Optional[str] = Field(default=None, max_length=40)
    closed_by: Optional[str] = Field(default=None, max_length=32)


_NOT_CLOSED = text("status IN ('open', 'counting')")


class Deposit(SQLModel, table=True):
    """A bank deposit built from closed, verified drawers; its cash and items are listed on the slip."""

    __tablename__ = "deposit"

    id: str = Field(primary_key=True, max_length=36)
    bag_number: str = Field(max_length=40, unique=True)
    business_date: date
    terminal_id: str = Field(max_length=16)
    prepared_by: str = Field(max_length=32)
    prepared_at: str = Field(max_length=40)
    cash_counts: str = Field(sa_column=Column(Text, nullable=False))
    cash_cents: int = Field(sa_column=Column(BigInteger, nullable=False))
    items_cents: int = Field(sa_column=Column(BigInteger, nullable=False))
    total_cents: int = Field(sa_column=Column(BigInteger, nullable=False))


class DrawerSession(SQLModel, table=True):
    """One cashier, one drawer, one terminal, from opening to close."""

    __tablename__ = "drawer_session"
    __table_args__ = (
        # A drawer being counted for close still holds its terminal and its cashier.
        Index("ux_drawer_open_terminal", "terminal_id", unique=True, sqlite_where=_NOT_CLOSED,
              postgresql_where=_NOT_CLOSED),
        Index("ux_drawer_open_operator", "operator_id", unique=True, sqlite_where=_NOT_CLOSED,
              postgresql_where=_NOT_CLOSED),
        Index("ix_drawer_session_day", "business_date", "status"),
    )

    id: str = Field(primary_key=True, max_length=36)
    terminal_id: str = Field(max_length=16)
    operator_id: str = Field(max_length=32)
    batch_id: str = Field(foreign_key="batch.id", max_length=36)
    status: str = Field(max_length=12)
    business_date: date
    opened_at: str = Field(max_length=40)
    float_cents: int = Field(sa_column=Column(BigInteger, nullable=False))
    float_counts: str = Field(sa_column=Column(Text, nullable=False))
    expected_float_cents: int = Field(sa_column=Column(BigInteger, nullable=False))
    float_difference_reason: Optional[str] = Field(default=None, max_length=200)
    retained_float_cents: Optional[int] = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    closed_at: Optional[str] = Field(default=None, max_length=40)
    # Filled by the close: the last count's totals, who closed (the cashier, or a supervisor forcing it),
    # who signed off an over/short beyond tolerance, who verified, and the float kept by denomination.
    counts_made: int = Field(default=0)
    # Cash the drawer should hold now, kept as payments, voids and movements post (the till limit reads it
    # on every cash payment); the close recomputes every tender from the journal.
    cash_cents: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, server_default=text("0")))
    expected_cents: Optional[int] = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    counted_cents: Optional[int] = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    over_short_cents: Optional[int] = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    closed_by: Optional[str] = Field(default=None, max_length=32)
    forced: bool = False
    signed_off_by: Optional[str] = Field(default=None, max_length=32)
    signoff_note: Optional[str] = Field(default=None, max_length=500)
    verified_by: Optional[str] = Field(default=None, max_length=32)
    verified_at: Optional[str] = Field(default=None, max_length=40)
    retained_counts: Optional[str] = Field(default=None, sa_column=Column(Text, nullable=True))
    deposit_id: Optional[str] = Field(default=None, foreign_key="deposit.id", max_length=36, index=True)


class PaymentTxn(SQLModel, table=True):
    """One posted transaction: a payment, or a void pointing at one. Never updated, never deleted."""

    __tablename__ = "payment_txn"

    id: str = Field(primary_key=True, max_length=36)
    idempotency_key: str = Field(max_length=64, unique=True)
    batch_id: str = Field(foreign_key="batch.id", max_length=36, index=True)
    drawer_session_id: Optional[str] = Field(default=None, foreign_key="drawer_session.id", max_length=36,
                                             index=True)
    terminal_id: str = Field(max_length=16)
    receipt_number: str = Field(max_length=24, unique=True)
    kind: str = Field(max_length=16)
    posted_at: str = Field(max_length=40)
    business_date: date
    operator_id: str = Field(max_length=32)
    approved_by: Optional[str] = Field(default=None, max_length=32)
    reverses_txn_id: Optional[str] = Field(default=None, foreign_key="payment_txn.id", max_length=36,
                                           unique=True)
    total_cents: int = Field(sa_column=Column(BigInteger, nullable=False))
    change_cents: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, default=0))
    turnoff_pulled: bool = False
    note: Optional[str] = Field(default=None, max_length=500)


class PaymentLine(SQLModel, table=True):
    __tablename__ = "payment_line"

    id: Optional[int] = Field(default=None, primary_key=True)
    txn_id: str = Field(foreign_key="payment_txn.id", max_length=36, index=True)
    position: int
    account_number: Optional[str] = Field(default=None, max_length=20, index=True)
    fee_code: Optional[str] = Field(default=None, max_length=20)
    gl_account: Optional[str] = Field(default=None, max_length=40)
    description: str = Field(max_length=200)
    service_address: Optional[str] = Field(default=None, max_length=200)
    amount_cents: int = Field(sa_column=Column(BigInteger, nullable=False))
    balance_after_cents: Optional[int] = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    # What this line changed on its account beyond the balance: the receipt names only the accounts whose
    # turn-off order it pulled, and a void gives back exactly the past-due amount it paid.
    turnoff_pulled: bool = False
    past_due_paid_cents: Optional[int] = Field(default=None, sa_column=Column(BigInteger, nullable=True))


class PaymentTender(SQLModel, table=True):
    __tablename__ = "payment_tender"

    id: Optional[int] = Field(default=None, primary_key=True)
    txn_id: str = Field(foreign_key="payment_txn.id", max_length=36, index=True)
    position: int
    type: str = Field(max_length=16)
    amount_cents: int = Field(sa_column=Column(BigInteger, nullable=False))
    tendered_cents: Optional[int] = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    change_cents: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, default=0))
    reference: Optional[str] = Field(default=None, max_length=40)
    card_type: Optional[str] = Field(default=None, max_length=10)
    card_last4: Optional[str] = Field(default=None, max_length=4)


class ReceiptCounter(SQLModel, table=True):
    """Last receipt number per terminal; bumped inside the posting transaction, so never a gap."""

    __tablename__ = "receipt_counter"

    terminal_id: str = Field(primary_key=True, max_length=16)
    last_number: int = Field(sa_column=Column(BigInteger, nullable=False))


class PrintJob(SQLModel, table=True):
    """A receipt or a drawer slip waiting for (or done with) the printer; written in the transaction it prints.

    A receipt, void slip or reprint names its ``txn_id`` and is laid out when it prints; a drop,
    paid-out, loan or no-sale slip (``kind = "slip"``) names its ``movement_id`` and keeps its text in
    ``document``, as it was when the cash moved.
    """

    __tablename__ = "print_job"

    id: str = Field(primary_key=True, max_length=36)
    txn_id: Optional[str] = Field(default=None, foreign_key="payment_txn.id", max_length=36, index=True)
    movement_id: Optional[str] = Field(default=None, foreign_key="drawer_movement.id", max_length=36, index=True)
    document: Optional[str] = Field(default=None, sa_column=Column(Text, nullable=True))
    terminal_id: str = Field(max_length=16, index=True)
    kind: str = Field(max_length=16)
    copies: int = 1
    status: str = Field(max_length=12, index=True)
    attempts: int = 0
    last_error: Optional[str] = Field(default=None, max_length=300)
    created_at: str = Field(max_length=40)
    printed_at: Optional[str] = Field(default=None, max_length=40)
    requested_by: str = Field(max_length=32)


class DrawerMovement(SQLModel, table=True):
    """Cash in or out of a drawer between payments: drop, paid-out, loan; or a no-sale open. Never updated."""

    __tablename__ = "drawer_movement"

    id: str = Field(primary_key=True, max_length=36)
    session_id: str = Field(foreign_key="drawer_session.id", max_length=36, index=True)
    number: str = Field(max_length=24, unique=True)
    kind: str = Field(max_length=12)
    at: str = Field(max_length=40)
    amount_cents: int = Field(sa_column=Column(BigInteger, nullable=False))
    counts: Optional[str] = Field(default=None, sa_column=Column(Text, nullable=True))
    reason_code: Optional[str] = Field(default=None, max_length=40)
    reason: str = Field(max_length=200)
    note: Optional[str] = Field(default=None, max_length=500)
    operator_id: str = Field(max_length=32)
    approved_by: Optional[str] = Field(default=None, max_length=32)


class DrawerCount(SQLModel, table=True):
    """One count of a drawer at close (the first, a recount, or a supervisor's forced count). Never updated."""

    __tablename__ = "drawer_count"
    __table_args__ = (Index("ux_drawer_count_attempt", "session_id", "attempt", unique=True),)

    id: str = Field(primary_key=True, max_length=36)
    session_id: str = Field(foreign_key="drawer_session.id", max_length=36)
    attempt: int
    counted_by: str = Field(max_length=32)
    at: str = Field(max_length=40)
    cash_counts: str = Field(sa_column=Column(Text, nullable=False))
    items: str = Field(sa_column=Column(Text, nullable=False))
    counted_by_tender: str = Field(sa_column=Column(Text, nullable=False))
    expected_by_tender: str = Field(sa_column=Column(Text, nullable=False))
    counted_cents: int = Field(sa_column=Column(BigInteger, nullable=False))
    expected_cents: int = Field(sa_column=Column(BigInteger, nullable=False))
    over_short_cents: int = Field(sa_column=Column(BigInteger, nullable=False))


class RoleAuthority(SQLModel, table=True):
    """What a role may do and its limits: seeded from the configuration once, then changed only by an admin."""

    __tablename__ = "role_authority"

    role: str = Field(primary_key=True, max_length=16)
    may: str = Field(sa_column=Column(Text, nullable=False))  # JSON list of permissions
    void_cents: int = Field(sa_column=Column(BigInteger, nullable=False))
    refund_cents: int = Field(sa_column=Column(BigInteger, nullable=False))
    paid_out_cents: int = Field(sa_column=Column(BigInteger, nullable=False))
    fee_reversal_cents: int = Field(sa_column=Column(BigInteger, nullable=False))
    over_short_cents: int = Field(sa_column=Column(BigInteger, nullable=False))
    pin_min_digits: int
    changed_at: str = Field(max_length=40)
    changed_by: str = Field(max_length=40)


class TerminalLease(SQLModel, table=True):
    """The one running process that holds a terminal id, and when it last said it is alive."""

    __tablename__ = "terminal_lease"

    terminal_id: str = Field(primary_key=True, max_length=16)
    host: str = Field(max_length=255)
    pid: int
    token: str = Field(max_length=64)
    taken_at: str = Field(max_length=40)
    heartbeat_at: str = Field(max_length=40)


class LedgerOutbox(SQLModel, table=True):
    """A closed batch on its way to the central ledger, its body frozen when it was queued."""

    __tablename__ = "ledger_outbox"

    batch_id: str = Field(primary_key=True, foreign_key="batch.id", max_length=36)
    terminal_id: str = Field(max_length=16)
    business_date: date
    payload: str = Field(sa_column=Column(Text, nullable=False))
    payload_sha256: str = Field(max_length=64)
    status: str = Field(max_length=12, index=True)
    attempts: int = 0
    next_attempt_at: Optional[str] = Field(default=None, max_length=40)
    outcome_unknown: bool = False
    last_error: Optional[str] = Field(default=None, max_length=500)
    ledger_ref: Optional[str] = Field(default=None, max_length=64)
    refusal_reasons: Optional[str] = Field(default=None, sa_column=Column(Text, nullable=True))
    enqueued_at: str = Field(max_length=40)
    last_attempt_at: Optional[str] = Field(default=None, max_length=40)
    settled_at: Optional[str] = Field(default=None, max_length=40)


class LedgerSyncState(SQLModel, table=True):
    """Named values the sync keeps between runs: the account-master cursor, the last success and error."""

    __tablename__ = "ledger_sync_state"

    name: str = Field(primary_key=True, max_length=40)
    value: str = Field(sa_column=Column(Text, nullable=False))
    updated_at: str = Field(max_length=40)
