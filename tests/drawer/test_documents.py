"""Drawer documents: Z report, deposit slip and movement slips as receipt text, ESC/POS, PDF and CSV."""

from __future__ import annotations

import csv
import dataclasses
import io
import re
from datetime import date

import pypdf
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drawer.documents import (
    closeout_csv,
    closeout_pdf,
    closeout_text,
    deposit_slip_pdf,
    deposit_slip_text,
    document_escpos,
    movement_slip_text,
    over_short_csv,
)
from drawer.report_model import (
    Approval,
    CloseoutReport,
    CountedItem,
    DenominationCount,
    DepositDrawer,
    DepositItem,
    DepositSlip,
    Movement,
    MovementSlip,
    OverShortRow,
    TenderFigures,
    VoidLine,
)
from pos.core.money import format_cents
from receipts.errors import PrinterError
from receipts.layout import display_width

DAY = date(2024, 3, 5)


def _at(hh_mm: str) -> str:
    return f"2024-03-05T{hh_mm}:00.000000-08:00"


def bills(*pairs: tuple[int, int]) -> tuple[DenominationCount, ...]:
    """(cents, count) pairs as count lines, labelled as the count screen labels them."""
    lines = []
    for cents, count in pairs:
        if cents >= 100:
            lines.append(DenominationCount(f"bill:{cents}", f"${cents // 100}.00 bills", cents, count))
        else:
            lines.append(DenominationCount(f"coin:{cents}", f"{cents}c coins", cents, count))
    return tuple(lines)


DROP = Movement("T01-D0001", _at("11:30"), "drop", 50000, "Excess cash to safe", None, "A100", None,
                counts=bills((2000, 25)))
PAID_OUT = Movement("T01-P0002", _at("13:10"), "paid_out", 4500, "Refund: overpayment on final account",
                    "Account 0012345678 closed, customer moving", "A100", "L200")
LOAN = Movement("T01-L0003", _at("14:00"), "loan", 10000, "Change fund top-up", None, "S300", None,
                counts=(DenominationCount("roll:1000", "$10.00 quarter rolls", 1000, 5),) + bills((100, 50)))
NO_SALE = Movement("T01-N0004", _at("15:20"), "no_sale", 0, "Customer needed change for the meter", None,
                   "A100", "L200")


def closed_report(**changes) -> CloseoutReport:
    """A day at T01: $200 float, 30 payments, 2 voids, drop, paid-out, loan, no-sale, $2.00 short, signed off."""
    report = CloseoutReport(
        site_name="Riverbend Water District",
        session_id="S-000042",
        terminal_id="T01",
        operator_id="A100",
        operator_name="José Muñoz",
        business_date=DAY,
        status="closed",
        opened_at=_at("07:58"),
        closed_at=_at("17:06"),
        batch_id="B-000017",
        opening_float_cents=20000,
        movements=(DROP, PAID_OUT, LOAN, NO_SALE),
        payments_count=30,
        payments_cents=402211,
        tenders=(
            TenderFigures("cash", 18, 141250, 3750, 1, 3875, 109125, 108925, -200),
            TenderFigures("check", 8, 231480, 0, 1, 9000, 222480, 222480, 0),
            TenderFigures("money_order", 2, 15000, 0, 0, 0, 15000, 15000, 0),
            TenderFigures("card", 2, 18231, 0, 0, 0, 18231, 18231, 0),
        ),
        voids=(
            VoidLine("T01-000131", "T01-000112", 3875, "A100", "L200", "Keyed to the wrong account"),
            VoidLine("T01-000140", "T01-000125", 9000, "A100", None, "Customer paid twice"),
        ),
        cash_counts=bills((10000, 2), (5000, 4), (2000, 25), (1000, 8), (500, 12), (100, 31),
                          (25, 60), (10, 25), (5, 13), (1, 10)),
        items=(
            CountedItem("check", "1001", 45000, "matched", "T01-000101"),
            CountedItem("check", "1002", 31250, "matched", "T01-000104"),
            CountedItem("check", "1003", 12000, "matched", "T01-000109"),
            CountedItem("check", "1004", 88230, "matched", "T01-000117"),
            CountedItem("check", "1005", 15000, "matched", "T01-000121"),
            CountedItem("check", "1006", 21000, "matched", "T01-000128"),
            CountedItem("check", "1045", 10000, "missing", "T01-000133"),
            CountedItem("check", "1054", 10000, "extra"),
            CountedItem("money_order", "MO-5550", 7500, "matched", "T01-000137"),
            CountedItem("money_order", "MO-5551", 7500, "matched", "T01-000138"),
        ),
        counts_made=2,
        expected_cents=364836,
        counted_cents=364636,
        over_short_cents=-200,
        closed_by="A100",
        forced=False,
        signed_off_by="L200",
        signoff_note="Recounted twice; short $2.00 accepted",
        verified_by="S300",
        verified_at=_at("17:40"),
        retained_float_cents=20000,
        retained_counts=bills((2000, 3), (1000, 5), (500, 10), (100, 30), (25, 40)),
        deposit_cash_cents=88925,
        deposit_bag="BAG-20240305-01",
        approvals=(
            Approval(_at("13:10"), "paid-out $45.00", "A100", "L200"),
            Approval(_at("14:45"), "void T01-000112", "A100", "L200"),
            Approval(_at("15:20"), "no-sale", "A100", "L200"),
            Approval(_at("17:05"), "over/short sign-off", "A100", "L200", "Recounted twice; short $2.00 accepted"),
        ),
    )
    return dataclasses.replace(report, **changes)


