"""Text layout: exact receipts at 32, 42 and 48 columns, tenders, void slips, reprints, copies, and widths."""

from __future__ import annotations

from datetime import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pos.core.money import format_cents
from receipts.layout import display_width, layout_lines, render_text
from receipts.model import ReceiptLine, ReceiptTender
from tests.receipts.conftest import FOOTER, PACIFIC, card_payment, split_payment, void_slip


def lines(*rows: str) -> str:
    return "".join(row + "\n" for row in rows)


EXPECTED_32 = lines(
    "    Riverbend Water District",
    "        200 Main Street",
    "      Riverbend, CA 95000",
    "         Tarifa € 1,50",
    "================================",
    "        PAYMENT RECEIPT",
    "--------------------------------",
    "Receipt               T01-000123",
    "Date            2024-03-05 14:07",
    "Business date         2024-03-05",
    "Terminal                     T01",
    "Cashier           Ann Lee (A100)",
    "--------------------------------",
    "Account 0012345678       $120.00",
    "  José Núñez de la Fuente y",
    "  Castellanos-Ortiz",
    "  12345 North Riverbend",
    "  Industrial Parkway, Unit 17B",
    "  Amount due             $135.50",
    "  New balance             $15.50",
    "Account 0098765432        $45.00",
    "  Zoë Müller",
    "  8 Elm St",
    "  Amount due              $45.00",
    "  New balance              $0.00",
    "Fee BKFLOW                $25.00",
    "  Backflow test fee",
    "--------------------------------",
    "TOTAL                    $190.00",
    "Cash                     $100.00",
    "  Cash tendered          $120.00",
    "  Change                  $20.00",
    "Check #1234               $90.00",
    "********************************",
    "     TURN-OFF ORDER PULLED:",
    "           0012345678",
    "********************************",
    "",
    "           Thank you",
    " Pay online: riverbend.example",
    "",
    "           T01-000123",
)
EXPECTED_42 = lines(
    "         Riverbend Water District",
    "             200 Main Street",
    "           Riverbend, CA 95000",
    "              Tarifa € 1,50",
    "==========================================",
    "             PAYMENT RECEIPT",
    "------------------------------------------",
    "Receipt                         T01-000123",
    "Date                      2024-03-05 14:07",
    "Business date                   2024-03-05",
    "Terminal                               T01",
    "Cashier                     Ann Lee (A100)",
    "------------------------------------------",
    "Account 0012345678                 $120.00",
    "  José Núñez de la Fuente y",
    "  Castellanos-Ortiz",
    "  12345 North Riverbend Industrial",
    "  Parkway, Unit 17B",
    "  Amount due                       $135.50",
    "  New balance                       $15.50",
    "Account 0098765432                  $45.00",
    "  Zoë Müller",
    "  8 Elm St",
    "  Amount due                        $45.00",
    "  New balance                        $0.00",
    "Fee BKFLOW                          $25.00",
    "  Backflow test fee",
    "------------------------------------------",
    "TOTAL                              $190.00",
    "Cash                               $100.00",
    "  Cash tendered                    $120.00",
    "  Change                            $20.00",
    "Check #1234                         $90.00",
    "******************************************",
    "    TURN-OFF ORDER PULLED: 0012345678",
    "******************************************",
    "",
    "                Thank you",
    "      Pay online: riverbend.example",
    "",
    "                T01-000123",
)
EXPECTED_48 = lines(
    "            Riverbend Water District",
    "                200 Main Street",
    "              Riverbend, CA 95000",
    "                 Tarifa € 1,50",
    "================================================",
    "                PAYMENT RECEIPT",
    "------------------------------------------------",
    "Receipt                               T01-000123",
    "Date                            2024-03-05 14:07",
    "Business date                         2024-03-05",
    "Terminal                                     T01",
    "Cashier                           Ann Lee (A100)",
    "------------------------------------------------",
    "Account 0012345678                       $120.00",
    "  José Núñez de la Fuente y Castellanos-Ortiz",
    "  12345 North Riverbend Industrial Parkway, Unit",
    "  17B",
    "  Amount due                             $135.50",
    "  New balance                             $15.50",
    "Account 0098765432                        $45.00",
    "  Zoë Müller",
    "  8 Elm St",
    "  Amount due                              $45.00",
    "  New balance                              $0.00",
    "Fee BKFLOW                                $25.00",
    "  Backflow test fee",
    "------------------------------------------------",
    "TOTAL                                    $190.00",
    "Cash                                     $100.00",
    "  Cash tendered                          $120.00",
    "  Change                                  $20.00",
    "Check #1234                               $90.00",
    "************************************************",
    "       TURN-OFF ORDER PULLED: 0012345678",
    "************************************************",
    "",
    "                   Thank you",
    "         Pay online: riverbend.example",
    "",
    "                   T01-000123",
)
EXPECTED_VOID_42 = lines(
    "         Riverbend Water District",
    "==========================================",
    "                   VOID",
    "        VOID of receipt T01-000120",
    "------------------------------------------",
    "Receipt                         T01-000130",
    "Date                      2024-03-05 15:42",
    "Business date                   2024-03-05",
    "Terminal                               T01",
    "Cashier                     Ann Lee (A100)",
    "Approved by                           L300",
    "------------------------------------------",
    "Account 0098765432                 -$45.00",
    "  Zoë Müller",
    "  8 Elm St",
    "------------------------------------------",
    "TOTAL VOIDED                       -$45.00",
    "Refunded cash                       $45.00",
    "------------------------------------------",
    "Void reason: Keyed to the wrong account",
    "",
    "                T01-000130",
)
EXPECTED_CARD_REPRINT_32 = lines(
    "        *** REPRINT ***",
    "    Riverbend Water District",
    "================================",
    "        PAYMENT RECEIPT",
    "--------------------------------",
    "Receipt               T02-000045",
    "Date            2024-03-06 09:30",
    "Business date         2024-03-06",
    "Terminal                     T02",
    "Cashier           Bo Chen (B200)",
    "--------------------------------",
    "Account 0055512345        $82.31",
    "  Maria Lopez",
    "  77 River Rd",
    "  Amount due              $72.31",
    "  Credit balance          $10.00",
    "--------------------------------",
    "TOTAL                     $82.31",
    "VISA ****1234 Auth 123456 $82.31",
    "",
    "           Thank you",
    "",
    "           T02-000045",
    "        *** REPRINT ***",
)


