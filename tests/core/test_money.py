"""Money parsing and formatting: exact cents, clear refusals."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pos.core.errors import InputError
from pos.core.money import format_cents, format_plain, parse_cents

MAX = 10_000_000


@pytest.mark.parametrize(
    ("typed", "cents"),
    [("12", 1200), ("12.3", 1230), ("12.34", 1234), ("$1,234.56", 123456), (" 7.05 ", 705), ("0.01", 1),
     (".5", 50), ("1,000,000", 100_000_000), ("$0", 0)],
)
def test_parse_accepts_what_cashiers_type(typed, cents):
    assert parse_cents(typed) == cents


@pytest.mark.parametrize(
    ("typed", "reason"),
    [("", "is empty"), ("   ", "is empty"), ("12.345", "more than two decimals"), ("abc", "letters"),
     ("12a", "letters"), ("1.2.3", "more than one decimal point"), ("1,23", "is not an amount"),
     ("$", "is not an amount"), ("--5", "is not an amount"), ("1e5", "letters")],
)
def test_parse_refuses_bad_text_naming_the_field(typed, reason):
    with pytest.raises(InputError) as caught:
        parse_cents(typed, field="cash tendered")
    assert caught.value.field == "cash tendered"
    assert reason in caught.value.reason


def test_negative_is_refused_unless_allowed():
    with pytest.raises(InputError, match="cannot be negative"):
        parse_cents("-5.00")
    assert parse_cents("-5.00", allow_negative=True) == -500


def test_amount_above_the_configured_maximum_is_refused():
    with pytest.raises(InputError, match="above the maximum of \\$100,000.00"):
        parse_cents("100000.01", maximum_cents=MAX)
    assert parse_cents("100000.00", maximum_cents=MAX) == MAX


def test_zero_can_be_refused():
    with pytest.raises(InputError, match="more than zero"):
        parse_cents("0.00", allow_zero=False)


def test_format_refuses_floats():
    with pytest.raises(TypeError):
        format_cents(12.5)  # type: ignore[arg-type]


@given(st.integers(min_value=-10**12, max_value=10**12))
def test_format_then_parse_round_trips(cents):
    assert parse_cents(format_cents(cents), allow_negative=True) == cents
    assert parse_cents(format_plain(cents), allow_negative=True) == cents


@given(st.integers(min_value=0, max_value=10**9), st.integers(min_value=0, max_value=99))
def test_parse_of_dollars_and_cents_is_exact(dollars, cents):
    assert parse_cents(f"{dollars}.{cents:02d}") == dollars * 100 + cents
    assert parse_cents(f"${dollars:,}.{cents:02d}") == dollars * 100 + cents


@given(st.integers(min_value=0, max_value=10**9), st.integers(min_value=0, max_value=9))
def test_one_decimal_means_tens_of_cents(dollars, dimes):
    assert parse_cents(f"{dollars}.{dimes}") == dollars * 100 + dimes * 10


@given(st.text(alphabet=st.characters(categories=("L",)), min_size=1, max_size=5), st.integers(0, 9999))
def test_any_letter_is_refused(letters, number):
    with pytest.raises(InputError):
        parse_cents(f"{number}{letters}")


@given(st.integers(min_value=0, max_value=10**6), st.text(alphabet="0123456789", min_size=3, max_size=6))
def test_three_or_more_decimals_are_refused(whole, decimals):
    with pytest.raises(InputError, match="more than two decimals"):
        parse_cents(f"{whole}.{decimals}")


@given(st.integers(min_value=1, max_value=10**12))
def test_format_groups_thousands_and_keeps_two_decimals(cents):
    text = format_cents(cents)
    assert text.startswith("$")
    assert text[-3] == "."
    assert int(text[1:].replace(",", "").replace(".", "")) == cents