def open_report(**changes) -> CloseoutReport:
    """The same drawer at 12:00, still open: nothing counted, nothing signed."""
    return closed_report(status="open", closed_at=None, movements=(DROP,), payments_count=12,
                         payments_cents=150000,
                         tenders=(TenderFigures("cash", 9, 62000, 1500, 0, 0, 30500, None, None),
                                  TenderFigures("check", 3, 88000, 0, 0, 0, 88000, None, None)),
                         voids=(), cash_counts=(), items=(), counts_made=0, expected_cents=118500,
                         counted_cents=None, over_short_cents=None, closed_by=None, signed_off_by=None,
                         signoff_note=None, verified_by=None, verified_at=None, retained_float_cents=None,
                         retained_counts=(), deposit_cash_cents=None, deposit_bag=None, approvals=(), **changes)


def deposit_slip(**changes) -> DepositSlip:
    """Bag BAG-20240305-01: T01's drawer above and T02's, cash less the floats kept, ten checks and money orders."""
    report = closed_report()
    items = tuple(DepositItem(i.tender, i.reference, i.amount_cents, "T01", i.receipt_number)
                  for i in report.items if i.status != "missing")
    items += (DepositItem("money_order", "MO-7781", 6500, "T02", "T02-000044"),)
    slip = DepositSlip(
        deposit_id="DEP-0007",
        bag_number="BAG-20240305-01",
        site_name="Riverbend Water District",
        business_date=DAY,
        prepared_at=_at("17:55"),
        prepared_by="S300",
        drawers=(DepositDrawer("S-000042", "T01", "A100", DAY, 88925, 237480),
                 DepositDrawer("S-000043", "T02", "B200", DAY, 41075, 6500)),
        cash=bills((10000, 3), (5000, 4), (2000, 30), (1000, 10), (500, 16), (100, 12), (25, 28), (10, 8),
                   (5, 3), (1, 5)),
        items=items,
        cash_cents=130000,
        items_cents=243980,
        total_cents=373980,
    )
    return dataclasses.replace(slip, **changes)


def movement_slip(movement: Movement = PAID_OUT, cash_in_drawer_cents: int = 62325, **changes) -> MovementSlip:
    slip = MovementSlip("Riverbend Water District", "T01", "A100", "José Muñoz", movement, cash_in_drawer_cents)
    return dataclasses.replace(slip, **changes)


# --- receipt text: the layout a reviewer can see ------------------------------------------------------------

