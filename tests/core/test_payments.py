"""Counter payments at the service level, on SQLite and PostgreSQL: post once, gapless receipts, voids."""

import uuid

import pytest
from sqlalchemy import text

from drawer.sessions import DrawerError, OpenDrawer, open_drawer
from pos.core import audit
from pos.core.accounts import get_account
from pos.core.errors import InputError, PermissionDenied
from pos.core.operators import Credentials
from pos.core.payments import (LineEntry, PaymentError, PaymentNeedsConfirmation, PostPayment, Reprint, VoidPayment,
                               list_payments, post_payment, reprint, review_payment, void_payment)
from pos.core.tenders import TenderEntry, TenderError
from pos.demo import build_demo

STANDARD_FLOAT = {"bill:10000": 1, "bill:2000": 3, "bill:1000": 2, "bill:500": 2, "bill:100": 5,
                  "coin:25": 20}  # $200.00


@pytest.fixture
def counter(database, settings):
    build_demo(settings, accounts=120)
    with database.unit_of_work() as uow:
        open_drawer(uow, OpenDrawer("amy", STANDARD_FLOAT), settings)
    return database


def account_where(database, condition):
    with database.reader() as uow:
        number = uow.execute(text(f"SELECT account_number FROM account WHERE {condition} "
                                  "ORDER BY account_number LIMIT 1")).scalar_one()
        return get_account(uow, number)


def post(database, settings, lines, tenders, *, operator="amy", key=None, acknowledged=(), note=None):
    command = PostPayment(key or str(uuid.uuid4()), operator, tuple(lines), tuple(tenders), note,
                          frozenset(acknowledged))
    with database.unit_of_work() as uow:
        return post_payment(uow, command, settings)


def scalar(database, sql):
    with database.reader() as uow:
        return uow.execute(text(sql)).scalar_one()


def active(database):
    return account_where(database, "status = 'active' AND balance_cents > 2000 AND past_due_cents = 0 "
                                   "AND arrangement_installment_cents IS NULL AND cash_only = false")


def test_cash_payment_posts_with_the_first_receipt_number_and_a_print_job(counter, settings):
    account = active(counter)
    posted = post(counter, settings, [LineEntry(account.balance_cents, account.account_number)],
                  [TenderEntry("cash", account.balance_cents)])
    assert posted.receipt_number == "T01-000001"
    assert (posted.total_cents, posted.change_cents, posted.has_cash) == (account.balance_cents, 0, True)
    assert scalar(counter, "SELECT status FROM print_job") == "pending"
    with counter.reader() as uow:
        assert get_account(uow, account.account_number).balance_cents == 0
        entry = audit.search(uow.session, kind="payment_posted")[0]
    assert entry.details["receipt"] == "T01-000001" and entry.operator_id == "amy"


def test_split_cash_and_check_on_two_accounts_gives_change_from_cash(counter, settings):
    first = active(counter)
    second = account_where(counter, f"status = 'active' AND balance_cents > 1000 AND cash_only = false "
                                    f"AND arrangement_installment_cents IS NULL AND account_number > '{first.account_number}'")
    total = 2000 + 1000
    posted = post(counter, settings, [LineEntry(2000, first.account_number), LineEntry(1000, second.account_number)],
                  [TenderEntry("check", 2500, "1042"), TenderEntry("cash", 2000)])
    assert (posted.total_cents, posted.change_cents) == (total, 1500)
    tenders = {row[0]: row[1:] for row in _rows(counter, "SELECT type, amount_cents, change_cents FROM payment_tender")}
    assert tenders == {"check": (2500, 0), "cash": (500, 1500)}


def test_fee_code_with_a_fixed_amount_fills_it_in(counter, settings):
    posted = post(counter, settings, [LineEntry(None, fee_code="PERMIT-BKF")],
                  [TenderEntry("card", 10000, "A1B2C3", "VISA", "4242")])
    assert posted.total_cents == 10000
    assert _rows(counter, "SELECT fee_code, gl_account, amount_cents FROM payment_line") == [
        ("PERMIT-BKF", "4010-200", 10000)]
    assert _rows(counter, "SELECT card_type, card_last4, reference FROM payment_tender") == [("VISA", "4242", "A1B2C3")]


