"""The payment-batch body of LEDGER_API.md §1 as rules: keys, types, signs, sums and control totals.

Both ends hold these rules: the sender refuses to queue a body the ledger would refuse, and the reference
ledger refuses a body that breaks them. Each problem starts with its field path, as the contract asks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from pos.core.cards import find_card_number

BATCH_KEYS = ("batch_id", "batch_kind", "terminal_id", "business_date", "opened_at", "closed_at", "closed_by",
              "control", "transactions")
CONTROL_KEYS = ("count", "total_cents")
TXN_KEYS = ("txn_id", "receipt_number", "kind", "posted_at", "business_date", "operator", "approved_by",
            "reverses_txn_id", "lines", "tenders")
LINE_KEYS = ("account_number", "fee_code", "amount_cents")
LINE_OPTIONAL_KEYS = ("gl_account",)
TENDER_KEYS = ("type", "amount_cents", "reference", "card_last4")
BATCH_KINDS = ("counter", "mail", "night_drop", "phone", "lockbox")
TXN_KINDS = ("payment", "void", "reversal", "nsf_return", "fee_reversal", "refund")
TENDER_TYPES = ("cash", "check", "money_order", "cashiers_check", "card", "ach")
NEGATIVE_KINDS = ("void", "reversal", "refund", "fee_reversal")
REVERSING_KINDS = ("void", "reversal", "nsf_return")
# Where a card number could be keyed by mistake. Ids are UUIDs (checked as such: their digit runs can pass
# Luhn), and account numbers must be in the account master.
_FREE_TEXT = frozenset({"receipt_number", "operator", "approved_by", "reference", "card_last4", "fee_code",
                        "gl_account", "closed_by", "terminal_id"})
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


@dataclass(frozen=True)
class Problem:
    """One reason a batch is refused: the transaction it concerns (or None) and the field path first."""

    txn_id: str | None
    reason: str

    def as_json(self) -> dict[str, Any]:
        return {"txn_id": self.txn_id, "reason": self.reason}


def is_money(value: Any) -> bool:
    """A JSON integer: not a float, not a string, not a boolean."""
    return isinstance(value, int) and not isinstance(value, bool)


def looks_like_card_number(value: Any) -> bool:
    """Rule 6 as the counter applies it (pos.core.cards): a 13-19 digit Luhn-valid number anywhere in the text."""
    return isinstance(value, str) and find_card_number(value)


def check_batch(body: Any) -> list[Problem]:
    """Every structural problem of a batch body (nothing about the account master or earlier batches)."""
    problems: list[Problem] = []

    def add(txn_id: str | None, path: str, reason: str) -> None:
        problems.append(Problem(txn_id, f"{path}: {reason}"))

    if not isinstance(body, dict):
        add(None, "(body)", "is not a JSON object")
        return problems
    _keys(body, BATCH_KEYS, (), "", lambda p, r: add(None, p, r))
    for name in ("batch_id",):
        if name in body and not (isinstance(body[name], str) and _UUID.match(body[name])):
            add(None, name, "is not a lower-case UUID")
    if "batch_kind" in body and body["batch_kind"] not in BATCH_KINDS:
        add(None, "batch_kind", f"must be one of {', '.join(BATCH_KINDS)}")
    for name in ("terminal_id", "closed_by"):
        if name in body and not (isinstance(body[name], str) and body[name].strip()):
            add(None, name, "must be a non-empty string")
        elif looks_like_card_number(body.get(name)):
            add(None, name, "looks like a full card number")
    if "business_date" in body and not _is_date(body["business_date"]):
        add(None, "business_date", "is not a date YYYY-MM-DD")
    for name in ("opened_at", "closed_at"):
        if name in body and not _is_timestamp(body[name]):
            add(None, name, "is not an ISO 8601 timestamp with offset")
    transactions = body.get("transactions")
    if "transactions" in body and not isinstance(transactions, list):
        add(None, "transactions", "is not a list")
        transactions = None
    line_total = 0
    sums_known = True
    if transactions is not None:
        for index, txn in enumerate(transactions):
            total, known = _check_txn(txn, f"transactions[{index}]", add)
            line_total += total
            sums_known = sums_known and known
    control = body.get("control")
    if "control" in body:
        if not isinstance(control, dict):
            add(None, "control", "is not an object")
        else:
            _keys(control, CONTROL_KEYS, (), "control.", lambda p, r: add(None, p, r))
            count, total = control.get("count"), control.get("total_cents")
            if "count" in control and not is_money(count):
                add(None, "control.count", "is not a JSON integer")
            elif transactions is not None and "count" in control and count != len(transactions):
                add(None, "control.count", f"is {count} but the batch holds {len(transactions)} transactions")
            if "total_cents" in control and not is_money(total):
                add(None, "control.total_cents", "is not a JSON integer")
            elif transactions is not None and sums_known and "total_cents" in control and total != line_total:
                add(None, "control.total_cents", f"is {total} but the lines sum to {line_total}")
    return problems


def _check_txn(txn: Any, path: str, add) -> tuple[int, bool]:  # noqa: ANN001 - add(txn_id, path, reason)
    if not isinstance(txn, dict):
        add(None, path, "is not an object")
        return 0, False
    txn_id = txn.get("txn_id") if isinstance(txn.get("txn_id"), str) else None

    def here(p: str, r: str) -> None:
        add(txn_id, p, r)

    _keys(txn, TXN_KEYS, (), f"{path}.", here)
    if "txn_id" in txn and not (isinstance(txn["txn_id"], str) and _UUID.match(txn["txn_id"])):
        here(f"{path}.txn_id", "is not a lower-case UUID")
    if "receipt_number" in txn and not (isinstance(txn["receipt_number"], str) and txn["receipt_number"].strip()):
        here(f"{path}.receipt_number", "must be a non-empty string")
    kind = txn.get("kind")
    if "kind" in txn and kind not in TXN_KINDS:
        here(f"{path}.kind", f"must be one of {', '.join(TXN_KINDS)}")
    if "posted_at" in txn and not _is_timestamp(txn["posted_at"]):
        here(f"{path}.posted_at", "is not an ISO 8601 timestamp with offset")
    if "business_date" in txn and not _is_date(txn["business_date"]):
        here(f"{path}.business_date", "is not a date YYYY-MM-DD")
    if "operator" in txn and not (isinstance(txn["operator"], str) and txn["operator"].strip()):
        here(f"{path}.operator", "must be a non-empty string")
    if "approved_by" in txn and txn["approved_by"] is not None and not isinstance(txn["approved_by"], str):
        here(f"{path}.approved_by", "must be an operator id or null")
    reverses = txn.get("reverses_txn_id")
    if "reverses_txn_id" in txn and kind in TXN_KINDS:
        if kind in REVERSING_KINDS and not (isinstance(reverses, str) and _UUID.match(reverses)):
            here(f"{path}.reverses_txn_id", f"must name the payment a {kind} undoes")
        elif kind not in REVERSING_KINDS and reverses is not None:
            here(f"{path}.reverses_txn_id", f"must be null on a {kind}")
    line_sum, lines_known = _amounts(txn, "lines", LINE_KEYS, LINE_OPTIONAL_KEYS, kind, path, here)
    tender_sum, tenders_known = _amounts(txn, "tenders", TENDER_KEYS, (), kind, path, here)
    if kind == "fee_reversal":
        if isinstance(txn.get("tenders"), list) and txn["tenders"]:
            here(f"{path}.tenders", "must be empty on a fee_reversal")
    elif lines_known and tenders_known and line_sum != tender_sum:
        here(f"{path}.tenders", f"sum to {tender_sum} but the lines sum to {line_sum}")
    for key, value in txn.items():
        if key in _FREE_TEXT and looks_like_card_number(value):
            here(f"{path}.{key}", "looks like a full card number")
    return line_sum, lines_known


def _amounts(txn: dict, name: str, keys: tuple[str, ...], optional: tuple[str, ...], kind: Any, path: str,
             here) -> tuple[int, bool]:  # noqa: ANN001
    items = txn.get(name)
    if name not in txn:
        return 0, False
    if not isinstance(items, list):
        here(f"{path}.{name}", "is not a list")
        return 0, False
    if not items and not (name == "tenders" and kind == "fee_reversal"):
        here(f"{path}.{name}", "is empty")
    total, known = 0, True
    for index, item in enumerate(items):
        where = f"{path}.{name}[{index}]"
        if not isinstance(item, dict):
            here(where, "is not an object")
            known = False
            continue
        _keys(item, keys, optional, f"{where}.", here)
        amount = item.get("amount_cents")
        if "amount_cents" in item:
            if not is_money(amount):
                here(f"{where}.amount_cents", "is not a JSON integer")
                known = False
            else:
                total += amount
                if amount == 0:
                    here(f"{where}.amount_cents", "is zero")
                elif kind == "payment" and amount < 0:
                    here(f"{where}.amount_cents", "must be positive on a payment")
                elif kind in NEGATIVE_KINDS and amount > 0:
                    here(f"{where}.amount_cents", f"must be negative on a {kind}")
        else:
            known = False
        for key, value in item.items():
            if key != "amount_cents" and value is not None and not isinstance(value, str):
                here(f"{where}.{key}", "must be a string or null")
            elif key in _FREE_TEXT and looks_like_card_number(value):
                here(f"{where}.{key}", "looks like a full card number")
        if name == "lines":
            account, fee = item.get("account_number"), item.get("fee_code")
            if (account is None) == (fee is None):
                here(where, "must name either an account_number or a fee_code")
            if fee is not None and not item.get("gl_account"):
                here(f"{where}.gl_account", "is required on a fee_code line")
        else:
            tender_type = item.get("type")
            if "type" in item and tender_type not in TENDER_TYPES:
                here(f"{where}.type", f"must be one of {', '.join(TENDER_TYPES)}")
            last4 = item.get("card_last4")
            if tender_type == "card":
                if not (isinstance(last4, str) and len(last4) == 4 and last4.isdigit()):
                    here(f"{where}.card_last4", "must be the card's last four digits")
                if not item.get("reference"):
                    here(f"{where}.reference", "must hold the card authorisation code")
            elif last4 is not None:
                here(f"{where}.card_last4", f"must be null on a {tender_type} tender")
    return total, known


def _keys(obj: dict, required: tuple[str, ...], optional: tuple[str, ...], prefix: str, add) -> None:  # noqa: ANN001
    for key in required:
        if key not in obj:
            add(f"{prefix}{key}", "is missing")
    for key in obj:
        if key not in required and key not in optional:
            add(f"{prefix}{key}", "is not a key of the contract")


def _is_date(value: Any) -> bool:
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _is_timestamp(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        return datetime.fromisoformat(value).tzinfo is not None
    except ValueError:
        return False
