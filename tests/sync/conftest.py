"""Fixtures for the ledger sync: a demo counter whose closed batches sit in the outbox, a real reference ledger."""

from __future__ import annotations

import uuid
from datetime import datetime, timezone

import pytest
from sqlalchemy import text

from drawer.sessions import OpenDrawer, open_drawer
from pos.core.operators import Credentials
from pos.core.payments import LineEntry, PostPayment, VoidPayment, post_payment, void_payment
from pos.core.tenders import TenderEntry
from pos.demo import build_demo
from sync.outbox import enqueue_batch
from tests.sync.ledger_server import LedgerServer

FLOAT = {"bill:2000": 5, "bill:1000": 5, "bill:500": 4, "bill:100": 17, "coin:25": 20, "coin:10": 50, "coin:5": 40,
         "coin:1": 100}
ACK = frozenset({"overpayment", "below_installment", "inactive_account"})
TOKEN = "good-token"
LENA = Credentials("lena", "345678")  # the demo's lead: a cashier's void needs her approval


@pytest.fixture
def counter(database, settings):
    build_demo(settings, accounts=40)
    return database


def active_accounts(database, count=3):
    with database.reader() as uow:
        return [r[0] for r in uow.execute(text(
            "SELECT account_number FROM account WHERE status = 'active' AND NOT cash_only AND balance_cents > 10000 "
            "ORDER BY account_number LIMIT :n"), {"n": count}).all()]


def close_batch(database, settings, payments=1, *, void_one=False, card=False, operator="amy"):
    """Open a drawer, post payments (an account line and a fee line each), optionally void one, close, queue."""
    with database.unit_of_work() as uow:
        opened = open_drawer(uow, OpenDrawer(operator, FLOAT), settings)
    accounts = active_accounts(database)
    receipts = []
    for index in range(payments):
        account = accounts[index % len(accounts)]
        tender = TenderEntry("card", 1500 + index, "AUTH01", card_type="VISA", card_last4="4242") if card \
            else TenderEntry("cash", 2000 + index)
        lines = (LineEntry(1000 + index, account_number=account), LineEntry(500, fee_code="CIT-PARK"))
        with database.unit_of_work() as uow:
            posted = post_payment(uow, PostPayment(str(uuid.uuid4()), operator, lines, (tender,), acknowledged=ACK),
                                  settings)
        receipts.append(posted.receipt_number)
    if void_one and receipts:
        with database.unit_of_work() as uow:
            void_payment(uow, VoidPayment(str(uuid.uuid4()), operator, receipts[0], "keyed twice", LENA), settings)
    batch_id = opened.drawer.batch_id
    with database.unit_of_work() as uow:
        at = datetime.now(timezone.utc).isoformat()
        uow.execute(text("UPDATE batch SET status = 'closed', closed_at = :t, closed_by = :o WHERE id = :b"),
                    {"t": at, "o": operator, "b": batch_id})
        uow.execute(text("UPDATE drawer_session SET status = 'closed' WHERE batch_id = :b"), {"b": batch_id})
        enqueue_batch(uow, batch_id, settings)
        uow.commit()
    return batch_id


def seed_from_counter(ledger, database):
    """The reference ledger's master is the counter's copy (as if the counter had pulled it)."""
    with database.reader() as uow:
        accounts = [dict(r._mapping) for r in uow.execute(text(
            "SELECT account_number, name, service_address, balance_cents + pending_cents AS balance_cents, "
            "past_due_cents, due_date, status, cash_only, arrangement_installment_cents, arrangement_next_due, "
            "updated_at FROM account"))]
        fees = [dict(r._mapping) for r in uow.execute(text(
            "SELECT code, description, gl_account, fixed_amount_cents, active FROM fee_code"))]
    for row in accounts:
        for name in ("due_date", "arrangement_next_due"):
            row[name] = str(row[name]) if row[name] else None
    ledger.seed_accounts(accounts)
    ledger.seed_fee_codes(fees)


@pytest.fixture
def ledger_server(tmp_path, counter):
    server = LedgerServer(tmp_path / "ledger.db", tokens=(TOKEN,), forbidden=("forbidden-token",))
    seed_from_counter(server.ledger, counter)
    server.start()
    yield server
    server.close()