def test_fixed_fee_with_another_amount_is_refused(counter, settings):
    with pytest.raises(InputError, match="fixed at \\$100.00"):
        post(counter, settings, [LineEntry(9000, fee_code="PERMIT-BKF")], [TenderEntry("cash", 9000)])
    assert scalar(counter, "SELECT count(*) FROM payment_txn") == 0


def test_check_on_a_cash_only_account_is_refused_and_nothing_posts(counter, settings):
    account = account_where(counter, "cash_only = true")
    with pytest.raises(TenderError, match="cash only"):
        post(counter, settings, [LineEntry(1000, account.account_number)], [TenderEntry("check", 1000, "77")])
    assert scalar(counter, "SELECT count(*) FROM payment_txn") == 0


def test_overpayment_needs_acknowledging_then_posts(counter, settings):
    account = active(counter)
    more = account.balance_cents + 500
    with pytest.raises(PaymentNeedsConfirmation) as caught:
        post(counter, settings, [LineEntry(more, account.account_number)], [TenderEntry("cash", more)])
    assert [w.kind for w in caught.value.warnings] == ["overpayment"]
    assert "$5.00 becomes a credit" in caught.value.message
    posted = post(counter, settings, [LineEntry(more, account.account_number)], [TenderEntry("cash", more)],
                  acknowledged={"overpayment"})
    assert posted.receipt_number == "T01-000001"


def test_payment_below_the_arrangement_installment_warns(counter, settings):
    account = account_where(counter, "arrangement_installment_cents IS NOT NULL")
    with counter.reader() as uow:
        review = review_payment(uow, PostPayment("k", "amy", (LineEntry(100, account.account_number),),
                                                 (TenderEntry("cash", 100),)), settings)
    assert "below_installment" in [w.kind for w in review.warnings]


def test_shut_off_account_paying_its_past_due_pulls_the_turn_off_order(counter, settings):
    account = account_where(counter, "status = 'shutoff_pending' AND past_due_cents > 0 AND cash_only = false")
    amount = account.past_due_cents
    posted = post(counter, settings, [LineEntry(amount, account.account_number)], [TenderEntry("cash", amount)],
                  acknowledged={"overpayment", "below_installment"})
    assert posted.turnoff_accounts == (account.account_number,)
    assert scalar(counter, "SELECT turnoff_pulled FROM payment_txn") in (True, 1)


def test_the_same_attempt_posts_once(counter, settings):
    account = active(counter)
    key = str(uuid.uuid4())
    first = post(counter, settings, [LineEntry(1000, account.account_number)], [TenderEntry("cash", 1000)], key=key)
    again = post(counter, settings, [LineEntry(1000, account.account_number)], [TenderEntry("cash", 1000)], key=key)
    assert again.replayed and again.receipt_number == first.receipt_number
    assert scalar(counter, "SELECT count(*) FROM payment_txn") == 1


def test_no_payment_without_an_open_drawer(counter, settings):
    account = active(counter)
    with pytest.raises(DrawerError, match="Open your drawer"):
        post(counter, settings, [LineEntry(1000, account.account_number)], [TenderEntry("cash", 1000)],
             operator="carl")


def test_a_refused_payment_leaves_no_gap_in_receipt_numbers(counter, settings):
    account = active(counter)
    post(counter, settings, [LineEntry(1000, account.account_number)], [TenderEntry("cash", 1000)])
    with pytest.raises(TenderError):
        post(counter, settings, [LineEntry(1000, account.account_number)], [TenderEntry("cash", 900)])
    posted = post(counter, settings, [LineEntry(1000, account.account_number)], [TenderEntry("cash", 1000)])
    assert posted.receipt_number == "T01-000002"