CLOSED_REPORT_42 = """\
         Riverbend Water District
           DRAWER CLOSEOUT (Z)
==========================================
Terminal                               T01
Cashier                  José Muñoz (A100)
Business date                   2024-03-05
Session                           S-000042
Batch                             B-000017
Opened                    2024-03-05 07:58
Closed                    2024-03-05 17:06
Status                              CLOSED
------------------------------------------
Opening float                      $200.00
------------------------------------------
MOVEMENTS
T01-D0001 Drop                    -$500.00
  11:30 Excess cash to safe
T01-P0002 Paid-out                 -$45.00
  13:10 Refund: overpayment on final
  account
  Note: Account 0012345678 closed,
  customer moving
  By A100, approved by L200
T01-L0003 Loan                    +$100.00
  14:00 Change fund top-up
  By S300
T01-N0004 No-sale                  no cash
  15:20 Customer needed change for the
  meter
  By A100, approved by L200
..........................................
Drops (1)                         -$500.00
Paid-outs (1)                      -$45.00
Loans (1)                         +$100.00
No-sales (1)                       no cash
------------------------------------------
PAYMENTS
Payments (30)                    $4,022.11
Voided (2)                        -$128.75
Net payments                     $3,893.36
------------------------------------------
TENDERS
Cash
  Payments (18)                  $1,412.50
  Change                           -$37.50
  Voids (1)                        -$38.75
  Expected                       $1,091.25
  Counted                        $1,089.25
  Over/short                  SHORT -$2.00
Check
  Payments (8)                   $2,314.80
  Voids (1)                        -$90.00
  Expected                       $2,224.80
  Counted                        $2,224.80
  Over/short                BALANCED $0.00
Money order
  Payments (2)                     $150.00
  Voids (0)                          $0.00
  Expected                         $150.00
  Counted                          $150.00
  Over/short                BALANCED $0.00
Card
  Payments (2)                     $182.31
  Voids (0)                          $0.00
  Expected                         $182.31
  Counted                          $182.31
  Over/short                BALANCED $0.00
------------------------------------------
VOIDS
T01-000131 voids T01-000112         $38.75
  Keyed to the wrong account
  By A100, approved by L200
T01-000140 voids T01-000125         $90.00
  Customer paid twice
  By A100
------------------------------------------
CASH COUNT
2 x $100.00 bills                  $200.00
4 x $50.00 bills                   $200.00
25 x $20.00 bills                  $500.00
8 x $10.00 bills                    $80.00
12 x $5.00 bills                    $60.00
31 x $1.00 bills                    $31.00
60 x 25c coins                      $15.00
25 x 10c coins                       $2.50
13 x 5c coins                        $0.65
10 x 1c coins                        $0.10
Total cash                       $1,089.25
------------------------------------------
CHECKS AND MONEY ORDERS
Check #1001                        $450.00
  matched, receipt T01-000101
Check #1002                        $312.50
  matched, receipt T01-000104
Check #1003                        $120.00
  matched, receipt T01-000109
Check #1004                        $882.30
  matched, receipt T01-000117
Check #1005                        $150.00
  matched, receipt T01-000121
Check #1006                        $210.00
  matched, receipt T01-000128
Check #1045                        $100.00
  MISSING - posted, not in drawer
  receipt T01-000133
Check #1054                        $100.00
  EXTRA - in drawer, not posted
Money order #MO-5550                $75.00
  matched, receipt T01-000137
Money order #MO-5551                $75.00
  matched, receipt T01-000138
..........................................
Matched (8)                      $2,274.80
Missing (1)                        $100.00
Extra (1)                          $100.00
------------------------------------------
TOTALS
Expected                         $3,648.36
Counted                          $3,646.36
Over/short                    SHORT -$2.00
Counts made                    2 (recount)
------------------------------------------
SIGN-OFF
Closed by                             A100
Signed off by                         L200
  Note: Recounted twice; short $2.00
  accepted
Verified by                           S300
Verified at               2024-03-05 17:40
------------------------------------------
DEPOSIT
Retained float                     $200.00
  3 x $20.00 bills                  $60.00
  5 x $10.00 bills                  $50.00
  10 x $5.00 bills                  $50.00
  30 x $1.00 bills                  $30.00
  40 x 25c coins                    $10.00
Deposit cash                       $889.25
Deposit bag                BAG-20240305-01
------------------------------------------
APPROVALS
13:10 paid-out $45.00
  A100 approved by L200
14:45 void T01-000112
  A100 approved by L200
15:20 no-sale
  A100 approved by L200
17:05 over/short sign-off
  A100 approved by L200
  Note: Recounted twice; short $2.00
  accepted
==========================================


Cashier __________________________________


Supervisor _______________________________
"""

