"""The account master pull (paged, from the saved cursor) and balances that never hide an unsent payment."""

from __future__ import annotations

import json
import uuid

import pytest
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st
from sqlalchemy import text

from drawer.sessions import OpenDrawer, open_drawer
from pos.core.payments import LineEntry, PostPayment, VoidPayment, post_payment, void_payment
from pos.core.tenders import TenderEntry
from sync import transport as t
from sync.errors import LedgerError
from sync.outbox import enqueue_batch, load_state, payload_of
from sync.pull import pull_accounts, pull_fee_codes
from sync.sender import SendReport, _settle
from sync.transport import HttpTransport
from tests.conftest import make_settings
from tests.sync.conftest import ACK, FLOAT, LENA, TOKEN, active_accounts


def http_settings(tmp_path, engine_url, server, **ledger):
    return make_settings(tmp_path, engine_url, ledger={"base_url": server.url, "token": TOKEN, **ledger})


def shown(database, number):
    with database.reader() as uow:
        return uow.execute(text("SELECT balance_cents FROM account WHERE account_number = :n"),
                           {"n": number}).scalar_one()


def test_pull_applies_pages_from_the_saved_cursor_and_resumes(counter, tmp_path, engine_url, ledger_server):
    settings = http_settings(tmp_path, engine_url, ledger_server, accounts_page_size=15)
    number = active_accounts(counter, 1)[0]
    ledger_server.ledger.db.execute("UPDATE account SET name = 'Renamed By Ledger' WHERE account_number = ?",
                                    (number,))
    source = HttpTransport(settings)
    first = pull_accounts(counter, settings, source)
    assert (first.pages, first.accounts) == (3, 40)
    with counter.reader() as uow:
        assert load_state(uow, "accounts_cursor") == first.cursor
        assert uow.execute(text("SELECT name FROM account WHERE account_number = :n"),
                           {"n": number}).scalar_one() == "Renamed By Ledger"
    assert pull_accounts(counter, settings, source).accounts == 0  # caught up
    ledger_server.ledger.seed_accounts([{"account_number": "0099999999", "name": "New Customer",
                                         "service_address": "9 Elm", "balance_cents": 1234, "past_due_cents": 0,
                                         "status": "active", "cash_only": False,
                                         "updated_at": "2026-11-29T08:00:00+00:00"}])
    again = pull_accounts(counter, settings, source)
    assert (again.pages, again.accounts) == (1, 1)
    assert shown(counter, "0099999999") == 1234
    assert pull_fee_codes(counter, settings, source).fee_codes >= 1
    source.close()


class Pages:
    """A ledger answering with given pages (for replies the reference ledger never gives)."""

    def __init__(self, *pages):
        self.pages = list(pages)

    def get_json(self, path, params=None):
        return self.pages.pop(0)


GOOD = {"account_number": "0012345678", "name": "A", "service_address": "1 Main", "balance_cents": 100,
        "past_due_cents": 0, "due_date": None, "status": "active", "cash_only": False, "arrangement": None,
        "updated_at": "2026-11-29T08:00:00+00:00"}


@pytest.mark.parametrize("account, words", [
    ({**GOOD, "balance_cents": 1.0}, "accounts[0].balance_cents: is not a JSON integer"),
    ({**GOOD, "balance_cents": "100"}, "accounts[0].balance_cents: is not a JSON integer"),
    ({**GOOD, "surprise": 1}, "accounts[0].surprise: is not a key of the contract"),
    ({k: v for k, v in GOOD.items() if k != "status"}, "accounts[0].status: is missing"),
    ({**GOOD, "status": "sleeping"}, "accounts[0].status: unknown status"),
])
def test_a_bad_page_is_refused_whole_and_the_cursor_stays(counter, settings, account, words):
    good_page = {"accounts": [{**GOOD, "account_number": "0011111111"}], "next_cursor": "c1"}
    bad_page = {"accounts": [account, {**GOOD, "account_number": "0022222222"}], "next_cursor": "c3"}
    with pytest.raises(LedgerError, match=words.replace("[", r"\[").replace("]", r"\]")):
        pull_accounts(counter, settings, Pages(good_page, bad_page))
    with counter.reader() as uow:
        assert load_state(uow, "accounts_cursor") == "c1"
        numbers = set(uow.execute(text("SELECT account_number FROM account")).scalars())
    assert "0011111111" in numbers and "0022222222" not in numbers


