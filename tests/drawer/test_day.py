"""The drawer day at the service level, on SQLite and PostgreSQL: movements, till limit, close, verify, deposit."""

from __future__ import annotations

import threading
import uuid

import pytest
from sqlalchemy import text

from drawer.day import (CloseDrawer, CountDrawer, CountItem, ForceClose, MakeDrop, MakeLoan, MakePaidOut,
                        OpenNoSale, VerifyDrawer, close_drawer, force_close, make_drop, make_loan, make_paid_out,
                        open_no_sale, save_count, verify_drawer)
from drawer.deposit import PrepareDeposit, prepare_deposit
from drawer.reports import closeout_report, deposit_slip, list_drawers, over_short_history
from drawer.sessions import DrawerError, OpenDrawer, open_drawer
from pos.core import audit
from pos.core.clock import business_date
from pos.core.errors import InputError, PermissionDenied
from pos.core.operators import Credentials
from pos.core.payments import LineEntry, PostPayment, VoidPayment, post_payment, void_payment
from pos.core.tenders import TenderEntry
from pos.demo import build_demo
from tests.conftest import make_settings

FLOAT = {"bill:2000": 5, "bill:1000": 5, "bill:500": 4, "bill:100": 17, "coin:25": 20, "coin:10": 50, "coin:5": 40,
         "coin:1": 100}  # $200.00
SAM = Credentials("sam", "456789")  # supervisor
LENA = Credentials("lena", "345678")  # lead


@pytest.fixture
def day(database, settings):
    build_demo(settings, accounts=50)
    with database.unit_of_work() as uow:
        open_drawer(uow, OpenDrawer("amy", FLOAT), settings)
    return database


def pay(database, settings, cents, *tenders, operator="amy"):
    tenders = tenders or (TenderEntry("cash", cents),)
    command = PostPayment(str(uuid.uuid4()), operator, (LineEntry(cents, fee_code="CIT-PARK"),), tuple(tenders))
    with database.unit_of_work() as uow:
        return post_payment(uow, command, settings)


def run(database, service, command, settings):
    with database.unit_of_work() as uow:
        return service(uow, command, settings)


def count_all(database, settings, cash_counts, *, items=(), totals=None, operator="amy"):
    return run(database, save_count, CountDrawer(operator, cash_counts, tuple(items), totals or {}), settings)


def scalar(database, sql):
    with database.reader() as uow:
        return uow.execute(text(sql)).scalar_one()


def session_id(database):
    return scalar(database, "SELECT id FROM drawer_session WHERE operator_id = 'amy'")


# During the day --------------------------------------------------------------------------------


def test_drop_paid_out_loan_and_no_sale_move_the_expected_cash(day, settings):
    pay(day, settings, 5000)
    drop = run(day, make_drop, MakeDrop("amy", {"bill:2000": 2}), settings)
    assert (drop.kind, drop.amount_cents, drop.cash_in_drawer_cents) == ("drop", 4000, 20000 + 5000 - 4000)
    paid_out = run(day, make_paid_out, MakePaidOut("amy", 1500, "petty_cash", "stamps"), settings)
    loan = run(day, make_loan, MakeLoan("amy", {"coin:25": 40}, "quarters from the safe"), settings)
    no_sale = run(day, open_no_sale, OpenNoSale("amy", "customer needed change for the meter"), settings)
    assert paid_out.cash_in_drawer_cents == 21000 - 1500
    assert loan.cash_in_drawer_cents == 19500 + 1000
    assert no_sale.cash_in_drawer_cents == 20500 and no_sale.amount_cents == 0
    sighted = settings.model_dump()
    sighted["drawer"]["blind_close"] = False  # a blind close shows no expected figure before the count
    with day.reader() as uow:
        report = closeout_report(uow, session_id(day), type(settings)(**sighted))
    cash = next(t for t in report.tenders if t.tender == "cash")
    assert scalar(day, "SELECT cash_cents FROM drawer_session") == cash.expected_cents == 20500
    assert [drop.number, paid_out.number, loan.number, no_sale.number] == [
        "T01-S00001", "T01-S00002", "T01-S00003", "T01-S00004"]
    with day.reader() as uow:
        kinds = [e.kind for e in audit.search(uow.session, operator_id="amy")]
    assert {"drop", "paid_out", "loan", "no_sale"} <= set(kinds)


def test_paid_out_above_the_cashiers_authority_needs_a_leads_pin(day, settings):
    pay(day, settings, 10000)
    with pytest.raises(PermissionDenied, match="needs a lead's or supervisor's approval"):
        run(day, make_paid_out, MakePaidOut("amy", 4500, "refund"), settings)
    with pytest.raises(PermissionDenied, match="may not approve"):
        run(day, make_paid_out, MakePaidOut("amy", 4500, "refund", approver=Credentials("carl", "2345")), settings)
    made = run(day, make_paid_out, MakePaidOut("amy", 4500, "refund", "overpaid deposit", LENA), settings)
    assert made.approved_by == "lena"
    assert scalar(day, "SELECT count(*) FROM drawer_movement WHERE kind = 'paid_out'") == 1


