"""Tenders: change from cash only, refusals that name the field, card numbers never accepted."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pos.core.errors import InputError
from pos.core.scanline import luhn_check_digit
from pos.core.settings import Settings
from pos.core.tenders import TenderEntry, TenderError, apply_tenders, check_tender, refuse_card_number

SETTINGS = Settings()


def test_exact_cash_makes_no_change():
    [cash] = apply_tenders(5234, [TenderEntry("cash", 5234)])
    assert (cash.amount_cents, cash.tendered_cents, cash.change_cents) == (5234, 5234, 0)


def test_cash_over_the_total_makes_change():
    [cash] = apply_tenders(5234, [TenderEntry("cash", 6000)])
    assert (cash.amount_cents, cash.change_cents) == (5234, 766)


def test_check_plus_cash_split_gives_change_from_cash():
    check, cash = apply_tenders(15234, [TenderEntry("check", 10000, "1234"), TenderEntry("cash", 6000)])
    assert (check.amount_cents, check.change_cents) == (10000, 0)
    assert (cash.amount_cents, cash.change_cents) == (5234, 766)


def test_check_over_the_total_is_refused():
    with pytest.raises(TenderError, match="only cash makes change"):
        apply_tenders(5000, [TenderEntry("check", 6000, "1001")])


def test_tenders_short_of_the_total_are_refused():
    with pytest.raises(TenderError, match=r"\$10.00 short"):
        apply_tenders(5000, [TenderEntry("cash", 4000)])


def test_cash_back_on_a_check_when_the_site_allows_it():
    [check] = apply_tenders(5000, [TenderEntry("check", 6000, "1001")], cash_back_allowed=True)
    assert (check.amount_cents, check.change_cents) == (5000, 1000)


@given(st.integers(1, 10**8), st.lists(st.tuples(st.sampled_from(["cash", "check", "card"]), st.integers(1, 10**8)),
                                       min_size=1, max_size=5))
def test_applied_tenders_always_sum_to_the_total_and_change_comes_from_cash(total, raw):
    entries = [TenderEntry(kind, amount) for kind, amount in raw]
    try:
        applied = apply_tenders(total, entries)
    except TenderError:
        handed = sum(a for _, a in raw)
        non_cash = sum(a for k, a in raw if k != "cash")
        assert handed < total or non_cash > total
        return
    assert sum(t.amount_cents for t in applied) == total
    assert all(t.change_cents == 0 for t in applied if t.type != "cash")
    assert sum(t.change_cents for t in applied) == sum(a for _, a in raw) - total
    assert all(0 <= t.change_cents <= (t.tendered_cents or 0) for t in applied)


def card_number(prefix: str, length: int) -> str:
    body = prefix + "0" * (length - len(prefix) - 1)
    return body + str(luhn_check_digit(body))


@pytest.mark.parametrize("number", [card_number("4111", 16), card_number("3782", 15), card_number("6011", 19),
                                    "4111 1111 1111 1111", "4111-1111-1111-1111"])
def test_a_full_card_number_is_refused_in_any_field(number):
    with pytest.raises(InputError, match="looks like a full card number") as caught:
        refuse_card_number("check number", number)
    assert number not in str(caught.value)


def test_a_long_number_that_fails_luhn_is_not_taken_for_a_card():
    # 4111111111111112 would be refused: its last 13 digits, 1111111111112, pass the Luhn check by themselves.
    refuse_card_number("reference", "4111111111111113")


@pytest.mark.parametrize(("entry", "field", "reason"), [
    (TenderEntry("check", 1000, ""), "check number", "is required"),
    (TenderEntry("card", 1000, "123456", "VISA", "12"), "last four digits", "exactly 4 digits"),
    (TenderEntry("card", 1000, "123456", "DINERS", "1234"), "card type", "choose one of"),
    (TenderEntry("card", 1000, "", "VISA", "1234"), "authorisation code", "is required"),
    (TenderEntry("card", 1000, "123456", "VISA", "4111111111111111"), "last four digits", "full card number"),
    (TenderEntry("cash", 0), "Cash amount", "more than zero"),
    (TenderEntry("cash", -5), "Cash amount", "more than zero"),
    (TenderEntry("cash", 10**12), "Cash amount", "maximum"),
    (TenderEntry("barter", 100), "tender", "not a tender type"),
    (TenderEntry("money_order", 100, "12;DROP"), "money order number", "letters, digits"),
])
def test_bad_tender_fields_are_named(entry, field, reason):
    with pytest.raises(InputError) as caught:
        check_tender(entry, SETTINGS)
    assert caught.value.field == field
    assert reason in caught.value.reason


def test_a_disabled_tender_is_refused():
    settings = Settings(tenders={"enabled": ["cash", "check"]})
    with pytest.raises(InputError, match="not taken at this site"):
        check_tender(TenderEntry("card", 100, "123456", "VISA", "1234"), settings)