@pytest.mark.parametrize(("columns", "expected"), [(32, EXPECTED_32), (42, EXPECTED_42), (48, EXPECTED_48)])
def test_split_payment_renders_exactly_at_each_paper_width(columns, expected):
    assert render_text(split_payment(), columns) == expected


def test_void_slip_names_the_voided_receipt_the_approver_and_a_negative_total():
    assert render_text(void_slip(), 42) == EXPECTED_VOID_42


def test_reprint_of_a_card_payment_has_banners_top_and_bottom_and_only_the_last_four():
    assert render_text(card_payment(reprint=True), 32) == EXPECTED_CARD_REPRINT_32


def test_card_tender_never_shows_more_than_the_last_four_digits():
    tender = ReceiptTender("card", 8231, reference="654321", card_type="MC", card_last4="4111111111111111")
    text = render_text(card_payment(tenders=(tender,)), 42)
    assert "MC ****1111 Auth 654321" in text
    assert "4111111111" not in text


@pytest.mark.parametrize("columns", [32, 42, 48])
def test_copies_are_numbered_only_when_there_is_more_than_one(columns):
    assert "Copy" not in render_text(split_payment(), columns)
    assert "Copy 2 of 3" in render_text(split_payment(copy=2, copies=3), columns)


def test_every_receipt_shows_its_business_date_a_night_drop_its_drop_date():
    receipt = split_payment(posted_at=datetime(2024, 3, 6, 7, 5, tzinfo=PACIFIC))
    text = render_text(receipt, 42)
    assert "Date                      2024-03-06 07:05" in text
    assert "Business date                   2024-03-05" in text
    assert "Business date                   2024-03-05" in render_text(split_payment(), 42)


