"""The supervisor's payment search: each word one criterion; a word that is none of them is refused by name."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pos.core.errors import InputError
from pos.core.settings import Settings
from pos.tui.entry import payment_search

SETTINGS = Settings()


@pytest.mark.parametrize(("text", "criteria"), [
    ("T02-000017", {"receipt_number": "T02-000017"}),
    ("t02-000017", {"receipt_number": "T02-000017"}),
    ("2026-11-28 T02", {"business_date": date(2026, 11, 28), "terminal_id": "T02"}),
    ("$12.34", {"amount_cents": 1234}),
    ("12.34 1000063", {"amount_cents": 1234, "account_number": "1000063"}),
    ("", {}),
])
def test_each_word_is_one_criterion(text, criteria):
    assert payment_search(text, SETTINGS) == criteria


@pytest.mark.parametrize("text", ["x!y", "2026-13-45", "12.345", "-5.00", "4111111111111111", "١٢٣"])
def test_a_word_that_is_no_criterion_is_refused_naming_the_search(text):
    with pytest.raises(InputError) as caught:
        payment_search(text, SETTINGS)
    assert caught.value.field == "search"


@given(st.integers(min_value=1, max_value=SETTINGS.money.max_amount_cents))
def test_any_amount_typed_with_its_point_is_found_as_that_many_cents(cents):
    assert payment_search(f"{cents // 100}.{cents % 100:02d}", SETTINGS) == {"amount_cents": cents}
