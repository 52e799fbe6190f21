"""A supervisor finds any receipt of any terminal and date, by number, account or amount; each says whether it printed."""

import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy import text

from drawer.sessions import OpenDrawer, open_drawer
from pos.core.errors import InputError
from pos.core.payments import LineEntry, PostPayment, find_payments, list_payments, post_payment
from pos.core.tenders import TenderEntry
from pos.demo import build_demo
from tests.core.test_payments import STANDARD_FLOAT
from tests.conftest import make_settings


@pytest.fixture
def two_terminals(database, settings, tmp_path):
    """amy takes payments on T01, bob on T02, the same database."""
    build_demo(settings, accounts=40)
    other = make_settings(tmp_path, settings.database.url, terminal={"id": "T02"})
    with database.unit_of_work() as uow:
        open_drawer(uow, OpenDrawer("amy", STANDARD_FLOAT), settings)
    with database.unit_of_work() as uow:
        open_drawer(uow, OpenDrawer("bob", STANDARD_FLOAT), other)
    return settings, other


def accounts(database, count):
    with database.reader() as uow:
        return list(uow.execute(text("SELECT account_number FROM account WHERE status = 'active' "
                                     f"ORDER BY account_number LIMIT {count}")).scalars())


def pay(database, settings, operator, account, cents):
    with database.unit_of_work() as uow:
        return post_payment(uow, PostPayment(str(uuid.uuid4()), operator, (LineEntry(cents, account),),
                                             (TenderEntry("cash", cents),),
                                             acknowledged=frozenset({"overpayment"})), settings).receipt_number


def receipts(found):
    return [summary.receipt_number for summary in found]


def test_any_terminals_receipt_is_found_by_number_account_amount_terminal_and_date(database, two_terminals):
    t01, t02 = two_terminals
    first, second = accounts(database, 2)
    mine = pay(database, t01, "amy", first, 1234)
    theirs = pay(database, t02, "bob", second, 5678)
    also_first = pay(database, t02, "bob", first, 999)
    with database.reader() as uow:
        assert receipts(find_payments(uow, receipt_number=theirs.lower())) == [theirs]
        assert receipts(find_payments(uow, account_number=first)) == [also_first, mine]
        assert receipts(find_payments(uow, account_number=first.lstrip("0"))) == [also_first, mine]
        assert receipts(find_payments(uow, amount_cents=5678)) == [theirs]
        assert receipts(find_payments(uow, terminal_id="t02")) == [also_first, theirs]
        assert receipts(find_payments(uow, account_number=first, terminal_id="T01")) == [mine]
        today = find_payments(uow, receipt_number=mine)[0].business_date
        assert receipts(find_payments(uow, business_date=today, amount_cents=1234)) == [mine]
        assert find_payments(uow, business_date=today - timedelta(days=1)) == []
        [summary] = find_payments(uow, receipt_number=theirs)
    assert (summary.terminal_id, summary.operator_id, summary.total_cents) == ("T02", "bob", 5678)
    assert isinstance(summary.business_date, date)


def test_a_card_number_typed_as_a_search_is_refused(database, two_terminals):
    with database.reader() as uow, pytest.raises(InputError) as caught:
        find_payments(uow, account_number="4111111111111111")
    assert caught.value.field == "account number"


def test_each_payment_says_whether_its_receipt_printed_is_waiting_or_needs_a_reprint(database, two_terminals):
    t01, _ = two_terminals
    first, second, third = accounts(database, 3)
    printed, waiting, unknown = (pay(database, t01, "amy", account, 1000) for account in (first, second, third))
    with database.unit_of_work() as uow:
        for receipt, status in ((printed, "printed"), (waiting, "held"), (unknown, "unknown")):
            uow.execute(text("UPDATE print_job SET status = :status WHERE txn_id = "
                             "(SELECT id FROM payment_txn WHERE receipt_number = :receipt)"),
                        {"status": status, "receipt": receipt})
        uow.commit()
    with database.reader() as uow:
        states = {s.receipt_number: s.print_state for s in find_payments(uow, terminal_id="T01")}
        listed = {s.receipt_number: s.print_state for s in list_payments(uow)}
    assert states == {printed: "printed", waiting: "waiting", unknown: "unknown"}
    assert listed == states