@pytest.mark.parametrize(
    ("tender", "label"),
    [
        (ReceiptTender("money_order", 500, reference="88001"), "Money order #88001"),
        (ReceiptTender("cashiers_check", 500, reference="7001"), "Cashier's check #7001"),
        (ReceiptTender("ach", 500, reference="091000019"), "ACH trace 091000019"),
        (ReceiptTender("check", 500), "Check"),
        (ReceiptTender("card", 500, card_type="DEBIT"), "DEBIT"),
    ],
)
def test_each_tender_is_labelled_with_its_reference(tender, label):
    receipt = split_payment(tenders=(tender,), total_cents=500)
    assert f"{label}{' ' * (42 - len(label) - 5)}$5.00" in render_text(receipt, 42).splitlines()


def test_cash_without_an_amount_handed_over_prints_no_tendered_or_change_lines():
    receipt = split_payment(tenders=(ReceiptTender("cash", 19000),))
    text = render_text(receipt, 42)
    assert "Cash tendered" not in text and "Change" not in text


def test_check_with_cash_back_shows_the_change():
    receipt = split_payment(tenders=(ReceiptTender("check", 19000, change_cents=1000, reference="55"),))
    assert "  Change                            $10.00" in render_text(receipt, 42).splitlines()


def test_accented_letters_and_the_euro_sign_survive_the_text_rendering():
    text = render_text(split_payment(), 42)
    for word in ("José Núñez", "Zoë Müller", "Tarifa € 1,50"):
        assert word in text


def test_decomposed_accents_are_composed_before_measuring():
    receipt = split_payment(lines=(ReceiptLine(100, account_number="1", name="Jose\u0301"),), total_cents=100)
    assert "  José" in render_text(receipt, 32).splitlines()


def test_control_characters_in_names_cannot_reach_the_printer_as_commands():
    line = ReceiptLine(100, account_number="1", name="Evil\x1bp\x00\x19 Name", service_address="Tab\there")
    text = render_text(split_payment(lines=(line,), total_cents=100), 32)
    assert "\x1b" not in text and "\x00" not in text and "\t" not in text
    assert "  Evil?p?? Name" in text.splitlines()


def test_a_word_longer_than_the_paper_is_split_not_cut():
    name = "X" * 70
    text = render_text(split_payment(lines=(ReceiptLine(100, account_number="1", name=name),), total_cents=100), 32)
    pieces = [row.strip() for row in text.splitlines() if row.strip().startswith("X")]
    assert "".join(pieces) == name


def test_wide_characters_count_two_columns():
    line = ReceiptLine(100, account_number="1", name="山田太郎" * 5)
    for row in render_text(split_payment(lines=(line,), total_cents=100), 32).splitlines():
        assert display_width(row) <= 32


def test_header_total_and_flags_carry_style_hints_for_the_printer():
    laid_out = layout_lines(split_payment(), 42)
    header = next(line for line in laid_out if "Riverbend Water District" in line.text)
    total = next(line for line in laid_out if line.text.startswith("TOTAL"))
    flag = next(line for line in laid_out if "TURN-OFF" in line.text)
    barcode = [line for line in laid_out if line.barcode is not None]
    assert header.bold and header.double_height and header.centred
    assert total.bold and total.double_height
    assert flag.bold
    assert [line.barcode for line in barcode] == ["T01-000123"]
    assert barcode[0].text.strip() == "T01-000123"


def test_a_paper_narrower_than_24_columns_is_refused():
    with pytest.raises(ValueError, match="columns"):
        render_text(split_payment(), 20)


names = st.text(max_size=90)
amounts = st.integers(min_value=-10_000_000, max_value=10_000_000)
receipt_lines = st.builds(
    ReceiptLine,
    amount_cents=amounts,
    account_number=st.one_of(st.none(), st.text(alphabet="0123456789", min_size=1, max_size=20)),
    name=st.one_of(st.none(), names),
    service_address=st.one_of(st.none(), names),
    balance_after_cents=st.one_of(st.none(), amounts),
    fee_code=st.one_of(st.none(), st.text(min_size=1, max_size=12)),
    description=st.one_of(st.none(), names),
)
tenders = st.builds(
    ReceiptTender,
    type=st.sampled_from(["cash", "check", "money_order", "cashiers_check", "card", "ach"]),
    amount_cents=amounts,
    tendered_cents=st.one_of(st.none(), amounts),
    change_cents=amounts,
    reference=st.one_of(st.none(), st.text(max_size=30)),
    card_type=st.one_of(st.none(), st.sampled_from(["VISA", "MC", "AMEX", "DISC", "DEBIT"])),
    card_last4=st.one_of(st.none(), st.text(alphabet="0123456789", min_size=4, max_size=4)),
)