def test_a_page_with_accounts_but_no_cursor_is_refused(counter, settings):
    with pytest.raises(LedgerError, match="no next_cursor"):
        pull_accounts(counter, settings, Pages({"accounts": [GOOD], "next_cursor": None}))


# Balances -----------------------------------------------------------------------------------------


class Counter:
    """The counter and the reference ledger side by side, driven one step at a time."""

    def __init__(self, database, settings, ledger, accounts):
        self.database, self.settings, self.ledger, self.accounts = database, settings, ledger, accounts
        self.batch = None
        self.paid: list[str] = []
        self.known = {n: self.ledger_figure(n) for n in accounts}  # the ledger's figure as the counter last heard it

    def ledger_figure(self, number):
        return self.ledger.db.execute("SELECT balance_cents FROM account WHERE account_number = ?",
                                      (number,)).fetchone()[0]

    def post(self, which, cents):
        if self.batch is None:
            with self.database.unit_of_work() as uow:
                self.batch = open_drawer(uow, OpenDrawer("amy", FLOAT), self.settings).drawer.batch_id
            self.paid = []
        line = LineEntry(cents, account_number=self.accounts[which % len(self.accounts)])
        with self.database.unit_of_work() as uow:
            posted = post_payment(uow, PostPayment(str(uuid.uuid4()), "amy", (line,), (TenderEntry("card", cents, "A1",
                                  card_type="VISA", card_last4="4242"),), acknowledged=ACK), self.settings)
        self.paid.append(posted.receipt_number)

    def void(self):
        if self.batch is None or not self.paid:
            return
        with self.database.unit_of_work() as uow:
            void_payment(uow, VoidPayment(str(uuid.uuid4()), "amy", self.paid.pop(), "wrong account", LENA), self.settings)

    def close(self):
        if self.batch is None:
            return
        with self.database.unit_of_work() as uow:
            uow.execute(text("UPDATE batch SET status = 'closed', closed_at = '2026-11-29T17:00:00+00:00', "
                             "closed_by = 'amy' WHERE id = :b"), {"b": self.batch})
            uow.execute(text("UPDATE drawer_session SET status = 'closed' WHERE batch_id = :b"), {"b": self.batch})
            enqueue_batch(uow, self.batch, self.settings)
            uow.commit()
        self.batch = None

    def acknowledge(self):
        """The ledger accepts the oldest queued batch (and lowers its balances); the counter hears of it."""
        with self.database.reader() as uow:
            queued = uow.execute(text("SELECT batch_id FROM ledger_outbox WHERE status = 'queued' "
                                      "ORDER BY enqueued_at LIMIT 1")).scalar_one_or_none()
            if queued is None:
                return
            raw = payload_of(uow, queued)
        status, reply = self.ledger.submit(raw, json.loads(raw), via="test")
        assert status == 201, reply
        for txn in json.loads(raw)["transactions"]:
            for line in txn["lines"]:
                if line["account_number"] in self.known:
                    self.known[line["account_number"]] -= line["amount_cents"]
        _settle(self.database, self.settings, queued, t.Delivery(t.ACCEPTED, ledger_ref=reply["ledger_ref"]),
                SendReport())

    def pull(self):
        class Source:
            def get_json(_, path, params=None):
                return self.ledger.accounts_page((params or {}).get("since"), (params or {}).get("limit", 100))

        pull_accounts(self.database, self.settings, Source())
        self.known = {n: self.ledger_figure(n) for n in self.accounts}

    def bill(self, which, cents):
        """The ledger changes an account on its own (a bill run): the next pull brings it again."""
        number = self.accounts[which % len(self.accounts)]
        row = self.ledger.db.execute("SELECT name, service_address, balance_cents FROM account "
                                     "WHERE account_number = ?", (number,)).fetchone()
        self.ledger.seed_accounts([{"account_number": number, "name": row[0], "service_address": row[1],
                                    "balance_cents": row[2] + cents, "past_due_cents": 0, "status": "active",
                                    "cash_only": False, "updated_at": "2026-11-29T09:00:00+00:00"}])

    def repull(self):
        """A pull from the start (a new terminal, or the cursor lost)."""
        with self.database.unit_of_work() as uow:
            uow.execute(text("DELETE FROM ledger_sync_state WHERE name = 'accounts_cursor'"))
            uow.commit()
        self.pull()

    def check(self):
        """Shown balance = the ledger's figure (as last pulled, less what it acknowledged since) − the payments
        (less voids) it has not acknowledged; after a pull, the ledger's figure itself."""
        with self.database.reader() as uow:
            unacknowledged = dict(uow.execute(text(
                "SELECT l.account_number, SUM(l.amount_cents) FROM payment_line l JOIN payment_txn x "
                "ON x.id = l.txn_id JOIN batch b ON b.id = x.batch_id WHERE b.status <> 'sent' "
                "GROUP BY l.account_number")).all())
        for number in self.accounts:
            assert shown(self.database, number) == self.known[number] - int(unacknowledged.get(number) or 0), number


