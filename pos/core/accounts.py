"""Account lookup: exact number, bill-stub scan line, and ranked name/address search."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select, text

from pos.core.account_views import STATUS_LABELS, AccountMatch, AccountView, Alert, FeeCodeView, LookupResult
from pos.core.cards import refuse_card_number
from pos.core.db import UnitOfWork
from pos.core.errors import AccountError, InputError
from pos.core.models import FeeCode
from pos.core.scanline import looks_like_scan_line, parse_scan_line
from pos.core.settings import Settings

__all__ = ["STATUS_LABELS", "AccountMatch", "AccountView", "Alert", "FeeCodeView", "LookupResult",
           "check_account_number", "count_accounts", "get_account", "list_fee_codes", "lookup", "require_account",
           "search_accounts"]

# Ranking is computed over at most this many matches. A prefix such as "wil" matches tens of thousands
# of accounts in a large utility; ranking them all costs ~50 ms, and the cashier must narrow anyway.
SEARCH_CANDIDATES = 2000

_VIEW_COLUMNS = (
    "account_number, name, service_address, balance_cents, past_due_cents, due_date, status, cash_only, "
    "arrangement_installment_cents, arrangement_next_due, updated_at"
)
_TOKEN = re.compile(r"\w+", re.UNICODE)
_GET_ACCOUNT = text(f"SELECT {_VIEW_COLUMNS} FROM account WHERE account_number = :n")


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
    row = uow.session.connection().execute(_GET_ACCOUNT, {"n": account_number}).first()
    return None if row is None else _view(row)


def require_account(uow: UnitOfWork, account_number: str) -> AccountView:
    found = get_account(uow, account_number)
    if found is None:
        raise AccountError(f"account number: {account_number} is not in the account master")
    return found


def search_accounts(uow: UnitOfWork, query: str, *, limit: int = 50) -> list[AccountMatch]:
    """Every token must prefix-match a word of the name or service address; best matches first."""
    refuse_card_number("search", query)  # never sent to the database, where a slow-query log could keep it
    tokens = [t.lower() for t in _TOKEN.findall(query)]
    if not tokens:
        return []
    dialect = uow.session.get_bind().dialect.name
    if dialect == "sqlite":
        match = " AND ".join('"' + t.replace('"', "") + '"*' for t in tokens)
        sql = text(
            "WITH candidate AS MATERIALIZED (SELECT rowid AS id, bm25(account_search, 2.0, 1.0) AS score "
            "FROM account_search WHERE account_search MATCH :q LIMIT :candidates) "
            "SELECT a.account_number, a.name, a.service_address, a.balance_cents, a.status "
            "FROM candidate c JOIN account a ON a.id = c.id ORDER BY c.score, a.id LIMIT :limit"
        )
        params = {"q": match, "limit": limit, "candidates": SEARCH_CANDIDATES}
    else:
        tsquery = " & ".join(re.sub(r"[^\w]", "", t) + ":*" for t in tokens)
        sql = text(
            "WITH q AS (SELECT to_tsquery('simple', pos_fold(:q)) AS q), "
            "candidate AS MATERIALIZED (SELECT a.* FROM account a, q "
            "WHERE to_tsvector('simple', pos_fold(a.name) || ' ' || pos_fold(a.service_address)) @@ q.q "
            "LIMIT :candidates) "
            "SELECT c.account_number, c.name, c.service_address, c.balance_cents, c.status FROM candidate c, q "
            "ORDER BY ts_rank(setweight(to_tsvector('simple', pos_fold(c.name)), 'A') || "
            "setweight(to_tsvector('simple', pos_fold(c.service_address)), 'B'), q.q) DESC, c.name, c.id "
            "LIMIT :limit"
        )
        params = {"q": tsquery, "limit": limit, "candidates": SEARCH_CANDIDATES}
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
    refuse_card_number("lookup", value)
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