PAID_OUT_SLIP_42 = """\
         Riverbend Water District
                 PAID-OUT
==========================================
Slip                             T01-P0002
Kind                              Paid-out
Time                      2024-03-05 13:10
Terminal                               T01
Cashier                  José Muñoz (A100)
Reason
  Refund: overpayment on final account
Note: Account 0012345678 closed, customer
moving
Approved by                           L200
------------------------------------------
Amount paid out                     $45.00
Cash in drawer after               $623.25
==========================================


Cashier __________________________________


Received by ______________________________


Approved by ______________________________
"""


def test_closed_report_at_42_columns_prints_this_layout():
    assert closeout_text(closed_report(), 42) == CLOSED_REPORT_42


def test_paid_out_slip_at_42_columns_prints_this_layout_with_a_received_by_line():
    assert movement_slip_text(movement_slip(PAID_OUT), 42) == PAID_OUT_SLIP_42


# --- receipt text: widths, figures, wording -----------------------------------------------------------------

COLUMNS = (32, 42, 48)
ESC, GS = b"\x1b", b"\x1d"


def closeout_figures(report: CloseoutReport) -> list[int]:
    """Every money figure the Z report holds, in cents (signs as the model keeps them)."""
    figures = [report.opening_float_cents, report.payments_cents, report.expected_cents, report.counted_cents,
               report.over_short_cents, report.retained_float_cents, report.deposit_cash_cents]
    figures += [m.amount_cents for m in report.movements if m.kind != "no_sale"]
    for t in report.tenders:
        figures += [t.payments_cents, t.change_cents, t.voids_cents, t.expected_cents, t.counted_cents,
                    t.over_short_cents]
    figures += [v.amount_cents for v in report.voids]
    figures += [c.total_cents for c in report.cash_counts + report.retained_counts]
    figures += [i.amount_cents for i in report.items]
    return [cents for cents in figures if cents]


def lines_wider_than(text: str, columns: int) -> list[str]:
    return [line for line in text.splitlines() if display_width(line) > columns]


@pytest.mark.parametrize("columns", COLUMNS)
def test_no_line_of_any_document_is_wider_than_the_paper(columns):
    documents = [closeout_text(closed_report(), columns), closeout_text(open_report(), columns),
                 deposit_slip_text(deposit_slip(), columns)]
    documents += [movement_slip_text(movement_slip(m), columns) for m in (DROP, PAID_OUT, LOAN, NO_SALE)]
    for text in documents:
        assert lines_wider_than(text, columns) == []


@pytest.mark.parametrize("columns", COLUMNS)
def test_every_money_figure_of_the_closeout_is_printed_whole(columns):
    text = closeout_text(closed_report(), columns)
    missing = [format_cents(abs(cents)) for cents in closeout_figures(closed_report())
               if format_cents(abs(cents)) not in text]
    assert missing == []


@pytest.mark.parametrize("columns", COLUMNS)
def test_over_short_is_spelled_out_as_short_or_over(columns):
    assert "SHORT -$2.00" in closeout_text(closed_report(), columns)
    over = closed_report(over_short_cents=150, counted_cents=364986)
    assert "OVER +$1.50" in closeout_text(over, columns)


def test_short_cash_shows_on_the_cash_tender_and_the_other_tenders_balance():
    text = closeout_text(closed_report(), 42)
    cash = text[text.index("\nCash\n"):text.index("\nCheck\n")]
    assert "  Over/short                  SHORT -$2.00" in cash.splitlines()
    assert text.count("BALANCED $0.00") == 3


@pytest.mark.parametrize("columns", COLUMNS)
def test_an_open_drawer_shows_counted_and_over_short_as_not_counted(columns):
    text = closeout_text(open_report(), columns)
    assert "OPEN - NOT CLOSED YET" in text
    assert [line.split()[0] for line in text.splitlines() if line.endswith("not counted")
            and line.split()[0] in ("Counted", "Over/short")] == ["Counted", "Over/short"] * 3
    assert "SHORT" not in text and "OVER" not in text and "BALANCED" not in text


def test_a_count_saved_while_counting_stays_blind_on_the_report():
    counting = closed_report(status="counting", closed_at=None)
    text = closeout_text(counting, 42)
    assert "COUNTING - NOT CLOSED YET" in text
    assert "$3,646.36" not in text and "SHORT" not in text  # counted total and over/short stay hidden
    assert "CASH COUNT\nnot counted\n" in text


def test_a_forced_close_names_who_forced_it():
    text = closeout_text(closed_report(forced=True, closed_by="S300"), 42)
    assert "Status                FORCE-CLOSED by S300\n" in text


