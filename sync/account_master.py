"""Import of the account master (ACCOUNTS_*.csv, LEDGER_API.md §2): streaming, all-or-nothing upsert."""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Callable

from pos.core import audit
from pos.core.db import UnitOfWork
from pos.core.errors import ImportRefused
from pos.core.settings import Settings
from sync.csvfile import Problems, one_line, parse_bool, parse_date, parse_int, read_rows, refusal

ACCOUNT_COLUMNS = (
    "account_number", "name", "service_address", "balance_cents", "past_due_cents", "due_date", "status",
    "cash_only", "arrangement_installment_cents", "arrangement_next_due", "updated_at",
)
STATUSES = frozenset({"active", "final", "shutoff_pending", "locked_off", "closed"})
CHUNK = 5_000

_UPSERT = """
INSERT INTO account (account_number, name, service_address, balance_cents, past_due_cents, due_date, status,
                     cash_only, arrangement_installment_cents, arrangement_next_due, updated_at)
VALUES ({marks})
ON CONFLICT (account_number) DO UPDATE SET
    name = excluded.name, service_address = excluded.service_address,
    balance_cents = excluded.balance_cents - account.pending_cents,
    past_due_cents = CASE WHEN excluded.past_due_cents > account.pending_cents
                          THEN excluded.past_due_cents - account.pending_cents ELSE 0 END,
    due_date = excluded.due_date, status = excluded.status,
    cash_only = excluded.cash_only, arrangement_installment_cents = excluded.arrangement_installment_cents,
    arrangement_next_due = excluded.arrangement_next_due, updated_at = excluded.updated_at
"""


@dataclass(frozen=True)
class ImportAccounts:
    path: Path
    operator_id: str | None = None
    os_user: str | None = None  # journaled when the terminal's service identity runs the import


@dataclass(frozen=True)
class AccountsImported:
    rows: int
    path: str


Progress = Callable[[int], None]


def upsert_sql(dialect: str) -> str:
    mark = "?" if dialect == "sqlite" else "%s"
    return _UPSERT.format(marks=", ".join([mark] * len(ACCOUNT_COLUMNS)))


def import_accounts(uow: UnitOfWork, command: ImportAccounts, settings: Settings,
                    on_bytes: Progress | None = None) -> AccountsImported:
    """Read the whole file in one transaction; any bad row refuses the file and changes nothing."""
    path = Path(command.path)
    problems = Problems()
    seen: set[int] = set()
    repeated: dict[str, list[int]] = {}
    connection = uow.session.connection()
    dialect = connection.dialect.name
    statement = upsert_sql(dialect)
    restore_triggers = _suspend_search_triggers(connection) if _is_bulk(connection, path) else None
    writer = _ChunkWriter(connection, statement)
    chunk: list[tuple] = []
    rows = 0
    number_length = settings.lookup.account_number_length
    for line, fields in read_rows(path, ACCOUNT_COLUMNS, problems, on_bytes):
        values = _account_values(line, fields, problems, number_length)
        if values is None:
            continue
        number = values[0]
        key = int(number) if len(number) < 19 else hash(number)  # ints keep a million numbers small
        if key in seen:
            repeated.setdefault(number, []).append(line)
            problems.add(line, "account_number", f"{number} is listed more than once")
            continue
        seen.add(key)
        rows += 1
        if problems:
            continue  # keep validating to report every bad row, but write nothing more
        chunk.append(values)
        if len(chunk) >= CHUNK:
            writer.write(chunk)
            chunk = []
    writer.finish()
    if problems:
        if repeated:
            _name_first_lines(path, problems, repeated, number_length)
        raise ImportRefused(refusal(path, problems), problems.listed)
    if chunk:
        connection.exec_driver_sql(statement, chunk)
    if restore_triggers is not None:
        restore_triggers()
    audit.record(uow.session, key=settings.security.audit_key, terminal_id=settings.terminal.id,
                 kind="accounts_imported", operator_id=command.operator_id,
                 details={"file": path.name, "rows": rows,
                          **({"os_user": command.os_user} if command.os_user else {})})
    uow.commit()
    return AccountsImported(rows, str(command.path))


class _ChunkWriter:
    """Writes chunks on a second thread while the caller validates the next one.

    The database driver releases the GIL while SQLite (or the network) works, so parsing and writing
    overlap on two cores. One chunk in flight at most; the first failure is re-raised to the caller.
    """

    def __init__(self, connection, statement: str) -> None:  # noqa: ANN001 - SQLAlchemy Connection
        self.connection = connection
        self.statement = statement
        self.pending: Future | None = None
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="account-import")

    def write(self, chunk: list[tuple]) -> None:
        self._wait()
        self.pending = self.pool.submit(self.connection.exec_driver_sql, self.statement, chunk)

    def finish(self) -> None:
        try:
            self._wait()
        finally:
            self.pool.shutdown(wait=True)

    def _wait(self) -> None:
        if self.pending is not None:
            pending, self.pending = self.pending, None
            pending.result()