@pytest.mark.parametrize(("lines", "tenders", "field"), [
    ([LineEntry(0, "ACCOUNT")], [TenderEntry("cash", 100)], "line 1 amount"),
    ([LineEntry(-100, "ACCOUNT")], [TenderEntry("cash", 100)], "line 1 amount"),
    ([LineEntry(10**11, "ACCOUNT")], [TenderEntry("cash", 100)], "line 1 amount"),
    ([LineEntry(100, "0099999999")], [TenderEntry("cash", 100)], "line 1 account"),
    ([LineEntry(100, fee_code="NOPE")], [TenderEntry("cash", 100)], "line 1 fee code"),
    ([LineEntry(100, "ACCOUNT")], [TenderEntry("check", 100, "4111111111111111")], "check number"),
])
def test_bad_lines_and_tenders_are_named_and_nothing_posts(counter, settings, lines, tenders, field):
    account = active(counter)
    lines = [LineEntry(e.amount_cents, account.account_number if e.account_number == "ACCOUNT" else e.account_number,
                       e.fee_code) for e in lines]
    with pytest.raises(InputError) as caught:
        post(counter, settings, lines, tenders)
    assert caught.value.field == field
    assert scalar(counter, "SELECT count(*) FROM payment_txn") == 0


def test_cashier_voids_own_payment_with_a_supervisors_approval(counter, settings):
    account = active(counter)
    posted = post(counter, settings, [LineEntry(1500, account.account_number)], [TenderEntry("cash", 2000)])
    with counter.unit_of_work() as uow, pytest.raises(PermissionDenied, match="needs a lead's or supervisor's"):
        void_payment(uow, VoidPayment(str(uuid.uuid4()), "amy", posted.receipt_number, "keyed wrong"), settings)
    with counter.unit_of_work() as uow:
        voided = void_payment(uow, VoidPayment(str(uuid.uuid4()), "amy", posted.receipt_number, "keyed wrong",
                                               Credentials("sam", "456789")), settings)
    assert (voided.receipt_number, voided.voided_receipt_number, voided.total_cents) == ("T01-000002", "T01-000001",
                                                                                         -1500)
    with counter.reader() as uow:
        assert get_account(uow, account.account_number).balance_cents == account.balance_cents
        rows = list_payments(uow)
    assert [(r.receipt_number, r.kind, r.voided_by, r.voids) for r in rows] == [
        ("T01-000002", "void", None, "T01-000001"), ("T01-000001", "payment", "T01-000002", None)]


def test_voiding_twice_is_refused(counter, settings):
    account = active(counter)
    posted = post(counter, settings, [LineEntry(1500, account.account_number)], [TenderEntry("cash", 1500)])
    with counter.unit_of_work() as uow:
        void_payment(uow, VoidPayment(str(uuid.uuid4()), "amy", posted.receipt_number, "wrong account",
                                      Credentials("sam", "456789")), settings)
    with counter.unit_of_work() as uow, pytest.raises(PaymentError, match="already voided by receipt T01-000002"):
        void_payment(uow, VoidPayment(str(uuid.uuid4()), "amy", posted.receipt_number, "again"), settings)


def test_void_above_the_cashier_limit_needs_a_supervisor_and_names_the_approver(counter, settings):
    account = active(counter)
    big = 60_000  # a cashier voids nothing alone
    posted = post(counter, settings, [LineEntry(big, account.account_number)], [TenderEntry("cash", big)],
                  acknowledged={"overpayment"})
    command = VoidPayment(str(uuid.uuid4()), "amy", posted.receipt_number, "customer changed mind")
    with counter.unit_of_work() as uow, pytest.raises(PermissionDenied, match="needs a lead's or supervisor's"):
        void_payment(uow, command, settings)
    with counter.unit_of_work() as uow, pytest.raises(PermissionDenied, match="Nobody approves their own"):
        void_payment(uow, VoidPayment(command.idempotency_key, "amy", posted.receipt_number, "x",
                                      Credentials("amy", "1234")), settings)
    with counter.unit_of_work() as uow:
        voided = void_payment(uow, VoidPayment(command.idempotency_key, "amy", posted.receipt_number, "changed mind",
                                               Credentials("sam", "456789")), settings)
    assert voided.approved_by == "sam"
    with counter.reader() as uow:
        entry = audit.search(uow.session, kind="payment_voided")[0]
    assert (entry.operator_id, entry.approver_id) == ("amy", "sam")