def test_recount_and_sign_off_are_on_the_report():
    text = closeout_text(closed_report(), 32)
    assert "Counts made          2 (recount)" in text
    assert "Signed off by               L200" in text
    assert "Verified by                 S300" in text


@pytest.mark.parametrize("columns", COLUMNS)
def test_long_names_and_addresses_wrap_without_losing_a_word_or_an_accent(columns):
    site = "Riverbend Water District Customer Service Center, 12345 North Riverbend Industrial Parkway, Suite 200"
    name = "María José Núñez de la Fuente y Castellanos-Ortiz"
    text = closeout_text(closed_report(site_name=site, operator_name=name), columns)
    assert lines_wider_than(text, columns) == []
    words = text.split()
    for expected in (site + " DRAWER CLOSEOUT (Z)").split() + name.split():
        assert expected in words
    assert "Núñez" in text and "María" in text
    slip = movement_slip_text(movement_slip(PAID_OUT, site_name=site, operator_name=name), columns)
    assert lines_wider_than(slip, columns) == [] and "Castellanos-Ortiz" in slip.split()


def test_a_word_longer_than_the_paper_is_split_not_cut():
    reference = "X" * 50
    text = closeout_text(closed_report(deposit_bag=reference), 32)
    assert lines_wider_than(text, 32) == []
    assert reference in text.replace("\n", "").replace(" ", "")


def test_control_characters_in_a_name_never_reach_the_paper():
    text = closeout_text(closed_report(operator_name="Ann\x1b@Lee\x07"), 42)
    assert "\x1b" not in text and "\x07" not in text and "Ann?@Lee?" in text


def test_another_currency_symbol_is_used_for_every_amount():
    text = closeout_text(closed_report(), 42, symbol="€")
    # Right-aligned figures only: the typed-in note "short $2.00" and the labels "$20.00 bills" are data.
    amounts = [line.split()[-1] for line in text.splitlines()
               if re.search(r"\s{2}\S+\d\.\d\d$", line) and display_width(line) == 42]
    assert len(amounts) > 60
    assert [amount for amount in amounts if "€" not in amount] == []
    assert "Opening float                      €200.00\n" in text


def test_a_paper_narrower_than_the_layout_can_hold_is_refused():
    with pytest.raises(ValueError):
        closeout_text(closed_report(), 20)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    columns=st.sampled_from(COLUMNS),
    name=st.text(min_size=1, max_size=80),
    reason=st.text(max_size=120),
    cents=st.integers(min_value=-10**11, max_value=10**11),
)
def test_any_name_reason_or_amount_fits_the_paper_and_prints_the_amount(columns, name, reason, cents):
    movement = dataclasses.replace(PAID_OUT, reason=reason, amount_cents=abs(cents))
    report = closed_report(operator_name=name, opening_float_cents=cents, movements=(movement,),
                           signoff_note=reason, over_short_cents=cents)
    text = closeout_text(report, columns)
    assert lines_wider_than(text, columns) == []
    assert format_cents(cents) in text
    slip = movement_slip_text(movement_slip(movement, operator_name=name), columns)
    assert lines_wider_than(slip, columns) == []
    assert format_cents(abs(cents)) in slip


# --- deposit and movement slips -----------------------------------------------------------------------------


@pytest.mark.parametrize("columns", COLUMNS)
def test_deposit_slip_lists_bag_drawers_cash_items_totals_and_signatures(columns):
    slip = deposit_slip()
    text = deposit_slip_text(slip, columns)
    assert "BAG-20240305-01" in text and "S300" in text
    for drawer in slip.drawers:
        assert drawer.session_id in text and format_cents(drawer.cash_cents) in text
    for line in slip.cash:
        assert f"{line.count} x {line.label}" in text and format_cents(line.total_cents) in text
    for item in slip.items:
        assert item.reference in text and format_cents(item.amount_cents) in text
    assert "$1,300.00" in text and "$2,439.80" in text
    assert text.splitlines()[-1].startswith("Bank ____")
    total_line = next(line for line in text.splitlines() if line.startswith("DEPOSIT TOTAL"))
    assert total_line.endswith("$3,739.80") and display_width(total_line) == columns


