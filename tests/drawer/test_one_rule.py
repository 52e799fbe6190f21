"""One rule in the domain: a tender reference the payment takes is one the close can count; bills and coins of the
same value stay apart down to the deposit; account numbers pad to the configured length (both engines)."""

from __future__ import annotations

import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import text

from drawer.day import CloseDrawer, CountDrawer, CountItem, VerifyDrawer, close_drawer, save_count, verify_drawer
from drawer.deposit import PrepareDeposit, prepare_deposit
from drawer.reports import deposit_slip
from drawer.sessions import OpenDrawer, open_drawer
from pos.core.errors import InputError
from pos.core.operators import Credentials
from pos.core.payments import LineEntry, PostPayment, list_payments, post_payment
from pos.core.tenders import TenderEntry, check_reference, reference_key
from pos.demo import build_demo
from tests.conftest import make_settings

SAM = Credentials("sam", "456789")
FLOAT = {"bill:10000": 2}


def run(database, service, command, settings):
    with database.unit_of_work() as uow:
        return service(uow, command, settings)


@pytest.fixture
def day(database, settings):
    build_demo(settings, accounts=10)
    run(database, open_drawer, OpenDrawer("amy", FLOAT), settings)
    return database


def session_of(database):
    with database.reader() as uow:
        return uow.execute(text("SELECT id FROM drawer_session")).scalar_one()


def test_a_money_order_number_the_payment_takes_is_matched_by_the_close_count(day, settings):
    run(day, post_payment, PostPayment(str(uuid.uuid4()), "amy", (LineEntry(5005, fee_code="CIT-PARK"),),
                                       (TenderEntry("money_order", 5005, "MO-5005"),)), settings)
    saved = run(day, save_count, CountDrawer("amy", FLOAT, (CountItem("money_order", "mo-5005", 5005),)), settings)
    assert [(i.status, i.reference) for i in saved.items] == [("matched", "MO-5005")]
    assert saved.over_short_cents == 0


@given(st.text(max_size=24))
def test_one_reference_rule_normalises_or_refuses_and_its_result_keys_to_itself(typed):
    try:
        normal = check_reference("check number", typed, required=True)
    except InputError:
        return
    assert normal == normal.strip().upper() and normal.isascii() and len(normal) <= 20
    assert check_reference("check number", normal, required=True) == normal
    assert reference_key(normal) == reference_key(typed)


def test_unicode_digits_are_not_a_check_number():
    with pytest.raises(InputError, match="letters, digits, dash and slash"):
        check_reference("check number", "١٢٣", required=True)


def test_a_one_dollar_bill_and_a_one_dollar_coin_stay_apart_down_to_the_deposit(day, settings):
    run(day, post_payment, PostPayment(str(uuid.uuid4()), "amy", (LineEntry(500, fee_code="CIT-PARK"),),
                                       (TenderEntry("cash", 500),)), settings)
    run(day, save_count, CountDrawer("amy", {"bill:10000": 2, "bill:100": 3, "coin:100": 2}), settings)
    run(day, close_drawer, CloseDrawer("amy", 20000), settings)
    run(day, verify_drawer, VerifyDrawer(SAM, session_of(day)), settings)
    run(day, prepare_deposit, PrepareDeposit(SAM, (session_of(day),), "BAG-1"), settings)
    with day.reader() as uow:
        slip = deposit_slip(uow, "BAG-1", settings)
    assert [(line.key, line.label, line.count) for line in slip.cash] == [
        ("bill:100", "$1.00 bills", 3), ("coin:100", "$1.00 coins", 2)]


def test_payments_are_found_by_an_account_number_padded_to_the_configured_length(database, tmp_path, engine_url):
    settings = make_settings(tmp_path, engine_url, lookup={"account_number_length": 12})
    build_demo(settings, accounts=10)
    with database.reader() as uow:
        number = uow.execute(text("SELECT account_number FROM account WHERE status = 'active' AND NOT cash_only "
                                  "ORDER BY account_number LIMIT 1")).scalar_one()
    assert len(number) == 12 and number.startswith("00")
    run(database, open_drawer, OpenDrawer("amy", FLOAT), settings)
    short = number.lstrip("0")
    posted = run(database, post_payment, PostPayment(str(uuid.uuid4()), "amy", (LineEntry(1000, short),),
                                                     (TenderEntry("cash", 1000),), None,
                                                     frozenset({"overpayment", "below_installment"})), settings)
    with database.reader() as uow:
        found = list_payments(uow, search=short, settings=settings)
    assert [p.receipt_number for p in found] == [posted.receipt_number]
    assert found[0].accounts == (number,)