def test_void_after_the_batch_is_closed_is_refused(counter, settings):
    account = active(counter)
    posted = post(counter, settings, [LineEntry(1500, account.account_number)], [TenderEntry("cash", 1500)])
    with counter.unit_of_work() as uow:
        uow.execute(text("UPDATE batch SET status = 'closed'"))
        uow.commit()
    with counter.unit_of_work() as uow, pytest.raises(PaymentError, match="no longer possible") as refused:
        void_payment(uow, VoidPayment(str(uuid.uuid4()), "amy", posted.receipt_number, "late"), settings)
    assert "reversal" not in refused.value.message  # reversals are not built yet: never promise one


def test_payments_are_found_by_receipt_account_or_amount(counter, settings):
    account = active(counter)
    posted = post(counter, settings, [LineEntry(1234, account.account_number)], [TenderEntry("cash", 1234)])
    post(counter, settings, [LineEntry(None, fee_code="BKF-TEST")], [TenderEntry("cash", 6500)])
    with counter.reader() as uow:
        assert [p.receipt_number for p in list_payments(uow, search=posted.receipt_number)] == ["T01-000001"]
        assert [p.receipt_number for p in list_payments(uow, search=account.account_number)] == ["T01-000001"]
        assert [p.receipt_number for p in list_payments(uow, search="65.00")] == ["T01-000002"]


def test_reprint_is_queued_and_audited(counter, settings):
    account = active(counter)
    posted = post(counter, settings, [LineEntry(1234, account.account_number)], [TenderEntry("cash", 1234)])
    with counter.unit_of_work() as uow:
        reprint(uow, Reprint(posted.receipt_number, "amy"), settings)
    assert _rows(counter, "SELECT kind FROM print_job ORDER BY created_at") == [("receipt",), ("reprint",)]
    with counter.reader() as uow:
        assert audit.search(uow.session, kind="receipt_reprinted")[0].details["receipt"] == "T01-000001"
        assert audit.verify(uow.session, key=settings.security.audit_key).ok


def test_drawer_float_that_differs_needs_a_reason(database, settings):
    build_demo(settings, accounts=10)
    with database.unit_of_work() as uow, pytest.raises(InputError, match="reason: .*differs"):
        open_drawer(uow, OpenDrawer("amy", {"bill:10000": 1}), settings)
    with database.unit_of_work() as uow:
        opened = open_drawer(uow, OpenDrawer("amy", {"bill:10000": 1}, "short change fund"), settings)
    assert opened.difference_cents == -10000
    with database.unit_of_work() as uow, pytest.raises(DrawerError, match="already open"):
        open_drawer(uow, OpenDrawer("amy", STANDARD_FLOAT), settings)
    with database.unit_of_work() as uow, pytest.raises(DrawerError, match="already has an open drawer"):
        open_drawer(uow, OpenDrawer("carl", STANDARD_FLOAT), settings)
    with database.reader() as uow:
        assert audit.search(uow.session, kind="float_difference")[0].details["reason"] == "short change fund"


def test_negative_or_unknown_denomination_counts_are_refused(database, settings):
    build_demo(settings, accounts=10)
    with database.unit_of_work() as uow, pytest.raises(InputError, match="whole number"):
        open_drawer(uow, OpenDrawer("amy", {"bill:10000": -1}), settings)
    with database.unit_of_work() as uow, pytest.raises(InputError, match="not a configured denomination"):
        open_drawer(uow, OpenDrawer("amy", {"bill:300": 1}), settings)


def _rows(database, sql):
    with database.reader() as uow:
        return [tuple(r) for r in uow.execute(text(sql))]