@settings(max_examples=150, deadline=None)
@given(
    columns=st.sampled_from([32, 42, 48]),
    kind=st.sampled_from(["payment", "void"]),
    cashier=names.filter(str.strip),
    lines_=st.lists(receipt_lines, min_size=1, max_size=4),
    tenders_=st.lists(tenders, min_size=1, max_size=3),
    total=amounts,
    header=st.lists(names, max_size=3),
    flags=st.lists(names, max_size=2),
    note=st.one_of(st.none(), names),
    reprint=st.booleans(),
)
def test_every_line_fits_the_paper_and_the_total_line_shows_the_total(
    columns, kind, cashier, lines_, tenders_, total, header, flags, note, reprint
):
    receipt = split_payment(kind=kind, cashier=cashier, lines=tuple(lines_), tenders=tuple(tenders_),
                            total_cents=total, header=tuple(header), flags=tuple(flags), note=note, reprint=reprint)
    rows = render_text(receipt, columns).splitlines()
    for row in rows:
        assert len(row) <= columns and display_width(row) <= columns, row
        assert row.isprintable(), row
    label = "TOTAL VOIDED" if kind == "void" else "TOTAL"
    expected = label + " " * (columns - len(label) - len(format_cents(total))) + format_cents(total)
    assert expected in rows


@pytest.mark.parametrize("columns", [32, 42, 48])
def test_a_credit_prints_as_a_credit_balance_with_the_amount_due_before(columns):
    text = render_text(card_payment(), columns)
    rows = text.splitlines()
    assert "  Credit balance" + " " * (columns - 2 - len("Credit balance") - len("$10.00")) + "$10.00" in rows
    assert "  Amount due" + " " * (columns - 2 - len("Amount due") - len("$72.31")) + "$72.31" in rows
    assert "-$10.00" not in text and "New balance" not in text


@pytest.mark.parametrize("columns", [32, 42, 48])
def test_a_reprint_says_when_and_by_whom(columns):
    receipt = card_payment(reprint=True, reprinted_at=datetime(2024, 3, 6, 11, 2, tzinfo=PACIFIC),
                           reprinted_by="Sam Ortiz (S400)")
    text = render_text(receipt, columns)
    rows = text.splitlines()
    assert "Reprinted" + " " * (columns - len("Reprinted") - 16) + "2024-03-06 11:02" in rows
    assert "Reprinted by" + " " * (columns - len("Reprinted by") - 16) + "Sam Ortiz (S400)" in rows
    assert all(display_width(line) <= columns for line in text.splitlines())


@pytest.mark.parametrize("columns", [32, 42, 48])
def test_a_void_slip_refunds_cash_as_a_positive_amount_with_reason_and_no_footer(columns):
    text = render_text(void_slip(footer=FOOTER), columns)
    rows = text.splitlines()
    assert "Refunded cash" + " " * (columns - len("Refunded cash") - len("$45.00")) + "$45.00" in rows
    assert "Cash tendered" not in text and "Change" not in text and "Tenders reversed" not in text
    assert "Void reason: Keyed to the wrong account" in " ".join(line.strip() for line in rows)
    assert "Approved by" in text and "L300" in text
    assert "Thank you" not in text and "Pay online" not in text


def test_a_void_slip_without_an_approver_says_none_was_needed():
    assert "Approved by                   not required" in render_text(void_slip(approved_by=None), 42)


def test_a_voided_check_is_returned_not_refunded_in_cash():
    tender = ReceiptTender("check", -4500, reference="1234")
    text = render_text(void_slip(tenders=(tender,)), 42)
    assert "Returned Check #1234                $45.00" in text.splitlines()
    assert "Refunded cash" not in text
