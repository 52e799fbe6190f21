"""Database tables (SQLModel). Only persistence code touches these; screens get read models."""

from __future__ import annotations

from datetime import date
from typing import Optional

from sqlalchemy import BigInteger, Column, Index, Text
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


class AuditHead(SQLModel, table=True):
    """One row: the newest sequence number and hash. Writers lock it, so numbers stay gapless."""

    __tablename__ = "audit_head"

    id: int = Field(default=1, primary_key=True)
    last_seq: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, default=0))
    last_hash: str = Field(default="", max_length=64)


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


class FeeCode(SQLModel, table=True):
    """A miscellaneous receivable: permit, license, citation, deposit, reconnection fee."""

    __tablename__ = "fee_code"

    code: str = Field(primary_key=True, max_length=20)
    description: str = Field(max_length=120)
    gl_account: str = Field(max_length=40)
    fixed_amount_cents: Optional[int] = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    active: bool = True