def test_drop_slip_shows_its_count_by_denomination_and_a_witness_line():
    text = movement_slip_text(movement_slip(DROP), 42)
    assert "DRAWER DROP" in text
    assert "25 x $20.00 bills                  $500.00\n" in text
    assert "Amount dropped                     $500.00\n" in text
    assert "Cash in drawer after               $623.25\n" in text
    assert "\nWitness ___" in text and "Received by" not in text


def test_loan_slip_shows_rolls_and_who_issued_it():
    text = movement_slip_text(movement_slip(LOAN), 32)
    assert "5 x $10.00 quarter rolls  $50.00" in text
    assert "Entered by                  S300" in text
    assert "\nIssued by ___" in text


def test_no_sale_slip_says_no_cash_moved_and_carries_the_reason_and_approver():
    text = movement_slip_text(movement_slip(NO_SALE), 42)
    assert "NO-SALE" in text and "no cash moved" in text
    assert "Customer needed change for the meter" in text
    assert "Approved by                           L200\n" in text


# --- ESC/POS ------------------------------------------------------------------------------------------------


def test_escpos_initialises_prints_every_line_feeds_and_cuts_partially():
    text = closeout_text(closed_report(), 42)
    out = document_escpos(text)
    assert out.startswith(ESC + b"@")
    assert out.endswith(ESC + b"d\x06" + GS + b"V\x01")  # feed six lines, then a partial cut
    for line in text.splitlines():
        if line.isascii():
            assert line.encode("ascii") + b"\n" in out


def test_escpos_encodes_accented_names_in_a_code_page():
    out = document_escpos(closeout_text(closed_report(), 42))
    assert "José Muñoz".encode("cp437") in out or "José Muñoz".encode("cp850") in out
    assert b"Jos?" not in out


def test_escpos_prints_what_the_code_page_cannot_hold_as_question_marks_instead_of_crashing():
    out = document_escpos("Tarifa € 1,50\nSnow ☃ 中文 Ok\n")
    assert b"Snow ? ???? Ok\n" in out
    assert "中".encode("gb18030") not in out
    assert b"Tarifa ? 1,50" not in out  # the euro sign has a code page


def test_escpos_documents_print_in_one_fixed_code_page_pc858():
    out = document_escpos("Müller õ À É Î Õ Ü ñ ç ß €\n")
    assert out.startswith(b"\x1b@\x1bt\x13") and out.count(b"\x1bt") == 1
    assert "Müller õ À É Î Õ Ü ñ ç ß €\n".encode("cp858") in out


def test_escpos_refuses_an_unknown_printer_profile():
    with pytest.raises(PrinterError):
        document_escpos("x", profile="no-such-printer")


# --- PDF ----------------------------------------------------------------------------------------------------


