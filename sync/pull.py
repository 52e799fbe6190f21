"""The account master and fee codes from the ledger: GET /v1/accounts from the saved cursor, page by page.

Each page is checked as a whole and applied in one transaction together with its cursor, so a pull stopped
anywhere resumes from the last page applied. The upsert is the CSV import's (sync.account_master), which
keeps payments not yet acknowledged by the ledger subtracted from the balance shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from sqlalchemy import select

from pos.core import audit
from pos.core.db import Database
from pos.core.models import FeeCode
from pos.core.settings import Settings
from sync.account_master import ImportAccounts, _account_values, import_accounts, upsert_sql
from sync.contract import is_money
from sync.csvfile import Problems
from sync.errors import LedgerError
from sync.outbox import load_state, save_state

ACCOUNT_KEYS = ("account_number", "name", "service_address", "balance_cents", "past_due_cents", "due_date",
                "status", "cash_only", "arrangement", "updated_at")
FEE_KEYS = ("code", "description", "gl_account", "fixed_amount_cents", "active")
CURSOR = "accounts_cursor"
MAX_PAGES = 100_000  # a ledger that never says "caught up" is stopped here


@dataclass(frozen=True)
class AccountsPulled:
    pages: int
    accounts: int
    cursor: str | None


@dataclass(frozen=True)
class FeeCodesPulled:
    fee_codes: int


def pull_accounts(database: Database, settings: Settings, source: Any, *,
                  on_page: Callable[[int], None] | None = None) -> AccountsPulled:
    """Pull every account changed since the saved cursor; each page with its cursor in one transaction.

    ``source.get_json(path, params)`` is the HTTP transport's GET (sync.transport.HttpTransport.get_json).
    """
    with database.reader() as uow:
        cursor = load_state(uow, CURSOR)
    pages = accounts = 0
    limit = settings.ledger.accounts_page_size
    while pages < MAX_PAGES:
        params = {"limit": limit, **({"since": cursor} if cursor else {})}
        page = source.get_json("/v1/accounts", params)
        rows, next_cursor = _read_page(page, pages + 1, settings.lookup.account_number_length)
        if not rows:
            break
        pages += 1
        with database.unit_of_work() as uow:
            connection = uow.session.connection()
            connection.exec_driver_sql(upsert_sql(connection.dialect.name), rows)
            save_state(uow, CURSOR, next_cursor)
            uow.commit()
        cursor = next_cursor
        accounts += len(rows)
        if on_page is not None:
            on_page(len(rows))
    with database.unit_of_work() as uow:
        audit.record(uow.session, key=settings.security.audit_key, terminal_id=settings.terminal.id,
                     kind="accounts_pulled", details={"pages": pages, "accounts": accounts, "cursor": cursor})
        uow.commit()
    return AccountsPulled(pages, accounts, cursor)


def _read_page(page: Any, number: int, number_length: int) -> tuple[list[tuple], str | None]:
    where = f"GET /v1/accounts page {number}"
    if not isinstance(page, dict) or not isinstance(page.get("accounts"), list) or "next_cursor" not in page:
        raise LedgerError(f"{where}: the reply has no accounts list and next_cursor")
    next_cursor = page["next_cursor"]
    if page["accounts"] and not (isinstance(next_cursor, str) and next_cursor):
        raise LedgerError(f"{where}: a page holding accounts has no next_cursor")
    problems = Problems()
    rows = []
    for index, account in enumerate(page["accounts"]):
        fields = _account_fields(account, index, problems)
        if fields is None:
            continue
        values = _account_values(index, fields, problems, number_length)
        if values is not None:
            rows.append(values)
    if problems:
        first = problems.listed[0]
        raise LedgerError(f"{where}: accounts[{first.line}].{first.column}: {first.reason}"
                          + (f" (and {problems.total - 1} more problems)" if problems.total > 1 else "")
                          + "; nothing of this page was applied")
    return rows, next_cursor


def _account_fields(account: Any, index: int, problems: Problems) -> list[str] | None:
    """JSON types checked strictly, then the fields as text for the CSV import's rules."""
    if not isinstance(account, dict):
        problems.add(index, "(account)", "is not an object")
        return None
    before = problems.total
    for key in ACCOUNT_KEYS:
        if key not in account:
            problems.add(index, key, "is missing")
    for key in account:
        if key not in ACCOUNT_KEYS:
            problems.add(index, key, "is not a key of the contract")
    for key in ("balance_cents", "past_due_cents"):
        if key in account and not is_money(account[key]):
            problems.add(index, key, "is not a JSON integer")
    if "cash_only" in account and not isinstance(account["cash_only"], bool):
        problems.add(index, "cash_only", "is not true or false")
    for key in ("account_number", "name", "service_address", "status", "updated_at"):
        if key in account and not isinstance(account[key], str):
            problems.add(index, key, "is not a string")
    if account.get("due_date") is not None and not isinstance(account["due_date"], str):
        problems.add(index, "due_date", "is not a date or null")
    arrangement = account.get("arrangement")
    installment = next_due = ""
    if arrangement is not None:
        if not isinstance(arrangement, dict) or set(arrangement) != {"installment_cents", "next_due"} \
                or not is_money(arrangement["installment_cents"]) or not isinstance(arrangement["next_due"], str):
            problems.add(index, "arrangement", "is not {installment_cents, next_due} or null")
        else:
            installment, next_due = str(arrangement["installment_cents"]), arrangement["next_due"]
    if problems.total != before:
        return None
    return [account["account_number"], account["name"], account["service_address"], str(account["balance_cents"]),
            str(account["past_due_cents"]), account["due_date"] or "", account["status"],
            "true" if account["cash_only"] else "false", installment, next_due, account["updated_at"]]


