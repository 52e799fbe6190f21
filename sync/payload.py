"""The body of a closed batch for the ledger (LEDGER_API.md §1), built from its rows and frozen as bytes."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from pos.core.models import Batch, PaymentLine, PaymentTender, PaymentTxn
from sync.errors import LedgerError

# Today's counter posts payments and voids only; the names are already the contract's.
TXN_KIND = {"payment": "payment", "void": "void"}


def build_body(session: Session, batch_id: str) -> dict[str, Any]:
    """The contract's JSON body for one closed batch (``sync.contract.check_batch`` says if the ledger would take it)."""
    batch = session.get(Batch, batch_id)
    if batch is None:
        raise LedgerError(f"batch {batch_id} does not exist")
    if batch.status == "open" or not batch.closed_at or not batch.closed_by:
        raise LedgerError(f"batch {batch_id} is still open: only a closed batch goes to the ledger")
    # Core rows, not ORM objects: this runs inside the closing transaction, over every row of the batch.
    txn_table, line_table, tender_table = PaymentTxn.__table__, PaymentLine.__table__, PaymentTender.__table__
    txns = session.execute(select(txn_table).where(txn_table.c.batch_id == batch_id)
                           .order_by(txn_table.c.posted_at, txn_table.c.receipt_number)).all()
    lines: dict[str, list] = {t.id: [] for t in txns}
    tenders: dict[str, list] = {t.id: [] for t in txns}
    if txns:
        in_batch = select(txn_table.c.id).where(txn_table.c.batch_id == batch_id)
        for line in session.execute(select(line_table).where(line_table.c.txn_id.in_(in_batch))
                                    .order_by(line_table.c.txn_id, line_table.c.position)):
            lines[line.txn_id].append(line)
        for tender in session.execute(select(tender_table).where(tender_table.c.txn_id.in_(in_batch))
                                      .order_by(tender_table.c.txn_id, tender_table.c.position)):
            tenders[tender.txn_id].append(tender)
    transactions = [_txn(t, lines[t.id], tenders[t.id]) for t in txns]
    body = {
        "batch_id": batch.id, "batch_kind": batch.kind, "terminal_id": batch.terminal_id,
        "business_date": batch.business_date.isoformat(), "opened_at": batch.opened_at,
        "closed_at": batch.closed_at, "closed_by": batch.closed_by,
        "control": {"count": len(transactions),
                    "total_cents": sum(line["amount_cents"] for t in transactions for line in t["lines"])},
        "transactions": transactions,
    }
    return body


def _txn(txn: Any, lines: list[Any], tenders: list[Any]) -> dict[str, Any]:
    kind = TXN_KIND.get(txn.kind)
    if kind is None:
        raise LedgerError(f"receipt {txn.receipt_number}: kind {txn.kind!r} has no ledger kind")
    return {
        "txn_id": txn.id, "receipt_number": txn.receipt_number, "kind": kind, "posted_at": txn.posted_at,
        "business_date": txn.business_date.isoformat(), "operator": txn.operator_id,
        "approved_by": txn.approved_by, "reverses_txn_id": txn.reverses_txn_id,
        "lines": [{"account_number": line.account_number, "fee_code": line.fee_code,
                   "gl_account": line.gl_account, "amount_cents": line.amount_cents} for line in lines],
        # amount_cents is the amount applied (cash net of change); what was handed over is not sent.
        "tenders": [{"type": tender.type, "amount_cents": tender.amount_cents, "reference": tender.reference,
                     "card_last4": tender.card_last4 if tender.type == "card" else None} for tender in tenders],
    }


def freeze(body: dict[str, Any]) -> bytes:
    """Canonical bytes: keys sorted, no spaces, UTF-8; the same body always gives the same bytes."""
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