@pytest.mark.parametrize("command, field", [
    (MakePaidOut("amy", 500, "lunch"), "reason code"),
    (MakePaidOut("amy", 0, "refund"), "amount"),
    (MakePaidOut("amy", 10_000_000, "refund"), "amount"),  # more than the drawer holds
    (MakeDrop("amy", {"bill:2000": -1}), "$20.00 bills count"),
    (MakeDrop("amy", {}), "drop count"),
    (MakeDrop("amy", {"bill:300": 1}), "denomination"),
    (MakeDrop("amy", {"bill:10000": 5}), "drop count"),  # more than the drawer holds
    (OpenNoSale("amy", "  "), "reason"),
    (OpenNoSale("amy", "4111111111111111"), "reason"),
])
def test_bad_movement_input_names_the_field_and_changes_nothing(day, settings, command, field):
    service = {MakePaidOut: make_paid_out, MakeDrop: make_drop, OpenNoSale: open_no_sale}[type(command)]
    with pytest.raises(InputError) as refused:
        run(day, service, command, settings)
    assert refused.value.field == field
    assert scalar(day, "SELECT count(*) FROM drawer_movement") == 0


def test_no_sale_needs_approval_where_the_site_says_so(day, tmp_path, engine_url):
    strict = make_settings(tmp_path, engine_url, drawer={"no_sale_needs_approval": True})
    with pytest.raises(PermissionDenied):
        run(day, open_no_sale, OpenNoSale("amy", "jammed drawer"), strict)
    assert run(day, open_no_sale, OpenNoSale("amy", "jammed drawer", LENA), strict).approved_by == "lena"


def test_cash_payments_wait_past_the_till_limit_until_a_drop(day, tmp_path, engine_url):
    limited = make_settings(tmp_path, engine_url, drawer={"drop_prompt_cents": 30000, "till_limit_cents": 40000})
    first = pay(day, limited, 15000)  # 200 + 150 = 350: above the prompt
    assert first.cash_in_drawer_cents == 35000 and first.drop_advised(limited)
    pay(day, limited, 6000)  # 410: over the limit after this one
    with pytest.raises(DrawerError, match="till limit"):
        pay(day, limited, 100)
    pay(day, limited, 100, TenderEntry("check", 100, "1234"))  # checks still go
    run(day, make_drop, MakeDrop("amy", {"bill:2000": 5}), limited)
    assert pay(day, limited, 100).cash_in_drawer_cents == 41000 - 10000 + 100


# Close ---------------------------------------------------------------------------------------


def test_balanced_blind_close_closes_the_drawer_and_its_batch(day, settings):
    pay(day, settings, 2550, TenderEntry("cash", 3000))  # 4.50 change
    pay(day, settings, 4000, TenderEntry("check", 4000, "1001"))
    pay(day, settings, 1234, TenderEntry("card", 1234, "A1B2C3", card_type="VISA", card_last4="4242"))
    cash = {**FLOAT, "bill:2000": 6, "bill:500": 5, "coin:25": 22}  # 200 + 25.50
    saved = count_all(day, settings, cash, items=[CountItem("check", "1001", 4000)], totals={"card": 1234})
    assert (saved.over_short_cents, saved.next_step, saved.within_tolerance) == (0, "close", True)
    assert [i.status for i in saved.items] == ["matched"]
    with pytest.raises(DrawerError, match="being counted"):
        pay(day, settings, 100)
    closed = run(day, close_drawer, CloseDrawer("amy", 20000), settings)
    assert (closed.retained_float_cents, closed.deposit_cash_cents) == (20000, 2550)
    assert scalar(day, "SELECT status FROM batch") == "queued"
    with pytest.raises(DrawerError):
        run(day, close_drawer, CloseDrawer("amy", 20000), settings)  # closing twice
    with pytest.raises(DrawerError):
        count_all(day, settings, cash)