STEPS = st.lists(st.one_of(
    st.tuples(st.just("post"), st.integers(0, 2), st.integers(1, 50_000)),
    st.tuples(st.just("void")), st.tuples(st.just("close")), st.tuples(st.just("acknowledge")),
    st.tuples(st.just("pull")), st.tuples(st.just("repull")),
    st.tuples(st.just("bill"), st.integers(0, 2), st.integers(1, 9_000))), min_size=1, max_size=12)


def test_balances_never_hide_an_unsent_payment_across_interleavings(counter, settings, tmp_path, engine_url):
    if not engine_url.startswith("sqlite"):
        pytest.skip("a property over many interleavings; the SQL is shared with PostgreSQL's tests above")
    from sync.reference_ledger import ReferenceLedger
    from tests.sync.conftest import seed_from_counter

    ledger = ReferenceLedger(tmp_path / "ledger.db")
    seed_from_counter(ledger, counter)
    model = Counter(counter, settings, ledger, active_accounts(counter, 3))

    @hsettings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(STEPS)
    def run(steps):
        for step in steps:
            getattr(model, step[0])(*step[1:])
            model.check()
        model.close()
        while True:  # the queue drains: nothing is pending any more, and the balances still agree
            with counter.reader() as uow:
                if not uow.execute(text("SELECT count(*) FROM ledger_outbox WHERE status = 'queued'")).scalar():
                    break
            model.acknowledge()
        model.pull()
        model.check()
        assert model.known == {n: model.ledger_figure(n) for n in model.accounts}
        with counter.reader() as uow:
            assert uow.execute(text("SELECT count(*) FROM account WHERE pending_cents <> 0")).scalar() == 0

    run()
    ledger.close()


def test_a_pull_after_an_unsent_payment_still_shows_it(counter, settings, tmp_path, engine_url):
    from sync.reference_ledger import ReferenceLedger
    from tests.sync.conftest import seed_from_counter

    ledger = ReferenceLedger(tmp_path / "ledger.db")
    seed_from_counter(ledger, counter)
    model = Counter(counter, settings, ledger, active_accounts(counter, 1))
    before = shown(counter, model.accounts[0])
    model.post(0, 2500)
    model.pull()
    assert shown(counter, model.accounts[0]) == before - 2500
    model.close()
    model.pull()
    assert shown(counter, model.accounts[0]) == before - 2500
    model.acknowledge()
    model.pull()
    assert shown(counter, model.accounts[0]) == before - 2500
    model.check()
    ledger.close()


def test_a_pull_keeps_an_unsent_payment_off_the_past_due_amount(counter, settings, tmp_path):
    from sync.reference_ledger import ReferenceLedger
    from tests.sync.conftest import seed_from_counter

    ledger = ReferenceLedger(tmp_path / "ledger.db")
    seed_from_counter(ledger, counter)
    model = Counter(counter, settings, ledger, active_accounts(counter, 1))
    number = model.accounts[0]
    ledger.db.execute("UPDATE account SET past_due_cents = 5000, change_seq = 100000 WHERE account_number = ?",
                      (number,))

    def past_due():
        with counter.reader() as uow:
            return uow.execute(text("SELECT past_due_cents FROM account WHERE account_number = :n"),
                               {"n": number}).scalar_one()

    model.pull()
    assert past_due() == 5000
    model.post(0, 2000)
    assert past_due() == 3000
    model.pull()
    assert past_due() == 3000
    model.close()
    model.acknowledge()
    model.pull()
    assert past_due() == 3000
    ledger.close()