def pdf_text(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_closeout_pdf_holds_the_names_figures_and_over_short():
    data = closeout_pdf(closed_report())
    assert data.startswith(b"%PDF-")
    text = pdf_text(data)
    assert "Drawer closeout (Z)" in text and "José Muñoz (A100)" in text
    for figure in ("$200.00", "$4,022.11", "$3,648.36", "$3,646.36", "SHORT -$2.00", "$889.25",
                   "BAG-20240305-01", "$1,089.25", "Recounted twice; short $2.00 accepted"):
        assert figure in text


def test_closeout_pdf_is_a_letter_page():
    page = pypdf.PdfReader(io.BytesIO(closeout_pdf(closed_report()))).pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (612, 792)


def test_open_drawer_pdf_says_not_counted():
    text = pdf_text(closeout_pdf(open_report()))
    assert "Counted not counted" in text and "Over/short not counted" in text and "SHORT" not in text


def test_a_long_closeout_breaks_across_pages_without_losing_a_row():
    movements = tuple(dataclasses.replace(DROP, number=f"T01-D{n:04d}", amount_cents=1000 + n) for n in range(150))
    data = closeout_pdf(closed_report(movements=movements))
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert len(reader.pages) > 3
    text = pdf_text(data)
    assert all(f"T01-D{n:04d}" in text for n in range(150))
    assert f"page {len(reader.pages)} of {len(reader.pages)}" in text


def test_pdf_keeps_the_euro_sign_and_replaces_what_the_core_fonts_cannot_hold():
    report = closed_report(operator_name="Zoë Łukasz 中文 Őry")
    text = pdf_text(closeout_pdf(report, symbol="€"))
    assert "€200.00" in text and "Zoë" in text
    assert "?ukasz ?? Ory" in text


def test_deposit_slip_pdf_holds_bag_items_and_totals():
    text = pdf_text(deposit_slip_pdf(deposit_slip()))
    assert "Bank deposit slip - bag BAG-20240305-01" in text
    for figure in ("MO-7781", "1054", "$882.30", "$1,300.00", "$2,439.80", "$3,739.80", "S-000043", "Prepared by"):
        assert figure in text


# --- CSV ----------------------------------------------------------------------------------------------------


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def cents_of(rows: list[dict[str, str]], section: str, item: str | None = None, tender: str | None = None) -> int:
    return sum(int(row["amount_cents"]) for row in rows if row["section"] == section
               and (item is None or row["item"] == item) and (tender is None or row["tender"] == tender))


def test_closeout_csv_sums_back_to_the_report():
    report = closed_report()
    rows = csv_rows(closeout_csv(report))
    assert cents_of(rows, "tender", "expected") == report.expected_cents
    assert cents_of(rows, "tender", "counted") == report.counted_cents
    assert cents_of(rows, "tender", "over_short") == report.over_short_cents == -200
    assert cents_of(rows, "tender", "payments") - cents_of(rows, "tender", "change") == report.payments_cents
    assert cents_of(rows, "cash_count") == cents_of(rows, "tender", "counted", "cash") == 108925
    assert cents_of(rows, "counted_item", "matched") + cents_of(rows, "counted_item", "extra") == 237480
    assert cents_of(rows, "void") == 12875
    assert cents_of(rows, "retained_count") == cents_of(rows, "total", "retained_float") == 20000
    assert cents_of(rows, "movement", "drop") == 50000 and cents_of(rows, "movement", "loan") == 10000
    assert cents_of(rows, "total", "deposit_cash") == report.deposit_cash_cents


def test_closeout_csv_rows_carry_the_drawer_and_both_cents_and_formatted_money():
    rows = csv_rows(closeout_csv(closed_report()))
    assert {(row["session_id"], row["terminal_id"], row["business_date"]) for row in rows} == {
        ("S-000042", "T01", "2024-03-05")}
    for row in rows:
        if row["amount_cents"]:
            assert row["amount"] == format_cents(int(row["amount_cents"]))
    short = next(row for row in rows if row["section"] == "total" and row["item"] == "over_short")
    assert (short["amount_cents"], short["amount"], short["detail"]) == ("-200", "-$2.00", "SHORT")


def test_closeout_csv_of_an_open_drawer_leaves_counted_figures_empty():
    rows = csv_rows(closeout_csv(open_report()))
    unknown = [row for row in rows if row["item"] in ("counted", "over_short")]
    assert len(unknown) == 6
    assert all(row["amount_cents"] == "" and row["detail"] == "not counted" for row in unknown)
    assert not any(row["section"] in ("cash_count", "counted_item") for row in rows)


def over_short_rows() -> list[OverShortRow]:
    return [
        OverShortRow(date(2024, 3, 4), "S-000038", "T01", "A100", "José Muñoz", 251000, 251000, 0, 0, None, "S300"),
        OverShortRow(DAY, "S-000042", "T01", "A100", "José Muñoz", 364836, 364636, -200, -200, "L200", "S300"),
        OverShortRow(date(2024, 3, 6), "S-000047", "T02", "A100", "=HYPERLINK(\"x\")", 90000, 90125, 125, 125,
                     "L200", None),
    ]


def test_over_short_csv_has_one_row_per_drawer_that_sums_back():
    rows = csv_rows(over_short_csv(over_short_rows()))
    assert [row["session_id"] for row in rows] == ["S-000038", "S-000042", "S-000047"]
    assert sum(int(row["over_short_cents"]) for row in rows) == -75
    assert [(row["over_short"], row["result"]) for row in rows] == [
        ("$0.00", "BALANCED"), ("-$2.00", "SHORT"), ("$1.25", "OVER")]
    assert rows[1]["operator_name"] == "José Muñoz" and rows[0]["verified_by"] == "S300"


def test_over_short_csv_defuses_a_name_a_spreadsheet_would_run_as_a_formula():
    rows = csv_rows(over_short_csv(over_short_rows()))
    assert rows[2]["operator_name"] == "'=HYPERLINK(\"x\")"
    assert rows[1]["over_short"] == "-$2.00"  # our own negative amounts stay numbers
