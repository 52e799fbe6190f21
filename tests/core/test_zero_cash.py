"""A cash row of 0 beside tenders that cover the total is the cashier saying "no cash": dropped, not refused."""

import uuid

import pytest
from sqlalchemy import text

from drawer.sessions import OpenDrawer, open_drawer
from pos.core.accounts import get_account
from pos.core.errors import InputError
from pos.core.payments import LineEntry, PostPayment, post_payment, review_payment
from pos.core.tenders import TenderEntry, drop_zero_cash
from pos.demo import build_demo
from tests.core.test_payments import STANDARD_FLOAT


@pytest.fixture
def counter(database, settings):
    build_demo(settings, accounts=40)
    with database.unit_of_work() as uow:
        open_drawer(uow, OpenDrawer("amy", STANDARD_FLOAT), settings)
    return database


def _account(database):
    with database.reader() as uow:
        number = uow.execute(text("SELECT account_number FROM account WHERE status = 'active' AND cash_only = false "
                                  "AND balance_cents > 2000 ORDER BY account_number LIMIT 1")).scalar_one()
        return get_account(uow, number)


def test_a_zero_cash_row_is_dropped_only_when_the_others_cover_the_total():
    check = TenderEntry("check", 1500, "1042")
    assert drop_zero_cash(1500, [check, TenderEntry("cash", 0)]) == [check]
    assert drop_zero_cash(1500, [TenderEntry("cash", 0), check]) == [check]
    assert drop_zero_cash(2000, [check, TenderEntry("cash", 0)]) == [check, TenderEntry("cash", 0)]
    assert drop_zero_cash(1500, [TenderEntry("cash", 0)]) == [TenderEntry("cash", 0)]
    assert drop_zero_cash(1500, [TenderEntry("check", 0, "1"), check]) == [TenderEntry("check", 0, "1"), check]


def test_a_payment_with_a_zero_cash_row_and_a_check_covering_it_posts_the_check_only(counter, settings):
    account = _account(counter)
    command = PostPayment(str(uuid.uuid4()), "amy", (LineEntry(1500, account.account_number),),
                          (TenderEntry("check", 1500, "1042"), TenderEntry("cash", 0)))
    with counter.unit_of_work() as uow:
        posted = post_payment(uow, command, settings)
    assert posted.total_cents == 1500 and not posted.has_cash
    with counter.reader() as uow:
        rows = uow.execute(text("SELECT type, amount_cents FROM payment_tender")).all()
    assert [tuple(row) for row in rows] == [("check", 1500)]


def test_a_zero_cash_row_alone_is_refused_naming_the_field(counter, settings):
    account = _account(counter)
    command = PostPayment(str(uuid.uuid4()), "amy", (LineEntry(1500, account.account_number),),
                          (TenderEntry("cash", 0),))
    with counter.reader() as uow, pytest.raises(InputError) as caught:
        review_payment(uow, command, settings)
    assert (caught.value.field, caught.value.reason) == ("Cash amount", "must be more than zero")