def test_short_beyond_tolerance_offers_one_recount_then_needs_a_sign_off(day, settings):
    pay(day, settings, 5000)
    short = {**FLOAT, "bill:2000": 7, "bill:1000": 6, "bill:100": 15}  # 200 + 50 - 2 = 248
    first = count_all(day, settings, short)
    assert (first.over_short_cents, first.next_step) == (-200, "recount_or_signoff")
    assert first.over_short_by_tender["cash"] == -200
    second = count_all(day, settings, short)
    assert second.next_step == "signoff"
    with pytest.raises(DrawerError, match="already recounted"):
        count_all(day, settings, short)
    with pytest.raises(InputError, match="note"):
        run(day, close_drawer, CloseDrawer("amy", 20000, LENA), settings)
    with pytest.raises(PermissionDenied):
        run(day, close_drawer, CloseDrawer("amy", 20000, None, "miscounted change"), settings)
    with pytest.raises(PermissionDenied, match="own"):
        run(day, close_drawer, CloseDrawer("amy", 20000, Credentials("amy", "1234"), "x"), settings)
    closed = run(day, close_drawer, CloseDrawer("amy", 20000, LENA, "short $2: gave change for a $20 as $22"),
                 settings)
    assert (closed.signed_off_by, closed.over_short_cents) == ("lena", -200)
    with day.reader() as uow:
        report = closeout_report(uow, closed.session_id, settings)
    assert (report.counts_made, report.signed_off_by, report.over_short_cents) == (2, "lena", -200)
    assert any(a.what == "over/short sign-off" and a.approver_id == "lena" for a in report.approvals)


def test_float_kept_must_be_made_from_the_cash_counted(day, settings):
    count_all(day, settings, {"bill:10000": 2})
    with pytest.raises(InputError, match="float kept"):
        run(day, close_drawer, CloseDrawer("amy", 15050), settings)
    with pytest.raises(InputError, match="float kept"):
        run(day, close_drawer, CloseDrawer("amy", 30000), settings)
    assert run(day, close_drawer, CloseDrawer("amy", 10000), settings).deposit_cash_cents == 10000


def test_checks_in_the_drawer_are_matched_against_the_posted_ones(day, settings):
    pay(day, settings, 4000, TenderEntry("check", 4000, "1001"))
    pay(day, settings, 2500, TenderEntry("money_order", 2500, "77"))
    saved = count_all(day, settings, FLOAT, items=[CountItem("check", "1001", 4000), CountItem("check", "999", 100)])
    statuses = {(i.tender, i.reference): i.status for i in saved.items}
    assert statuses == {("check", "1001"): "matched", ("check", "999"): "extra", ("money_order", "77"): "missing"}
    assert saved.over_short_by_tender == {**{t: 0 for t in saved.over_short_by_tender}, "check": 100,
                                          "money_order": -2500}


def test_bad_count_input_names_the_field_and_changes_nothing(day, settings):
    for cash, items, totals, field in [
        ({"bill:2000": -2}, (), {}, "$20.00 bills count"),
        (FLOAT, (CountItem("check", "12#a", 100),), {}, "item 1 number"),
        (FLOAT, (CountItem("check", "12", 0),), {}, "item 1 amount"),
        (FLOAT, (CountItem("check", "12", 5), CountItem("check", "12", 5)), {}, "item 2 number"),
        (FLOAT, (), {"card": -1}, "card total"),
        (FLOAT, (), {"cash": 5}, "cash total"),
    ]:
        with pytest.raises(InputError) as refused:
            count_all(day, settings, cash, items=items, totals=totals)
        assert refused.value.field == field
    assert scalar(day, "SELECT count(*) FROM drawer_count") == 0
    assert scalar(day, "SELECT status FROM drawer_session") == "open"


# Supervisor -----------------------------------------------------------------------------------


def close_balanced(database, settings, operator="amy"):
    count_all(database, settings, FLOAT, operator=operator)
    return run(database, close_drawer, CloseDrawer(operator, 20000), settings)


def test_supervisor_verifies_a_closed_drawer_once_and_not_their_own(day, settings):
    sid = session_id(day)
    with pytest.raises(DrawerError, match="not closed"):
        run(day, verify_drawer, VerifyDrawer(SAM, sid), settings)
    close_balanced(day, settings)
    with pytest.raises(PermissionDenied):
        run(day, verify_drawer, VerifyDrawer(Credentials("amy", "1234"), sid), settings)
    assert run(day, verify_drawer, VerifyDrawer(SAM, sid), settings).verified_by == "sam"
    with pytest.raises(DrawerError, match="already verified"):
        run(day, verify_drawer, VerifyDrawer(SAM, sid), settings)


def test_supervisor_force_closes_a_drawer_left_open_with_their_own_count(day, settings):
    pay(day, settings, 1000)
    sid = session_id(day)
    with pytest.raises(InputError, match="note"):
        run(day, force_close, ForceClose(SAM, sid, CountDrawer("sam", FLOAT), 20000, ""), settings)
    closed = run(day, force_close, ForceClose(SAM, sid, CountDrawer("sam", FLOAT), 20000, "Amy went home sick"),
                 settings)
    assert (closed.forced, closed.over_short_cents, closed.signed_off_by) == (True, -1000, "sam")
    with pytest.raises(DrawerError):
        pay(day, settings, 100)
    with day.reader() as uow:
        assert [e.kind for e in audit.search(uow.session, kind="drawer_force_closed")] == ["drawer_force_closed"]


