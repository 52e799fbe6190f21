"""Rule 6: the one guard that refuses a full card number in any text, wherever it sits in it."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pos.core.cards import find_card_number, is_card_number_refusal, refuse_card_number
from pos.core.errors import InputError
from pos.core.scanline import luhn_check_digit, luhn_valid
from pos.core.settings import ScanLineSettings

EXAMPLES_PER_KIND = 500
DIGITS = "0123456789"
SEPARATORS = ("", "", "", " ", "-")  # mostly typed as one run; otherwise a single space or dash


@st.composite
def card_numbers(draw) -> str:
    """A Luhn-valid number of 13 to 19 digits, as a person might type it: with spaces or dashes, or none."""
    length = draw(st.integers(13, 19))
    body = str(draw(st.integers(0, 10 ** (length - 1) - 1))).zfill(length - 1)
    digits = body + str(luhn_check_digit(body))
    gaps = draw(st.integers(0, len(SEPARATORS) ** (length - 1) - 1))  # one base-5 digit per gap (cheap to draw)
    text = digits[0]
    for digit in digits[1:]:
        gaps, choice = divmod(gaps, len(SEPARATORS))
        text += SEPARATORS[choice] + digit
    return text


# What surrounds a card number, by the kind of field it was typed into.
FIELD_KINDS = {
    "note or reason": st.text(max_size=30),  # any words, any script, digits included
    "reference": st.text(DIGITS + "-/ABCXYZ", max_size=8),  # check, money order, authorisation, bag numbers
    "identifier": st.text(DIGITS + "abcxyz._-", max_size=8),  # operator ids, fee codes, account numbers
    "name or address": st.text("ABCdefg ,.'#&-" + DIGITS, max_size=20),  # people, streets, imported columns
}


def embedded(kind: str):  # noqa: ANN201 - a strategy
    surround = FIELD_KINDS[kind]
    return st.tuples(surround, card_numbers(), surround).map(lambda parts: "".join(parts))


@pytest.mark.parametrize("kind", sorted(FIELD_KINDS))
@settings(max_examples=EXAMPLES_PER_KIND, deadline=None)
@given(data=st.data())
def test_a_card_number_anywhere_in_a_field_is_refused_naming_the_field(kind, data):
    text = data.draw(embedded(kind))
    with pytest.raises(InputError) as refused:
        refuse_card_number(kind, text)
    assert refused.value.field == kind and "full card number" in refused.value.reason
    assert is_card_number_refusal(refused.value)
    assert text.strip() not in refused.value.message  # the number is never echoed


@pytest.mark.parametrize("text", [
    "card 4111111111111111 exp 12/27", "4111111111111111-1", "4111 1111 1111 1111", "4111-1111-1111-1111",
    "378282246310005", "6011 0009 9013 9424", "paid by 5500-0000-0000-0004, call back", "99 4111111111111111 99",
    "4222222222222",  # 13 digits
    "6304000000000000000",  # 19 digits
    "12345 4111111111111111 67890",  # inside a longer run of digits and spaces
])
def test_card_numbers_as_people_type_them_are_found(text):
    assert find_card_number(text)


@pytest.mark.parametrize("text", [
    "", "MO-5005", "0001000000", "1234567890", "555-010-0100", "(555) 010-0100 ext 12", "2026-11-29",
    "2026-11-29 22:30", "$1,234.56", "T01-000001", "customer paid 1500 at 10:30", "4111 1111 1111",
    "4111111111111113",  # fails Luhn, and so does every 13-15 digit window of it
    "4111--1111--1111--1111",  # two separators in a row end a run
])
def test_account_numbers_phone_numbers_dates_and_references_are_not_cards(text):
    assert not find_card_number(text)
    refuse_card_number("note", text)


def oracle(text: str) -> bool:
    """The rule spelled out slowly: every run of digits joined by at most one space or dash, every window."""
    runs, current, gap = [], "", 0
    for ch in text + "\n":
        if ch.isdigit():
            current += str(int(ch))
            gap = 0
        elif ch in " -" and current and gap == 0:
            gap = 1
        else:
            runs.append(current)
            current, gap = ("", 0)
    return any(luhn_valid(run[start:start + length]) for run in runs for length in range(13, 20)
               for start in range(len(run) - length + 1))


@settings(max_examples=EXAMPLES_PER_KIND, deadline=None)
@given(st.text(DIGITS * 6 + " -x", max_size=45))
def test_the_guard_agrees_with_the_rule_spelled_out(text):
    assert find_card_number(text) == oracle(text)


def test_a_stub_scan_line_is_left_to_the_scan_line_parser_where_a_stub_may_be_scanned():
    from pos.core.scanline import make_scan_line

    layout = ScanLineSettings()
    stub = next(line for line in (make_scan_line(f"{n:010d}", 12345, layout) for n in range(1000, 1100))
                if find_card_number(line))  # a 21-digit stub nearly always holds a Luhn-valid window
    refuse_card_number("lookup", stub, scan_line=layout)
    with pytest.raises(InputError):
        refuse_card_number("note", stub)


@pytest.mark.parametrize(("line", "expected"), [
    (b"0001000000,Joshua Gomez,792 Cedar Pl,39693,28420,2026-12-15,active,false,,,2026-11-29T08:00:00+00:00\n",
     False),
    (b"0001000000,Card 4111 1111 1111 1111,792 Cedar Pl\n", True),
    (b"0001000000,Jos\xc3\xa9 ------------- Gomez\n", False),  # a long rule of dashes is no run of digits
    ("0001000000,José,٤١١١١١١١١١١١١١١١\n".encode(), True),  # Arabic-Indic digits, in UTF-8
    ("José 4111-1111-1111-1111", True),
    ("José 2026-11-29", False),
])
def test_the_quick_first_look_of_an_import_line_finds_every_long_run_of_digits(line, expected):
    from pos.core.cards import has_long_digit_run

    assert has_long_digit_run(line) is expected
