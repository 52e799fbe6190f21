"""What a payment changed, said exactly and undone exactly: turn-off orders per account, receipt content,
the past-due amount a void gives back, and a void that would leave the drawer below zero (both engines)."""

import uuid

import pytest
from sqlalchemy import text

from drawer.day import MakeDrop, make_drop
from drawer.journal import cash_in_drawer_cents
from drawer.sessions import DrawerError
from pos.core.accounts import get_account
from pos.core.money import format_cents
from pos.core.operators import Credentials
from pos.core.clock import business_date
from pos.core.payments import LineEntry, Reprint, VoidPayment, reprint, turnoff_orders_pulled, void_payment
from pos.core.printing import receipt_for, receipt_text
from pos.core.tenders import TenderEntry
from receipts.layout import render_text
from tests.conftest import make_settings
from tests.core.test_payments import account_where, counter  # noqa: F401 - a fixture
from tests.core.test_payments import post as post_in

ALL = frozenset({"overpayment", "below_installment", "inactive_account"})


def post(database, settings, lines, tenders, *, key=None):
    return post_in(database, settings, lines, tenders, key=key, acknowledged=ALL)


def receipt_of(database, settings, posted):
    with database.reader() as uow:
        return receipt_for(uow, posted.txn_id, settings)


def test_turn_off_notice_names_only_the_account_whose_line_covered_its_past_due(counter, settings):
    shutoff = account_where(counter, "status = 'shutoff_pending' AND past_due_cents > 0 AND cash_only = false")
    other = account_where(counter, "status = 'active' AND balance_cents > 2000 AND cash_only = false")
    lines = [LineEntry(shutoff.past_due_cents, shutoff.account_number), LineEntry(1000, other.account_number)]
    total = shutoff.past_due_cents + 1000
    key = str(uuid.uuid4())
    posted = post(counter, settings, lines, [TenderEntry("cash", total)], key=key)
    assert posted.turnoff_accounts == (shutoff.account_number,)
    receipt = receipt_of(counter, settings, posted)
    assert receipt.flags == (f"TURN-OFF ORDER PULLED: {shutoff.account_number}",)
    assert other.account_number not in "".join(receipt.flags)
    replay = post(counter, settings, lines, [TenderEntry("cash", total)], key=key)
    assert replay.replayed and replay.turnoff_accounts == (shutoff.account_number,)
    with counter.reader() as uow:
        field_list = turnoff_orders_pulled(uow, business_day=business_date())
    assert [(o.account_number, o.receipt_number) for o in field_list] == [(shutoff.account_number,
                                                                            posted.receipt_number)]


def test_receipt_shows_the_amount_due_before_and_a_credit_as_a_credit_balance(counter, settings):
    account = account_where(counter, "status = 'active' AND balance_cents > 2000 AND cash_only = false")
    amount = account.balance_cents + 15228
    posted = post(counter, settings, [LineEntry(amount, account.account_number)], [TenderEntry("cash", amount)])
    with counter.reader() as uow:
        printed = receipt_text(uow, posted.receipt_number, settings)
    rows = printed.splitlines()
    assert any(r.startswith("  Amount due") and r.endswith(format_cents(account.balance_cents)) for r in rows)
    assert any(r.startswith("  Credit balance") and r.endswith("$152.28") for r in rows)
    assert "-$152.28" not in printed
    assert any(r.startswith("Business date") for r in rows)


def test_header_comes_from_the_site_name_when_no_header_is_set(tmp_path, settings):
    site = make_settings(tmp_path, settings.database.url, terminal={"site_name": "Lakeside Utilities"})
    from pos.core.printing import receipt_header

    assert receipt_header(site) == ("Lakeside Utilities",)
    own = make_settings(tmp_path, settings.database.url, receipt={"header": ["Lakeside", "1 Shore Rd"]})
    assert receipt_header(own) == ("Lakeside", "1 Shore Rd")


def test_a_real_sites_receipt_never_prints_the_demo_district(counter, tmp_path, settings):
    site = make_settings(tmp_path, settings.database.url, terminal={"site_name": "Lakeside Utilities"})
    account = account_where(counter, "status = 'active' AND balance_cents > 2000 AND cash_only = false")
    posted = post(counter, site, [LineEntry(1000, account.account_number)], [TenderEntry("cash", 1000)])
    with counter.reader() as uow:
        printed = receipt_text(uow, posted.receipt_number, site)
    assert printed.splitlines()[0].strip() == "Lakeside Utilities"
    assert "Riverbend" not in printed and "200 Main Street" not in printed


