"""A reference central ledger (LEDGER_API.md) over its own SQLite file: for the demo and the tests.

It enforces every rule the contract says the ledger enforces, records what it accepted (and lowers the
accounts' balances by it), publishes its account master and fee codes, and imports dropped files.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import json
import shutil
import sqlite3
import threading
from pathlib import Path
from typing import Any, Iterable

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from pos.core.clock import timestamp
from sync.contract import REVERSING_KINDS, Problem, check_batch
from sync.errors import LedgerError
from sync.filedrop import parse as parse_file

MAX_PAGE = 500
DEFAULT_PAGE = 100
ACCOUNT_FIELDS = ("account_number", "name", "service_address", "balance_cents", "past_due_cents", "due_date",
                  "status", "cash_only", "arrangement_installment_cents", "arrangement_next_due", "updated_at")
_SCHEMA = """
CREATE TABLE IF NOT EXISTS account (
    account_number TEXT PRIMARY KEY, name TEXT NOT NULL, service_address TEXT NOT NULL,
    balance_cents INTEGER NOT NULL, past_due_cents INTEGER NOT NULL, due_date TEXT, status TEXT NOT NULL,
    cash_only INTEGER NOT NULL, arrangement_installment_cents INTEGER, arrangement_next_due TEXT,
    updated_at TEXT NOT NULL, change_seq INTEGER NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS fee_code (
    code TEXT PRIMARY KEY, description TEXT NOT NULL, gl_account TEXT NOT NULL, fixed_amount_cents INTEGER,
    active INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS accepted_batch (
    batch_id TEXT PRIMARY KEY, body_sha256 TEXT NOT NULL, ledger_ref TEXT NOT NULL UNIQUE,
    transactions INTEGER NOT NULL, total_cents INTEGER NOT NULL, via TEXT NOT NULL, accepted_at TEXT NOT NULL,
    body BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS posted_txn (
    txn_id TEXT PRIMARY KEY, batch_id TEXT NOT NULL, receipt_number TEXT NOT NULL UNIQUE, kind TEXT NOT NULL,
    reverses_txn_id TEXT UNIQUE);
CREATE TABLE IF NOT EXISTS posted_line (
    txn_id TEXT NOT NULL, position INTEGER NOT NULL, account_number TEXT, fee_code TEXT, gl_account TEXT,
    amount_cents INTEGER NOT NULL, PRIMARY KEY (txn_id, position));
CREATE TABLE IF NOT EXISTS counter (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
"""


class ReferenceLedger:
    """The ledger's storage and rules; thread-safe (one connection behind a lock)."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self.lock = threading.Lock()
        self.db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.executescript(_SCHEMA)

    def close(self) -> None:
        self.db.close()

    # -- master data --------------------------------------------------------------------------------
    def seed_accounts(self, rows: Iterable[dict[str, Any]]) -> int:
        """Insert or replace accounts (each a dict of ACCOUNT_FIELDS); each change moves after the cursor."""
        count = 0
        with self.lock:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                for row in rows:
                    values = [row.get(name) for name in ACCOUNT_FIELDS]
                    values[7] = 1 if str(values[7]).lower() in ("1", "true", "yes") else 0
                    for index in (3, 4, 8):
                        values[index] = None if values[index] in (None, "") else int(values[index])
                    for index in (5, 9):
                        values[index] = values[index] or None
                    self.db.execute(
                        "INSERT OR REPLACE INTO account VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                        [*values, self._next("change_seq")])
                    count += 1
                self.db.execute("COMMIT")
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
        return count

    def seed_accounts_csv(self, path: Path) -> int:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            return self.seed_accounts(csv.DictReader(handle))

    def seed_fee_codes(self, rows: Iterable[dict[str, Any]]) -> int:
        count = 0
        with self.lock:
            for row in rows:
                fixed = row.get("fixed_amount_cents")
                active = str(row.get("active", "true")).lower() in ("1", "true", "yes")
                self.db.execute("INSERT OR REPLACE INTO fee_code VALUES (?,?,?,?,?)",
                                (row["code"], row["description"], row["gl_account"],
                                 None if fixed in (None, "") else int(fixed), 1 if active else 0))
                count += 1
        return count

    def seed_fee_codes_csv(self, path: Path) -> int:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            return self.seed_fee_codes(csv.DictReader(handle))

    def accounts_page(self, since: str | None, limit: int) -> dict[str, Any]:
        after = _cursor_seq(since)
        with self.lock:
            rows = self.db.execute(f"SELECT {', '.join(ACCOUNT_FIELDS)}, change_seq FROM account "
                                   "WHERE change_seq > ? ORDER BY change_seq LIMIT ?", (after, limit)).fetchall()
        accounts = [_account_json(row) for row in rows]
        return {"accounts": accounts, "next_cursor": f"c{rows[-1][-1]}" if rows else None}

    def fee_codes(self) -> list[dict[str, Any]]:
        with self.lock:
            rows = self.db.execute("SELECT code, description, gl_account, fixed_amount_cents, active FROM fee_code "
                                   "ORDER BY code").fetchall()
        return [{"code": r[0], "description": r[1], "gl_account": r[2], "fixed_amount_cents": r[3],
                 "active": bool(r[4])} for r in rows]

    # -- batches ------------------------------------------------------------------------------------
    def batch_status(self, batch_id: str) -> dict[str, Any] | None:
        with self.lock:
            row = self.db.execute("SELECT ledger_ref FROM accepted_batch WHERE batch_id = ?", (batch_id,)).fetchone()
        return None if row is None else {"batch_id": batch_id, "status": "accepted", "ledger_ref": row[0]}

    def accepted_count(self, batch_id: str | None = None) -> int:
        with self.lock:
            if batch_id is None:
                return self.db.execute("SELECT count(*) FROM accepted_batch").fetchone()[0]
            return self.db.execute("SELECT count(*) FROM accepted_batch WHERE batch_id = ?", (batch_id,)).fetchone()[0]

    def submit(self, raw: bytes, body: Any, *, via: str) -> tuple[int, dict[str, Any]]:
        """Accept, replay, or refuse one batch; returns (HTTP status, reply body). Nothing is half-posted."""
        digest = hashlib.sha256(raw).hexdigest()
        batch_id = body.get("batch_id") if isinstance(body, dict) else None
        with self.lock:
            if isinstance(batch_id, str):
                seen = self.db.execute("SELECT body_sha256, ledger_ref, transactions FROM accepted_batch "
                                       "WHERE batch_id = ?", (batch_id,)).fetchone()
                if seen is not None:
                    if hmac.compare_digest(seen[0], digest):
                        return 200, {"ledger_ref": seen[1], "accepted": seen[2]}
                    return 409, _errors([Problem(None, "batch_id: was accepted before with a different body")])
            problems = check_batch(body)
            if not problems:
                problems = self._ledger_rules(body)
            if problems:
                return 422, _errors(problems)
            self.db.execute("BEGIN IMMEDIATE")
            try:
                ref = f"L-{self._next('ledger_ref'):08d}"
                self._post(body, ref, digest, raw, via)
                self.db.execute("COMMIT")
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
        return 201, {"ledger_ref": ref, "accepted": len(body["transactions"])}

    def _ledger_rules(self, body: dict[str, Any]) -> list[Problem]:
        problems: list[Problem] = []
        txn_ids: set[str] = set()
        receipts: set[str] = set()
        payments_here = {t["txn_id"] for t in body["transactions"] if t["kind"] == "payment"}
        undone_here: set[str] = set()
        fees = {r[0]: (r[1], bool(r[2])) for r in self.db.execute("SELECT code, gl_account, active FROM fee_code")}
        for index, txn in enumerate(body["transactions"]):
            path = f"transactions[{index}]"
            tid = txn["txn_id"]

            def add(field: str, reason: str) -> None:
                problems.append(Problem(tid, f"{path}.{field}: {reason}"))

            if tid in txn_ids or self.db.execute("SELECT 1 FROM posted_txn WHERE txn_id = ?", (tid,)).fetchone():
                add("txn_id", "was already used")
            txn_ids.add(tid)
            number = txn["receipt_number"]
            if number in receipts or self.db.execute("SELECT 1 FROM posted_txn WHERE receipt_number = ?",
                                                     (number,)).fetchone():
                add("receipt_number", f"{number} was already used")
            receipts.add(number)
            kind, reverses = txn["kind"], txn["reverses_txn_id"]
            if kind in REVERSING_KINDS:
                if kind == "void" and reverses not in payments_here:
                    add("reverses_txn_id", "a void must name a payment of the same batch")
                elif kind != "void":
                    row = self.db.execute("SELECT kind FROM posted_txn WHERE txn_id = ?", (reverses,)).fetchone()
                    if row is None or row[0] != "payment":
                        add("reverses_txn_id", f"a {kind} must name a payment accepted in an earlier batch")
                undone = self.db.execute("SELECT 1 FROM posted_txn WHERE reverses_txn_id = ?", (reverses,)).fetchone()
                if reverses in undone_here or undone:
                    add("reverses_txn_id", "that payment was already undone")
                undone_here.add(reverses)
            for position, line in enumerate(txn["lines"]):
                where = f"lines[{position}]"
                account = line.get("account_number")
                if account is not None and not self.db.execute(
                        "SELECT 1 FROM account WHERE account_number = ?", (account,)).fetchone():
                    add(f"{where}.account_number", f"{account} is not in the account master")
                code = line.get("fee_code")
                if code is not None:
                    fee = fees.get(code)
                    if fee is None:
                        add(f"{where}.fee_code", f"{code} is not a fee code")
                    else:
                        if kind == "payment" and not fee[1]:
                            add(f"{where}.fee_code", f"{code} is not active")
                        if line.get("gl_account") != fee[0]:
                            add(f"{where}.gl_account", f"must be {fee[0]}, the GL account of {code}")
        return problems

    def _post(self, body: dict[str, Any], ref: str, digest: str, raw: bytes, via: str) -> None:
        total = sum(line["amount_cents"] for t in body["transactions"] for line in t["lines"])
        self.db.execute("INSERT INTO accepted_batch VALUES (?,?,?,?,?,?,?,?)",
                        (body["batch_id"], digest, ref, len(body["transactions"]), total, via, timestamp(), raw))
        net: dict[str, int] = {}
        for txn in body["transactions"]:
            self.db.execute("INSERT INTO posted_txn VALUES (?,?,?,?,?)", (
                txn["txn_id"], body["batch_id"], txn["receipt_number"], txn["kind"], txn["reverses_txn_id"]))
            for position, line in enumerate(txn["lines"]):
                self.db.execute("INSERT INTO posted_line VALUES (?,?,?,?,?,?)", (
                    txn["txn_id"], position, line["account_number"], line["fee_code"], line.get("gl_account"),
                    line["amount_cents"]))
                if line["account_number"]:
                    net[line["account_number"]] = net.get(line["account_number"], 0) + line["amount_cents"]
        for number, cents in net.items():  # a payment lowers the balance, and the past-due amount first
            self.db.execute("UPDATE account SET balance_cents = balance_cents - ?, past_due_cents = CASE WHEN "
                            "? > 0 THEN MAX(past_due_cents - ?, 0) ELSE past_due_cents END, updated_at = ?, "
                            "change_seq = ? WHERE account_number = ?",
                            (cents, cents, cents, timestamp(), self._next("change_seq"), number))

    def _next(self, name: str) -> int:
        self.db.execute("INSERT OR IGNORE INTO counter VALUES (?, 0)", (name,))
        return self.db.execute("UPDATE counter SET value = value + 1 WHERE name = ? RETURNING value",
                               (name,)).fetchone()[0]

    # -- file drop -----------------------------------------------------------------------------------
    def import_folder(self, folder: Path) -> list[tuple[str, str]]:
        """Import every PAY_*.csv (never a .tmp): to done/ when accepted, to rejected/ with a reason file."""
        done, rejected = folder / "done", folder / "rejected"
        done.mkdir(exist_ok=True)
        rejected.mkdir(exist_ok=True)
        results = []
        for path in sorted(folder.glob("PAY_*.csv")):
            raw = path.read_bytes()
            try:
                body = parse_file(raw)
                canonical = json.dumps(body, sort_keys=True, separators=(",", ":")).encode()
                if self.batch_status(body["batch_id"]) is not None:
                    status, reply = 409, _errors([Problem(None, "batch_id: a duplicate of a batch already "
                                                                "accepted; not posted twice")])
                else:
                    status, reply = self.submit(canonical, body, via="file")
            except LedgerError as error:
                status, reply = 422, _errors([Problem(None, f"(file): {error.message}")])
            if status == 201:
                shutil.move(str(path), done / path.name)
                results.append((path.name, "done"))
            else:
                (rejected / f"{path.name}.reason.txt").write_text(
                    "\n".join(e["reason"] for e in reply["errors"]) + "\n", encoding="utf-8")
                shutil.move(str(path), rejected / path.name)
                results.append((path.name, "rejected"))
        return results


def _cursor_seq(since: str | None) -> int:
    if not since:
        return 0
    if not (since.startswith("c") and since[1:].isdigit()):
        raise LedgerError(f"since: {since[:40]!r} is not a cursor this ledger gave out")
    return int(since[1:])


def _account_json(row: tuple) -> dict[str, Any]:
    data = dict(zip(ACCOUNT_FIELDS, row))
    installment, next_due = data.pop("arrangement_installment_cents"), data.pop("arrangement_next_due")
    data["cash_only"] = bool(data["cash_only"])
    data["arrangement"] = None if installment is None else {"installment_cents": installment, "next_due": next_due}
    return data


def _errors(problems: list[Problem]) -> dict[str, Any]:
    return {"errors": [p.as_json() for p in problems]}


def _error(status: int, reason: str, txn_id: str | None = None) -> JSONResponse:
    return JSONResponse({"errors": [{"txn_id": txn_id, "reason": reason}]}, status_code=status)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def create_app(ledger: ReferenceLedger, *, tokens: Iterable[str], forbidden_tokens: Iterable[str] = ()) -> Starlette:
    """The HTTP face of the ledger. ``tokens`` may call; ``forbidden_tokens`` are known but get 403."""
    allowed = tuple(tokens)
    forbidden = tuple(forbidden_tokens)

    def authorised(request: Request) -> JSONResponse | None:
        header = request.headers.get("Authorization", "")
        token = header[7:] if header.startswith("Bearer ") else ""
        if token and any(hmac.compare_digest(token, f) for f in forbidden):
            return _error(403, "Authorization: this token may not use the ledger")
        if not token or not any(hmac.compare_digest(token, a) for a in allowed):
            return _error(401, "Authorization: a missing or wrong bearer token")
        return None

    async def post_batch(request: Request) -> Response:
        if (refused := authorised(request)) is not None:
            return refused
        raw = await request.body()
        content_type = request.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if content_type != "application/json":
            return _error(422, f"Content-Type: must be application/json, not {content_type or 'missing'}")
        try:
            body = json.loads(raw.decode("utf-8"), parse_constant=_reject_constant)
        except (UnicodeDecodeError, ValueError) as exc:
            return _error(422, f"(body): is not valid JSON: {str(exc)[:120]}")
        key = request.headers.get("Idempotency-Key")
        batch_id = body.get("batch_id") if isinstance(body, dict) else None
        if not key:
            return _error(422, "Idempotency-Key: is required")
        if key != batch_id:
            return _error(422, "Idempotency-Key: must equal the body's batch_id")
        status, reply = ledger.submit(raw, body, via="http")
        return JSONResponse(reply, status_code=status)

    async def get_batch(request: Request) -> Response:
        if (refused := authorised(request)) is not None:
            return refused
        found = ledger.batch_status(request.path_params["batch_id"])
        if found is None:
            return _error(404, "batch_id: never accepted")
        return JSONResponse(found)

    async def get_accounts(request: Request) -> Response:
        if (refused := authorised(request)) is not None:
            return refused
        limit_text = request.query_params.get("limit", "")
        if limit_text and not limit_text.isdigit():
            return _error(422, "limit: must be a whole number")
        limit = min(int(limit_text), MAX_PAGE) if limit_text else DEFAULT_PAGE
        if limit < 1:
            return _error(422, "limit: must be at least 1")
        try:
            page = ledger.accounts_page(request.query_params.get("since") or None, limit)
        except LedgerError as error:
            return _error(422, error.message)
        return JSONResponse(page)

    async def get_fee_codes(request: Request) -> Response:
        if (refused := authorised(request)) is not None:
            return refused
        return JSONResponse({"fee_codes": ledger.fee_codes()})

    return Starlette(routes=[
        Route("/v1/payment-batches", post_batch, methods=["POST"]),
        Route("/v1/payment-batches/{batch_id}", get_batch, methods=["GET"]),
        Route("/v1/accounts", get_accounts, methods=["GET"]),
        Route("/v1/fee-codes", get_fee_codes, methods=["GET"]),
    ])
