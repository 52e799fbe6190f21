"""The file-drop record format (LEDGER_API.md §2): H, D, P and T records, RFC 4180 quoting, the sha256 trailer."""

from __future__ import annotations

import hashlib
from typing import Any

from sync.errors import LedgerError


def file_name(body: dict[str, Any]) -> str:
    return f"PAY_{body['terminal_id']}_{body['business_date']}_{body['batch_id']}.csv"


def quote(value: Any) -> str:
    """Empty for None; quoted as RFC 4180 when it holds a comma, a quote or a line break."""
    if value is None:
        return ""
    text = str(value)
    if any(ch in text for ch in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def _record(*fields: Any) -> str:
    return ",".join(quote(f) for f in fields) + "\n"


def render(body: dict[str, Any]) -> bytes:
    """The whole file as bytes: UTF-8, no BOM, `\\n` line ends, the trailer hashing every line before it."""
    records = [_record("H", body["batch_id"], body["batch_kind"], body["terminal_id"], body["business_date"],
                       body["closed_by"], body["closed_at"])]
    line_total = 0
    for txn in body["transactions"]:
        for line in txn["lines"]:
            line_total += line["amount_cents"]
            records.append(_record("D", txn["txn_id"], txn["receipt_number"], txn["kind"], txn["posted_at"],
                                   txn["operator"], txn["approved_by"], txn["reverses_txn_id"],
                                   line["account_number"], line["fee_code"], line.get("gl_account"),
                                   line["amount_cents"]))
        for tender in txn["tenders"]:
            records.append(_record("P", txn["txn_id"], tender["type"], tender["amount_cents"], tender["reference"],
                                   tender["card_last4"]))
    content = "".join(records).encode("utf-8")
    digest = hashlib.sha256(content).hexdigest()
    return content + _record("T", len(body["transactions"]), line_total, digest).encode("utf-8")


def split_records(data: bytes) -> list[list[str]]:
    """Parse the records back (RFC 4180, `\\n` ends); refuses CRLF, a BOM, a bad trailer or a wrong hash."""
    if data.startswith(b"\xef\xbb\xbf"):
        raise LedgerError("the file starts with a byte order mark")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise LedgerError(f"the file is not UTF-8 (byte {exc.start})") from None
    records: list[list[str]] = []
    ends: list[int] = []
    fields: list[str] = []
    field: list[str] = []
    quoted = in_quotes = False
    index = 0
    while index < len(text):
        char = text[index]
        if in_quotes:
            if char == '"':
                if index + 1 < len(text) and text[index + 1] == '"':
                    field.append('"')
                    index += 1
                else:
                    in_quotes = False
            else:
                field.append(char)
        elif char == '"' and not field and not quoted:
            in_quotes = quoted = True
        elif char == ",":
            fields.append("".join(field))
            field, quoted = [], False
        elif char == "\n":
            fields.append("".join(field))
            records.append(fields)
            ends.append(index + 1)
            fields, field, quoted = [], [], False
        elif char == "\r":
            raise LedgerError(f"record {len(records) + 1}: a carriage return outside quotes (lines end in \\n)")
        else:
            field.append(char)
        index += 1
    if in_quotes or fields or field:
        raise LedgerError("the file does not end with a complete line")
    if not records or records[-1][0] != "T" or len(records[-1]) != 4:
        raise LedgerError("the file has no T trailer as its last record")
    body_end = ends[-2] if len(ends) > 1 else 0
    digest = hashlib.sha256(text[:body_end].encode("utf-8")).hexdigest()
    if records[-1][3] != digest:
        raise LedgerError("T record: the sha256 does not match the H, D and P lines")
    return records


def parse(data: bytes) -> dict[str, Any]:
    """A batch body from a file (the file has no opened_at: the closing time stands in for it)."""
    records = split_records(data)
    header = records[0]
    if header[0] != "H" or len(header) != 7:
        raise LedgerError("record 1: the first record must be H with 7 fields")
    _, batch_id, kind, terminal, business_date, closed_by, closed_at = header
    transactions: dict[str, dict[str, Any]] = {}
    for number, record in enumerate(records[1:-1], start=2):
        if record[0] == "D" and len(record) == 12:
            txn = transactions.setdefault(record[1], {
                "txn_id": record[1], "receipt_number": record[2], "kind": record[3], "posted_at": record[4],
                "business_date": business_date, "operator": record[5], "approved_by": record[6] or None,
                "reverses_txn_id": record[7] or None, "lines": [], "tenders": []})
            txn["lines"].append({"account_number": record[8] or None, "fee_code": record[9] or None,
                                 "gl_account": record[10] or None, "amount_cents": _int(record[11], number)})
        elif record[0] == "P" and len(record) == 6:
            if record[1] not in transactions:
                raise LedgerError(f"record {number}: P names a transaction with no D record before it")
            transactions[record[1]]["tenders"].append({
                "type": record[2], "amount_cents": _int(record[3], number), "reference": record[4] or None,
                "card_last4": record[5] or None})
        else:
            raise LedgerError(f"record {number}: {record[0]!r} with {len(record)} fields is not a D or P record")
    trailer = records[-1]
    return {"batch_id": batch_id, "batch_kind": kind, "terminal_id": terminal, "business_date": business_date,
            "opened_at": closed_at, "closed_at": closed_at, "closed_by": closed_by,
            "control": {"count": _int(trailer[1], len(records)), "total_cents": _int(trailer[2], len(records))},
            "transactions": list(transactions.values())}


def _int(text: str, record: int) -> int:
    if not text.lstrip("-").isdigit():
        raise LedgerError(f"record {record}: {text!r} is not whole cents")
    return int(text)