def pull_fee_codes(database: Database, settings: Settings, source: Any) -> FeeCodesPulled:
    """Every fee code the ledger publishes, applied in one transaction (codes it no longer lists are kept)."""
    reply = source.get_json("/v1/fee-codes")
    if not isinstance(reply, dict) or not isinstance(reply.get("fee_codes"), list):
        raise LedgerError("GET /v1/fee-codes: the reply has no fee_codes list")
    parsed: list[dict[str, Any]] = []
    for index, fee in enumerate(reply["fee_codes"]):
        where = f"GET /v1/fee-codes: fee_codes[{index}]"
        if not isinstance(fee, dict) or set(fee) != set(FEE_KEYS):
            raise LedgerError(f"{where}: must have exactly the keys {', '.join(FEE_KEYS)}")
        if not all(isinstance(fee[k], str) and fee[k].strip() for k in ("code", "description", "gl_account")):
            raise LedgerError(f"{where}: code, description and gl_account must be non-empty strings")
        if fee["fixed_amount_cents"] is not None and not (is_money(fee["fixed_amount_cents"])
                                                          and fee["fixed_amount_cents"] > 0):
            raise LedgerError(f"{where}.fixed_amount_cents: is not a positive JSON integer or null")
        if not isinstance(fee["active"], bool):
            raise LedgerError(f"{where}.active: is not true or false")
        parsed.append(fee)
    with database.unit_of_work() as uow:
        existing = {row.code: row for row in uow.session.execute(select(FeeCode)).scalars()}
        for fee in parsed:
            row = existing.get(fee["code"])
            if row is None:
                uow.session.add(FeeCode(**fee))
            else:
                row.description, row.gl_account = fee["description"], fee["gl_account"]
                row.fixed_amount_cents, row.active = fee["fixed_amount_cents"], fee["active"]
        audit.record(uow.session, key=settings.security.audit_key, terminal_id=settings.terminal.id,
                     kind="fee_codes_pulled", details={"fee_codes": len(parsed)})
        uow.commit()
    return FeeCodesPulled(len(parsed))


def pull_accounts_file(database: Database, settings: Settings) -> str | None:
    """File sites: import the newest ACCOUNTS_*.csv of the inbox folder once; returns its name, or None."""
    if not settings.ledger.inbox_dir:
        raise LedgerError("ledger.inbox_dir: no folder is configured for the account master files")
    files = sorted(Path(settings.ledger.inbox_dir).expanduser().glob("ACCOUNTS_*.csv"))
    if not files:
        return None
    newest = files[-1]
    with database.reader() as uow:
        if load_state(uow, "accounts_file") == newest.name:
            return None
    with database.unit_of_work() as uow:
        import_accounts(uow, ImportAccounts(newest), settings)
    with database.unit_of_work() as uow:
        save_state(uow, "accounts_file", newest.name)
        uow.commit()
    return newest.name
