"""Payments the ledger has not acknowledged yet: what keeps a master pull from hiding an unsent payment.

Posting adds a payment's account lines to ``account.pending_cents`` (a void takes them back) while it
lowers the shown ``balance_cents``; a pull sets the shown balance to the master's figure minus what is
still pending; the ledger accepting a batch takes the batch's lines out of pending.
"""

from __future__ import annotations

from sqlalchemy import text

from pos.core.db import UnitOfWork

_BATCH_NET = text("SELECT l.account_number, SUM(l.amount_cents) FROM payment_line l "
                  "JOIN payment_txn x ON x.id = l.txn_id "
                  "WHERE x.batch_id = :b AND l.account_number IS NOT NULL GROUP BY l.account_number")
_ACKNOWLEDGE = text("UPDATE account SET pending_cents = pending_cents - :a WHERE account_number = :n")


def acknowledge_batch(uow: UnitOfWork, batch_id: str) -> int:
    """The ledger has the batch: its account lines (payments less voids) stop being pending. Returns accounts."""
    net = [{"n": number, "a": int(total)} for number, total in uow.execute(_BATCH_NET, {"b": batch_id}).all()
           if total]
    if net:
        uow.session.connection().execute(_ACKNOWLEDGE, net)
    return len(net)
