"""A cash payment whose drawer pulse did not arrive: the cashier opens the drawer for it, recorded like a no-sale."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from drawer.day import OpenForPayment, open_for_payment
from pos.core import audit
from pos.core.errors import InputError
from pos.core.tenders import TenderEntry
from tests.conftest import make_settings
from tests.drawer.test_day import day, pay, run, scalar  # noqa: F401 - fixture


def test_the_drawer_opened_for_a_payment_is_an_audited_no_sale_naming_its_receipt(day, settings):
    posted = pay(day, settings, 5000)
    made = run(day, open_for_payment, OpenForPayment("amy", posted.receipt_number.lower()), settings)
    assert (made.kind, made.amount_cents, made.cash_in_drawer_cents) == ("no_sale", 0, 20000 + 5000)
    assert scalar(day, "SELECT reason FROM drawer_movement") == (
        f"Drawer for receipt {posted.receipt_number} (did not open by itself)")
    with day.reader() as uow:
        [entry] = audit.search(uow.session, kind="no_sale")
    details = entry.details
    assert entry.operator_id == "amy" and posted.receipt_number in details["reason"]
    assert details["slip"] == made.number


def test_no_approval_is_asked_even_where_no_sales_need_one(day, tmp_path, engine_url):
    strict = make_settings(tmp_path, engine_url, drawer={"no_sale_needs_approval": True})
    posted = pay(day, strict, 5000)
    assert run(day, open_for_payment, OpenForPayment("amy", posted.receipt_number), strict).approved_by is None


def test_a_payment_without_cash_or_of_another_drawer_is_refused(day, settings):
    by_check = pay(day, settings, 5000, TenderEntry("check", 5000, "1001"))
    with pytest.raises(InputError, match="moved no cash"):
        run(day, open_for_payment, OpenForPayment("amy", by_check.receipt_number), settings)
    with pytest.raises(InputError, match="not a payment of your open drawer"):
        run(day, open_for_payment, OpenForPayment("amy", "T01-999999"), settings)
    assert scalar(day, "SELECT count(*) FROM drawer_movement") == 0
    with day.reader() as uow:
        assert uow.execute(text("SELECT count(*) FROM audit_entry WHERE kind = 'no_sale'")).scalar_one() == 0