def test_void_slip_refunds_cash_names_reason_and_approver_without_the_footer(counter, settings):
    account = account_where(counter, "status = 'active' AND balance_cents > 2000 AND cash_only = false")
    posted = post(counter, settings, [LineEntry(10000, account.account_number)], [TenderEntry("cash", 10000)])
    tight = make_settings_with_limit(settings)
    with counter.unit_of_work() as uow:
        voided = void_payment(uow, VoidPayment(str(uuid.uuid4()), "amy", posted.receipt_number,
                                               "Keyed to the wrong account", Credentials("sam", "456789")), tight)
    with counter.reader() as uow:
        printed = receipt_text(uow, voided.receipt_number, settings)
    rows = printed.splitlines()
    assert any(r.startswith("Refunded cash") and r.endswith("$100.00") for r in rows)
    assert "Cash tendered" not in printed and "-$100.00" in printed  # the total voided stays negative
    assert "Void reason: Keyed to the wrong account" in " ".join(r.strip() for r in rows)
    assert any(r.startswith("Approved by") and r.endswith("(sam)") for r in rows)
    for footer in settings.receipt.footer:
        assert footer not in printed


def make_settings_with_limit(settings):
    """The same site, where a cashier may void nothing alone: the void needs the supervisor's PIN."""
    data = settings.model_dump()
    data["authority"]["cashier"]["void_cents"] = 0
    return type(settings)(**data)


def test_a_reprint_says_when_and_by_whom(counter, settings):
    account = account_where(counter, "status = 'active' AND balance_cents > 2000 AND cash_only = false")
    posted = post(counter, settings, [LineEntry(1000, account.account_number)], [TenderEntry("cash", 1000)])
    with counter.unit_of_work() as uow:
        job_id = reprint(uow, Reprint(posted.receipt_number, "sam"), settings)
    with counter.reader() as uow:
        receipt = receipt_for(uow, posted.txn_id, settings, reprint=True, job_id=job_id)
    printed = render_text(receipt, 42)
    assert "REPRINT" in printed
    assert any(r.startswith("Reprinted by") and r.endswith("(sam)") for r in printed.splitlines())
    assert receipt.reprinted_at is not None


def test_a_void_restores_the_past_due_amount_the_payment_lowered(counter, settings):
    account = account_where(counter, "status <> 'shutoff_pending' AND past_due_cents > 1000 AND cash_only = false "
                                     "AND balance_cents > past_due_cents")
    posted = post(counter, settings, [LineEntry(account.past_due_cents, account.account_number)],
                  [TenderEntry("cash", account.past_due_cents)])
    with counter.reader() as uow:
        paid = get_account(uow, account.account_number)
    assert paid.past_due_cents == 0
    with counter.unit_of_work() as uow:
        void_payment(uow, VoidPayment(str(uuid.uuid4()), "amy", posted.receipt_number, "wrong account",
                                      Credentials("lena", "345678")), settings)
    with counter.reader() as uow:
        back = get_account(uow, account.account_number)
    assert (back.balance_cents, back.past_due_cents) == (account.balance_cents, account.past_due_cents)


def test_a_cash_void_that_would_take_the_drawer_below_zero_is_refused_with_what_to_do(counter, settings):
    account = account_where(counter, "status = 'active' AND balance_cents > 2000 AND cash_only = false")
    posted = post(counter, settings, [LineEntry(10000, account.account_number)], [TenderEntry("cash", 10000)])
    with counter.unit_of_work() as uow:
        make_drop(uow, MakeDrop("amy", {"bill:10000": 1, "bill:2000": 3, "bill:1000": 2, "bill:500": 2,
                                        "bill:100": 5, "coin:25": 20}), settings)  # $200 of the $300
    with counter.unit_of_work() as uow:
        make_drop(uow, MakeDrop("amy", {"bill:10000": 1}), settings)  # the customer's $100: nothing left
    with pytest.raises(DrawerError, match="loan first"):
        with counter.unit_of_work() as uow:
            void_payment(uow, VoidPayment(str(uuid.uuid4()), "amy", posted.receipt_number, "wrong account",
                                          Credentials("lena", "345678")), settings)
    with counter.reader() as uow:
        session = uow.execute(text("SELECT id FROM drawer_session")).scalar_one()
        assert cash_in_drawer_cents(uow, session) == 0
        assert uow.execute(text("SELECT count(*) FROM payment_txn WHERE kind = 'void'")).scalar_one() == 0


def test_the_demo_keeps_its_district_letterhead_by_setting_it(tmp_path):
    from pos.core.printing import receipt_header
    from pos.demo import DEMO_RECEIPT_HEADER, demo_settings

    site = make_settings(tmp_path)
    assert site.receipt.header == [] and receipt_header(site) == (site.terminal.site_name,)
    assert receipt_header(demo_settings(site, tmp_path)) == DEMO_RECEIPT_HEADER
    own = make_settings(tmp_path, receipt={"header": ["Lakeside"]})
    assert receipt_header(demo_settings(own, tmp_path)) == ("Lakeside",)
