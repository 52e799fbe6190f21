"""Account lookup: exact number, bill-stub scan line, and ranked name/address search."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Literal

from sqlalchemy import select, text

from pos.core.db import UnitOfWork
from pos.core.errors import AccountError, InputError
from pos.core.models import FeeCode
from pos.core.scanline import StubScanned, looks_like_scan_line, parse_scan_line
from pos.core.settings import Settings

STATUS_LABELS = {
    "active": "Active",
    "final": "Final bill",
    "shutoff_pending": "Shut-off pending",
    "locked_off": "Locked off",
    "closed": "Closed",
}


@dataclass(frozen=True)
class AccountView:
    """One account as the counter sees it: no live database object behind it."""

    account_number: str
    name: str
    service_address: str
    balance_cents: int
    past_due_cents: int
    due_date: date | None
    status: str
    cash_only: bool
    arrangement_installment_cents: int | None
    arrangement_next_due: date | None
    updated_at: str

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def on_arrangement(self) -> bool:
        return self.arrangement_installment_cents is not None

    def alerts(self) -> list[str]:
        """What the cashier must not miss, most urgent first."""
        found = []
        if self.status == "shutoff_pending":
            found.append("SHUT-OFF PENDING: on today's turn-off list")
        if self.status == "locked_off":
            found.append("LOCKED OFF: service is disconnected")
        if self.status in ("final", "closed"):
            found.append(f"{self.status_label.upper()}: account is not active")
        if self.cash_only:
            found.append("CASH ONLY: no checks")
        if self.on_arrangement:
            found.append("PAYMENT ARRANGEMENT")
        if self.past_due_cents > 0:
            found.append("PAST DUE")
        return found


@dataclass(frozen=True)
class AccountMatch:
    """One row of a search result."""

    account_number: str
    name: str
    service_address: str
    balance_cents: int
    status: str


@dataclass(frozen=True)
class LookupResult:
    """What a lookup found: how it searched, the matches, and a stub if one was scanned."""

    how: Literal["number", "scan", "search"]
    matches: list[AccountMatch]
    stub: StubScanned | None = None

    @property
    def single(self) -> bool:
        return len(self.matches) == 1


@dataclass(frozen=True)
class FeeCodeView:
    code: str
    description: str
    gl_account: str
    fixed_amount_cents: int | None
    active: bool


_VIEW_COLUMNS = (
    "account_number, name, service_address, balance_cents, past_due_cents, due_date, status, cash_only, "
    "arrangement_installment_cents, arrangement_next_due, updated_at"
)
_TOKEN = re.compile(r"\w+", re.UNICODE)


def check_account_number(text_value: str, settings: Settings) -> str:
    """Normalise a typed account number (digits, zero-padded) or raise naming the field."""
    value = text_value.strip().replace("-", "").replace(" ", "")
    if not value:
        raise InputError("account number", "is empty")
    if not (value.isascii() and value.isdigit()):
        raise InputError("account number", "must be digits only")
    if len(value) > 20:
        raise InputError("account number", "is longer than 20 digits")
    return value.zfill(settings.lookup.account_number_length)


def get_account(uow: UnitOfWork, account_number: str) -> AccountView | None:
    row = uow.session.execute(
        text(f"SELECT {_VIEW_COLUMNS} FROM account WHERE account_number = :n"), {"n": account_number}
    ).first()
    return None if row is None else _view(row)


def require_account(uow: UnitOfWork, account_number: str) -> AccountView:
    found = get_account(uow, account_number)
    if found is None:
        raise AccountError(f"account number: {account_number} is not in the account master")
    return found


def search_accounts(uow: UnitOfWork, query: str, *, limit: int = 50) -> list[AccountMatch]:
    """Every token must prefix-match a word of the name or service address; best matches first."""
    tokens = [t.lower() for t in _TOKEN.findall(query)]
    if not tokens:
        return []
    dialect = uow.session.get_bind().dialect.name
    if dialect == "sqlite":
        match = " AND ".join('"' + t.replace('"', "") + '"*' for t in tokens)
        sql = text(
            "SELECT a.account_number, a.name, a.service_address, a.balance_cents, a.status "
            "FROM account_search s JOIN account a ON a.id = s.rowid "
            "WHERE account_search MATCH :q ORDER BY bm25(account_search, 2.0, 1.0) LIMIT :limit"
        )
        params = {"q": match, "limit": limit}
    else:
        tsquery = " & ".join(re.sub(r"[^\w]", "", t) + ":*" for t in tokens)
        sql = text(
            "SELECT account_number, name, service_address, balance_cents, status FROM account, "
            "to_tsquery('simple', pos_fold(:q)) AS q "
            "WHERE to_tsvector('simple', pos_fold(name) || ' ' || pos_fold(service_address)) @@ q "
            "ORDER BY ts_rank(setweight(to_tsvector('simple', pos_fold(name)), 'A') || "
            "setweight(to_tsvector('simple', pos_fold(service_address)), 'B'), q) DESC, name LIMIT :limit"
        )
        params = {"q": tsquery, "limit": limit}
    return [AccountMatch(*row) for row in uow.session.execute(sql, params)]


def lookup(uow: UnitOfWork, entry: str, settings: Settings) -> LookupResult:
    """One input for everything a cashier types or scans: stub, number, name or address."""
    value = entry.strip()
    if not value:
        raise InputError("lookup", "type an account number, a name, an address, or scan a stub")
    if looks_like_scan_line(value, settings.scan_line):
        stub = parse_scan_line(value, settings.scan_line)
        account = get_account(uow, stub.account_number)
        if account is None:
            raise AccountError(f"scan line: account {stub.account_number} is not in the account master")
        return LookupResult("scan", [_match(account)], stub)
    compact = value.replace("-", "").replace(" ", "")
    if compact.isascii() and compact.isdigit():
        number = check_account_number(compact, settings)
        account = get_account(uow, number)
        if account is not None:
            return LookupResult("number", [_match(account)])
        if len(compact) >= settings.lookup.account_number_length:
            return LookupResult("number", [])
    return LookupResult("search", search_accounts(uow, value, limit=settings.lookup.result_limit))


def list_fee_codes(uow: UnitOfWork, *, active_only: bool = True) -> list[FeeCodeView]:
    query = select(FeeCode).order_by(FeeCode.code)
    if active_only:
        query = query.where(FeeCode.active.is_(True))
    return [FeeCodeView(f.code, f.description, f.gl_account, f.fixed_amount_cents, f.active)
            for f in uow.session.execute(query).scalars()]


def count_accounts(uow: UnitOfWork) -> int:
    return uow.session.execute(text("SELECT count(*) FROM account")).scalar_one()


def _match(account: AccountView) -> AccountMatch:
    return AccountMatch(account.account_number, account.name, account.service_address, account.balance_cents,
                        account.status)


def _view(row) -> AccountView:  # noqa: ANN001 - a Row from the query above
    return AccountView(
        account_number=row[0], name=row[1], service_address=row[2], balance_cents=row[3], past_due_cents=row[4],
        due_date=_as_date(row[5]), status=row[6], cash_only=bool(row[7]), arrangement_installment_cents=row[8],
        arrangement_next_due=_as_date(row[9]), updated_at=row[10],
    )


def _as_date(value) -> date | None:  # noqa: ANN001 - str on SQLite, date on PostgreSQL
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)