def test_a_payment_racing_a_force_close_lands_in_the_old_session_or_is_refused(day, settings):
    """Never lost: every payment reported posted is in the closed session's expected cash."""
    sid = session_id(day)
    posted, refused = [], []
    start = threading.Barrier(2)

    def cashier():
        start.wait()
        for _ in range(30):
            try:
                posted.append(pay(day, settings, 100))
            except DrawerError:
                refused.append(1)

    thread = threading.Thread(target=cashier)
    thread.start()
    start.wait()
    try:
        closed = run(day, force_close, ForceClose(SAM, sid, CountDrawer("sam", FLOAT), 20000, "end of day"),
                     settings)
    finally:
        thread.join()  # never leave the cashier posting into a database the fixture is dropping
    assert len(posted) + len(refused) == 30
    assert closed.over_short_cents == -100 * len(posted)
    assert scalar(day, f"SELECT count(*) FROM payment_txn WHERE drawer_session_id = '{sid}'") == len(posted)


def test_deposit_from_two_verified_drawers_lists_cash_and_checks(day, settings, tmp_path, engine_url):
    pay(day, settings, 4000, TenderEntry("check", 4000, "1001"))
    pay(day, settings, 10000, TenderEntry("cash", 10000))
    count_all(day, settings, {**FLOAT, "bill:10000": 1}, items=[CountItem("check", "1001", 4000)])
    run(day, close_drawer, CloseDrawer("amy", 20000), settings)
    other = make_settings(tmp_path, engine_url, terminal={"id": "T02"})
    run(day, open_drawer, OpenDrawer("carl", FLOAT, "new terminal"), other)
    count_all(day, other, {**FLOAT, "bill:2000": 6}, operator="carl")  # $20 over, beyond tolerance
    run(day, close_drawer, CloseDrawer("carl", 20000, LENA, "found $20 under the tray"), other)
    first, second = session_id(day), scalar(day, "SELECT id FROM drawer_session WHERE operator_id = 'carl'")
    run(day, verify_drawer, VerifyDrawer(SAM, first), settings)
    with pytest.raises(DrawerError, match="not verified"):
        run(day, prepare_deposit, PrepareDeposit(SAM, (first, second), "BAG-1"), settings)
    run(day, verify_drawer, VerifyDrawer(SAM, second), settings)
    with pytest.raises(PermissionDenied):
        run(day, prepare_deposit, PrepareDeposit(LENA, (first, second), "BAG-1"), settings)
    made = run(day, prepare_deposit, PrepareDeposit(SAM, (first, second), "BAG-1"), settings)
    assert (made.cash_cents, made.items_cents, made.total_cents) == (10000 + 2000, 4000, 16000)
    with pytest.raises(DrawerError, match="already in another deposit"):
        run(day, prepare_deposit, PrepareDeposit(SAM, (first,), "BAG-2"), settings)
    with pytest.raises(InputError, match="already used"):
        run(day, prepare_deposit, PrepareDeposit(SAM, (first,), "BAG-1"), settings)
    with day.reader() as uow:
        slip = deposit_slip(uow, "BAG-1", settings)
        drawers = list_drawers(uow, business_day=business_date())
        history = over_short_history(uow, start=business_date(), end=business_date())
    assert sum(c.total_cents for c in slip.cash) == slip.cash_cents == 12000
    assert [(i.reference, i.amount_cents, i.receipt_number) for i in slip.items] == [("1001", 4000, "T01-000001")]
    assert {d.deposit_bag for d in drawers} == {"BAG-1"}
    assert [(r.operator_id, r.over_short_cents) for r in history] == [("amy", 0), ("carl", 2000)]


def test_a_voided_cash_payment_with_change_leaves_the_expected_cash_where_it_was(day, settings):
    posted = pay(day, settings, 2550, TenderEntry("cash", 3000))
    pay(day, settings, 4000, TenderEntry("check", 4000, "1001"))
    run(day, void_payment, VoidPayment(str(uuid.uuid4()), "amy", posted.receipt_number, "keyed twice", LENA),
        settings)
    saved = count_all(day, settings, FLOAT, items=[CountItem("check", "1001", 4000)])
    cash = next(t for t in saved.tenders if t.tender == "cash")
    assert (cash.payments_cents, cash.change_cents, cash.voids_cents, cash.expected_cents) == (3000, 450, 2550, 20000)
    assert saved.over_short_cents == 0 and saved.next_step == "close"
    assert scalar(day, "SELECT cash_cents FROM drawer_session") == cash.expected_cents  # kept as it went
    with day.reader() as uow:
        report = closeout_report(uow, saved.session_id, settings)
    assert [(v.voids_receipt_number, v.amount_cents) for v in report.voids] == [(posted.receipt_number, 2550)]
