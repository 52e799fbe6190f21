"""The screens take a check or money-order number by the domain's one rule, so the close can match it."""

import pytest

from pos.core.errors import InputError
from pos.core.tenders import reference_key
from pos.tui import entry


def test_a_money_order_number_with_its_letters_and_dash_is_taken_as_the_payment_service_takes_it():
    assert entry.number("mo-5005", "money order number") == "MO-5005"
    assert reference_key(entry.number("MO/5005", "money order number")) == reference_key("mo5005")


@pytest.mark.parametrize(("typed", "reason"), [("", "is required"), ("12 34", "letters, digits, dash and slash"),
                                               ("1" * 21, "longer than 20"),
                                               ("4111111111111111", "card number")])
def test_a_bad_reference_names_the_field_and_the_reason(typed, reason):
    with pytest.raises(InputError) as refused:
        entry.number(typed, "check number")
    assert refused.value.field == "check number" and reason in refused.value.reason
