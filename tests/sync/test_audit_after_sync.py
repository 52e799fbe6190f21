"""The audit chain still proves the money after the ledger sync: close → queue → send → refuse → retry → accept."""

from __future__ import annotations

import uuid

from sqlalchemy import text

from drawer.day import CloseDrawer, CountDrawer, close_drawer, save_count
from drawer.sessions import OpenDrawer, open_drawer
from pos.core import audit
from pos.core.payments import LineEntry, PostPayment, VoidPayment, post_payment, void_payment
from pos.core.tenders import TenderEntry
from sync.outbox import RetryBatch, retry_batch
from sync.pull import pull_accounts
from sync.transport import HttpTransport
from tests.sync.conftest import ACK, FLOAT, LENA, active_accounts
from tests.sync.test_sender import assert_all_accepted_once, drain, ledger_settings, states


def verified(database, settings):
    with database.reader() as uow:
        return audit.verify(uow.session, key=settings.security.audit_key)


def counted_and_closed(database, settings):
    """A real drawer day: two cash payments on accounts, the first voided with a lead's approval, a blind count
    that balances, the close (which queues the batch in the same transaction)."""
    with database.unit_of_work() as uow:
        open_drawer(uow, OpenDrawer("amy", FLOAT), settings)
    first, second = active_accounts(database, 2)
    receipts = []
    for account, cents in ((first, 1500), (second, 2000)):
        command = PostPayment(str(uuid.uuid4()), "amy", (LineEntry(cents, account_number=account),),
                              (TenderEntry("cash", cents),), acknowledged=ACK)
        with database.unit_of_work() as uow:
            receipts.append(post_payment(uow, command, settings).receipt_number)
    with database.unit_of_work() as uow:
        void_payment(uow, VoidPayment(str(uuid.uuid4()), "amy", receipts[0], "keyed twice", LENA), settings)
    with database.unit_of_work() as uow:
        saved = save_count(uow, CountDrawer("amy", {**FLOAT, "bill:2000": FLOAT["bill:2000"] + 1}), settings)
    assert saved.over_short_cents == 0
    with database.unit_of_work() as uow:
        return close_drawer(uow, CloseDrawer("amy", 20000), settings).batch_id, second


def test_a_close_send_refuse_retry_accept_cycle_leaves_the_audit_chain_verified(counter, tmp_path, engine_url,
                                                                                 ledger_server):
    settings = ledger_settings(tmp_path, engine_url, ledger_server)
    accepted, _ = counted_and_closed(counter, settings)
    queued = verified(counter, settings)
    assert queued.ok, queued.problems
    drain(counter, settings)
    assert states(counter)[accepted].status == "accepted"
    after_accept = verified(counter, settings)
    assert after_accept.ok, after_accept.problems
    assert after_accept.rows > queued.rows and after_accept.money_rows == queued.money_rows

    # The next day's batch is refused (its account is unknown to the ledger), then retried and accepted.
    refused, account = counted_and_closed(counter, settings)
    ledger_server.ledger.db.execute("DELETE FROM account WHERE account_number = ?", (account,))
    drain(counter, settings)
    assert states(counter)[refused].status == "refused"
    after_refusal = verified(counter, settings)
    assert after_refusal.ok, after_refusal.problems
    ledger_server.ledger.seed_accounts([{"account_number": account, "name": "Back", "service_address": "1 Main",
                                         "balance_cents": 0, "past_due_cents": 0, "status": "active",
                                         "cash_only": False, "updated_at": "2026-11-23T08:00:00+00:00"}])
    with counter.unit_of_work() as uow:
        retry_batch(uow, RetryBatch(refused, "sam"), settings)
    drain(counter, settings)
    assert_all_accepted_once(counter, ledger_server, [accepted, refused])

    transport = HttpTransport(settings)
    try:
        pull_accounts(counter, settings, transport)  # the account master is no money table: the chain holds
    finally:
        transport.close()
    final = verified(counter, settings)
    assert final.ok, final.problems
    with counter.reader() as uow:
        kinds = [r[0] for r in uow.execute(text("SELECT kind FROM audit_entry WHERE kind LIKE 'batch_%' ORDER BY seq"))]
    assert kinds == ["batch_closed", "batch_queued", "batch_accepted", "batch_closed", "batch_queued",
                     "batch_refused", "batch_retry", "batch_accepted"]

    # Not vacuous: the batch rows are bound, so a status changed behind the sender's back is named.
    with counter.unit_of_work() as uow:
        uow.execute(text("UPDATE batch SET status = 'queued' WHERE id = :b"), {"b": accepted})
        uow.commit()
    tampered = verified(counter, settings)
    assert not tampered.ok and f"batch row {accepted} was changed after audit entry" in tampered.problem