def _is_bulk(connection, path: Path) -> bool:  # noqa: ANN001 - SQLAlchemy Connection
    """A file that is large next to the table is faster to index in one pass than row by row."""
    if connection.dialect.name != "sqlite":
        return False
    existing = connection.exec_driver_sql("SELECT count(*) FROM account").scalar_one()
    estimated_rows = path.stat().st_size // 100
    return estimated_rows * 10 >= existing


def _suspend_search_triggers(connection) -> Callable[[], None]:  # noqa: ANN001 - SQLAlchemy Connection
    """Drop the search-index triggers for this transaction; the returned callable rebuilds and restores.

    SQLite DDL is transactional: if the import is refused, the rollback brings the triggers back.
    """
    saved = connection.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'account' "
        "AND name LIKE 'account_search_%'"
    ).all()
    for name, _sql in saved:
        connection.exec_driver_sql(f'DROP TRIGGER "{name}"')

    def restore() -> None:
        connection.exec_driver_sql("INSERT INTO account_search(account_search) VALUES ('rebuild')")
        for _name, sql in saved:
            connection.exec_driver_sql(sql)

    return restore


def _name_first_lines(path: Path, problems: Problems, repeated: dict[str, list[int]], number_length: int) -> None:
    """Second pass, only on the error path: say where each repeated account number first appeared."""
    first: dict[str, int] = {}
    for line, fields in read_rows(path, ACCOUNT_COLUMNS, Problems()):
        number = fields[0].strip()
        if number.isdigit():
            number = number.zfill(number_length)
        if number in repeated and number not in first:
            first[number] = line
    for index, problem in enumerate(problems.listed):
        if problem.column == "account_number" and problem.reason.endswith("listed more than once"):
            number = problem.reason.split(" ", 1)[0]
            if number in first:
                problems.listed[index] = type(problem)(problem.line, problem.column,
                                                       f"{number} is already on line {first[number]}")


def _account_values(line: int, f: list[str], problems: Problems, number_length: int) -> tuple | None:
    before = problems.total
    number = f[0].strip()
    if not number:
        problems.add(line, "account_number", "is empty")
    elif not (number.isascii() and number.isdigit()):
        problems.add(line, "account_number", f"{number!r} is not digits only")
    elif len(number) > 20:
        problems.add(line, "account_number", "is longer than 20 digits")
    elif len(number) < number_length:
        number = number.zfill(number_length)
    name = f[1].strip()
    if not one_line(line, "name", name, problems):
        pass
    elif not name:
        problems.add(line, "name", "is empty")
    elif len(name) > 120:
        problems.add(line, "name", "is longer than 120 characters")
    address = f[2].strip()
    if not one_line(line, "service_address", address, problems):
        pass
    elif len(address) > 200:
        problems.add(line, "service_address", "is longer than 200 characters")
    balance = parse_int(line, "balance_cents", f[3], problems, negative=True)
    past_due = parse_int(line, "past_due_cents", f[4], problems, negative=False)
    due = parse_date(line, "due_date", f[5], problems, required=False)
    status = f[6].strip()
    if status not in STATUSES:
        problems.add(line, "status", f"unknown status {status!r}; expected one of {', '.join(sorted(STATUSES))}")
    cash_only = parse_bool(line, "cash_only", f[7], problems)
    installment_text, next_due_text = f[8].strip(), f[9].strip()
    installment = next_due = None
    if installment_text or next_due_text:
        if not installment_text:
            problems.add(line, "arrangement_installment_cents", "is empty but arrangement_next_due is set")
        else:
            installment = parse_int(line, "arrangement_installment_cents", installment_text, problems, negative=False)
            if installment == 0:
                problems.add(line, "arrangement_installment_cents", "must be more than zero")
        if not next_due_text:
            problems.add(line, "arrangement_next_due", "is empty but arrangement_installment_cents is set")
        else:
            next_due = parse_date(line, "arrangement_next_due", next_due_text, problems, required=True)
    updated = f[10].strip()
    try:
        moment = datetime.fromisoformat(updated)
        if moment.tzinfo is None:
            problems.add(line, "updated_at", f"{updated!r} has no UTC offset")
    except ValueError:
        problems.add(line, "updated_at", f"{updated!r} is not an ISO 8601 timestamp")
    if problems.total != before:
        return None
    return (number, name, address, balance, past_due, due, status, cash_only, installment, next_due, updated)
